import { createParser } from 'eventsource-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseEventSplitter } from '../../../../src/providers/openai-compatible/sse-events.js';

/**
 * The hand-written byte-level SSE splitter (used on the pass-through path because it forwards
 * events without decoding them) against eventsource-parser (used by the translated relays), on
 * arbitrary event streams cut into arbitrary chunks: both must see the same events, with the same
 * data and names. Only complete events are compared: what an unfinished last event means is each
 * relay's own decision. One known difference is left out: eventsource-parser drops an event whose
 * data is empty (`data:` alone), which the HTML standard dispatches with data "" (its data buffer
 * holds a line feed); the splitter follows the standard, pinned by the last test.
 */

interface Seen {
  event: string | undefined;
  data: string;
}

const value = fc.string({ unit: 'binary', maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, ''));
const line = fc.oneof(
  { arbitrary: value.map((v) => `data: ${v}`), weight: 6 },
  value.map((v) => `data:${v}`),
  fc.constant('data'),
  value.map((v) => `event: ${v}`),
  value.map((v) => `: ${v}`),
  value.map((v) => `id: ${v}`),
  fc.constant('retry: 1000'),
  value.map((v) => `x-unknown: ${v}`),
);
const eol = fc.constantFrom('\n', '\r\n', '\r');
const event = fc
  .tuple(fc.array(fc.tuple(line, eol), { minLength: 1, maxLength: 5 }), eol)
  .map(([lines, end]) => lines.map(([l, e]) => l + e).join('') + end);
// A final line feed: eventsource-parser holds a CR at the very end of its input until it knows
// whether an LF follows, so without it a stream ending in a lone CR would end one event early there.
const stream = fc
  .tuple(fc.boolean(), fc.array(event, { maxLength: 8 }))
  .map(([bom, events]) => new TextEncoder().encode(`${bom ? '\uFEFF' : ''}${events.join('')}\n`));

/** `bytes` cut at the given offsets (any order, duplicates allowed: empty chunks too). */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const at = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const to of at) {
    out.push(bytes.subarray(from, to));
    from = to;
  }
  out.push(bytes.subarray(from));
  return out;
}

function bySplitter(chunks: Uint8Array[]): Seen[] {
  const seen: Seen[] = [];
  const splitter = new SseEventSplitter();
  for (const chunk of chunks) {
    splitter.push(chunk, (e) => {
      if (e.data) seen.push({ event: e.event || undefined, data: e.data });
    });
  }
  return seen;
}

function byParser(chunks: Uint8Array[]): Seen[] {
  const seen: Seen[] = [];
  const decoder = new TextDecoder();
  const parser = createParser({
    onEvent: (e) => {
      if (e.data) seen.push({ event: e.event || undefined, data: e.data });
    },
  });
  for (const chunk of chunks) parser.feed(decoder.decode(chunk, { stream: true }));
  parser.feed(decoder.decode());
  return seen;
}

describe('the SSE splitter against eventsource-parser', () => {
  it('sees the same events in any event stream, however it is chunked', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 12 }), (bytes, offsets) => {
        const chunks = cut(bytes, offsets);
        expect(bySplitter(chunks)).toEqual(byParser(chunks));
      }),
      { numRuns: 500 },
    );
  });

  it('sees the same events when the bytes arrive one at a time', () => {
    fc.assert(
      fc.property(stream, (bytes) => {
        const chunks = [...bytes].map((b) => Uint8Array.of(b));
        expect(bySplitter(chunks)).toEqual(byParser(chunks));
      }),
      { numRuns: 100 },
    );
  });

  it('dispatches an event whose only data line is empty, as the standard says', () => {
    const seen: (string | undefined)[] = [];
    new SseEventSplitter().push(new TextEncoder().encode('data:\n\ndata: \r\n\r\n'), (e) =>
      seen.push(e.data),
    );
    expect(seen).toEqual(['', '']);
  });
});
