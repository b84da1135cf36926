/**
 * A byte-level Server-Sent Events splitter (WHATWG HTML §9.2.6 "Interpreting an event stream"),
 * built for the pass-through relay, which forwards most events untouched.
 *
 * It works on bytes, not text: a chunk boundary may fall anywhere (inside a multi-byte UTF-8
 * character, inside a CRLF), and only complete events are decoded, so nothing is ever decoded
 * twice or split mid-character. Per chunk it does one native scan for CR, then jumps from line
 * break to line break with `indexOf`; an event that lies inside one chunk is handed on as a view
 * of that chunk (no copy). Only the tail of a chunk (an unfinished event) is copied and kept.
 */

import { concatBytes } from '../kit/byte-queue.js';
import { CR, LF, nextBreak, oneLineEvent, parseEvent, type SseEvent } from './sse-parse-event.js';

export type { SseEvent } from './sse-parse-event.js';

export type SseEventHandler = (event: SseEvent) => void;

const BOM = Uint8Array.of(0xef, 0xbb, 0xbf);

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
  /** Bytes of a leading UTF-8 byte order mark seen so far; 3 once it is skipped or known absent. */
  private bom = 0;

  push(input: Uint8Array, onEvent: SseEventHandler): void {
    let chunk = input;
    let pos = 0;
    if (this.bom < 3) {
      // A BOM at the very start of the stream is not part of the first line, even split across chunks.
      let i = 0;
      while (i < chunk.length && this.bom < 3 && chunk[i] === BOM[this.bom]) {
        i++;
        this.bom++;
      }
      if (this.bom === 3) pos = i;
      else if (i === chunk.length)
        return; // all of it may still be the start of a BOM
      else {
        // Not a BOM after all: the bytes taken for one in earlier chunks belong to the first line.
        const earlier = this.bom - i;
        if (earlier > 0) chunk = concatBytes([BOM.subarray(0, earlier), chunk], earlier + chunk.length);
        this.bom = 3;
      }
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
    /** Lines of the current event seen in this chunk. */
    let lines = 0;
    while (pos < len) {
      const brk = hasCR ? nextBreak(chunk, pos) : chunk[pos] === LF ? pos : chunk.indexOf(LF, pos);
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
      if (!blank) {
        lines++;
        continue;
      }
      if (this.pendingLength === 0 && eventStart === brk) {
        eventStart = after; // a blank line with no event before it: nothing to dispatch
        continue;
      }
      let event: SseEvent;
      if (this.pendingLength > 0) {
        this.pending.push(chunk.subarray(0, after));
        event = parseEvent(concatBytes(this.pending, this.pendingLength + after));
        this.pending = [];
        this.pendingLength = 0;
      } else {
        const raw = chunk.subarray(eventStart, after);
        event = !hasCR && lines === 1 ? oneLineEvent(raw) : parseEvent(raw, hasCR);
      }
      eventStart = after;
      lines = 0;
      onEvent(event);
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
    const event = parseEvent(concatBytes(pending, pendingLength));
    event.canonical = false;
    onIncomplete(event);
  }
}
