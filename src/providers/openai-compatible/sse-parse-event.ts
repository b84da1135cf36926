/**
 * Reading the lines of one complete SSE event (WHATWG HTML §9.2.6): `data` values joined with
 * `\n`, one optional space after the colon removed, comment lines and the `event` name picked out.
 * Works on the event's bytes and decodes only field values, so UTF-8 is decoded once, whole.
 */

export const LF = 10;
export const CR = 13;
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
export function parseEvent(raw: Uint8Array, hasCR = raw.indexOf(CR) !== -1): SseEvent {
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

/**
 * The common case, `data: …\n\n` with LF framing and one line, read without searching the line
 * again; anything else goes to `parseEvent`.
 */
export function oneLineEvent(raw: Uint8Array): SseEvent {
  if (raw[4] !== COLON || !fieldIs(raw, 0, 4, 'data')) return parseEvent(raw, false);
  const data = fieldValue(raw, 4, raw.length - 2);
  return { raw, canonical: true, data, event: undefined, comments: undefined };
}

/** Index of the next CR or LF at or after `from`, or -1. */
export function nextBreak(bytes: Uint8Array, from: number): number {
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === LF || b === CR) return i;
  }
  return -1;
}
