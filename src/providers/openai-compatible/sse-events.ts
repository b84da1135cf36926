/**
 * A byte-level Server-Sent Events splitter (WHATWG HTML §9.2.6 "Interpreting an event stream"),
 * built to sit first in a TransformStream that forwards most events untouched.
 *
 * It works on bytes, not text: a chunk boundary may fall anywhere (inside a multi-byte UTF-8
 * character, inside a CRLF), and only complete events are decoded, so nothing is ever decoded
 * twice or split mid-character. Per chunk it does one native scan for CR, then jumps from line
 * break to line break with `indexOf`; an event that lies inside one chunk is handed on as a view of
 * that chunk (no copy). Only the tail of a chunk (an unfinished event) is copied and kept.
 */

const LF = 10;
const CR = 13;
const COLON = 58;
const SPACE = 32;

/** One complete event as received. */
export interface SseEvent {
  /** The event's bytes as received, its terminating blank line included. */
  raw: Uint8Array;
  /**
   * True when `raw` is already what an OpenAI client expects: only `data:` lines, each ending in
   * `\n`, then `\n` (no comment, no `event:`/`id:`/`retry:` line, no CR). Such an event can be
   * forwarded by copying `raw`.
   */
  canonical: boolean;
  /** The `data:` values joined with `\n`; undefined when the event has no `data` line. */
  data: string | undefined;
  /** The `event:` name, if the event has one. */
  event: string | undefined;
  /** The text of its comment lines (after the `:` and one optional space), if any. */
  comments: string[] | undefined;
}

export type SseEventHandler = (event: SseEvent) => void;

const decoder = new TextDecoder();

/** Whether `bytes[start, end)` spells the ASCII field `name`. */
function fieldIs(bytes: Uint8Array, start: number, end: number, name: string): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (bytes[start + i] !== name.charCodeAt(i)) return false;
  return true;
}

/** Decodes a field value: the bytes after the colon, minus one optional leading space. */
function fieldValue(bytes: Uint8Array, colon: number, end: number): string {
  let start = colon + 1;
  if (start < end && bytes[start] === SPACE) start++;
  return decoder.decode(bytes.subarray(start, end));
}

/** Parses the lines of one complete event (`raw` ends with its blank line). */
export function parseEvent(raw: Uint8Array): SseEvent {
  const hasCR = raw.indexOf(CR) !== -1;
  let canonical = !hasCR;
  let data: string | undefined;
  let event: string | undefined;
  let comments: string[] | undefined;
  let pos = 0;
  while (pos < raw.length) {
    let end = hasCR ? nextBreak(raw, pos) : raw.indexOf(LF, pos);
    if (end === -1) end = raw.length; // the last line of an incomplete event (see `finish`)
    if (end === pos) break; // the blank line that ends the event
    const colon = raw.indexOf(COLON, pos);
    const nameEnd = colon === -1 || colon > end ? end : colon;
    if (nameEnd === pos) {
      comments = comments ?? [];
      comments.push(fieldValue(raw, pos, end));
      canonical = false;
    } else if (fieldIs(raw, pos, nameEnd, 'data')) {
      const value = nameEnd === end ? '' : fieldValue(raw, nameEnd, end);
      data = data === undefined ? value : `${data}\n${value}`;
    } else {
      if (fieldIs(raw, pos, nameEnd, 'event')) event = nameEnd === end ? '' : fieldValue(raw, nameEnd, end);
      canonical = false; // `event`, `id`, `retry` and unknown fields are never forwarded
    }
    pos = end + (raw[end] === CR && raw[end + 1] === LF ? 2 : 1);
  }
  return { raw, canonical, data, event, comments };
}

/** Index of the next CR or LF at or after `from`, or -1. */
function nextBreak(bytes: Uint8Array, from: number): number {
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === LF || b === CR) return i;
  }
  return -1;
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Splits a byte stream into events. Feed it with `push`; call `finish` at the end of the stream.
 * State between chunks: the unfinished event's bytes, whether the current line has any byte yet,
 * and whether the last chunk ended on a CR (so a leading LF in the next one completes a CRLF
 * instead of counting as a second line break).
 */
export class SseEventSplitter {
  private pending: Uint8Array[] = [];
  private pendingLength = 0;
  private lineHasBytes = false;
  private afterCR = false;
  private started = false;

  push(chunk: Uint8Array, onEvent: SseEventHandler): void {
    let pos = 0;
    if (!this.started && chunk.length > 0) {
      this.started = true;
      // A UTF-8 byte order mark at the very start of the stream is not part of the first line.
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) pos = 3;
    }
    if (this.afterCR && chunk.length > 0) {
      this.afterCR = false;
      if (chunk[0] === LF) pos = Math.max(pos, 1); // the second half of a CRLF split across chunks
    }
    // Where the current event starts in this chunk: 0 if it began in an earlier chunk (the LF of
    // a split CRLF then belongs to it), else the first byte not yet consumed.
    let eventStart = this.pendingLength > 0 ? 0 : pos;
    const hasCR = chunk.indexOf(CR, pos) !== -1;
    const len = chunk.length;
    while (pos < len) {
      const brk = hasCR ? nextBreak(chunk, pos) : chunk.indexOf(LF, pos);
      if (brk === -1) {
        this.lineHasBytes = true;
        break;
      }
      let after = brk + 1;
      if (chunk[brk] === CR) {
        if (after < len) {
          if (chunk[after] === LF) after++;
        } else {
          this.afterCR = true;
        }
      }
      const blank = brk === pos && !this.lineHasBytes;
      this.lineHasBytes = false;
      pos = after;
      if (!blank) continue;
      if (this.pendingLength === 0 && eventStart === brk) {
        eventStart = after; // a blank line with no event before it: nothing to dispatch
        continue;
      }
      let raw: Uint8Array;
      if (this.pendingLength > 0) {
        this.pending.push(chunk.subarray(0, after));
        raw = concat(this.pending, this.pendingLength + after);
        this.pending = [];
        this.pendingLength = 0;
      } else {
        raw = chunk.subarray(eventStart, after);
      }
      eventStart = after;
      onEvent(parseEvent(raw));
    }
    if (eventStart < len) {
      // Copied: the unfinished event must not depend on the producer never reusing its buffer.
      const tail = chunk.slice(eventStart);
      this.pending.push(tail);
      this.pendingLength += tail.length;
    }
  }

  /**
   * The end of the stream. Per the SSE spec an event without its blank line is incomplete; it is
   * handed to `onIncomplete` (when given, never `canonical`) so the caller can decide, e.g. honour
   * a final `data: [DONE]` whose blank line never came. Resets the splitter.
   */
  finish(onIncomplete?: SseEventHandler): void {
    const { pending, pendingLength } = this;
    this.pending = [];
    this.pendingLength = 0;
    this.lineHasBytes = false;
    this.afterCR = false;
    if (pendingLength === 0 || !onIncomplete) return;
    const event = parseEvent(concat(pending, pendingLength));
    event.canonical = false;
    onIncomplete(event);
  }
}

/** The splitter as a stream stage: bytes in, complete events out (an incomplete tail is dropped). */
export function sseEventStream(): TransformStream<Uint8Array, SseEvent> {
  const splitter = new SseEventSplitter();
  return new TransformStream<Uint8Array, SseEvent>({
    transform(chunk, controller) {
      splitter.push(chunk, (event) => controller.enqueue(event));
    },
    flush() {
      splitter.finish();
    },
  });
}
