import { describe, expect, it } from 'vitest';
import { type SseEvent, SseEventSplitter } from '../../../../src/providers/openai-compatible/sse-events.js';
import { fixtureBytes, pieces, utf8 } from './helpers.js';

/** The splitter as a stream stage (test only): bytes in, complete events out. */
function sseEventStream(): TransformStream<Uint8Array, SseEvent> {
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

interface Seen {
  data: string | undefined;
  event: string | undefined;
  comments: string[] | undefined;
  canonical: boolean;
  raw: string;
}

function split(chunks: Uint8Array[]): { events: Seen[]; incomplete: Seen[] } {
  const splitter = new SseEventSplitter();
  const events: Seen[] = [];
  const incomplete: Seen[] = [];
  const seen =
    (into: Seen[]) =>
    (e: SseEvent): void => {
      into.push({
        data: e.data,
        event: e.event,
        comments: e.comments,
        canonical: e.canonical,
        raw: new TextDecoder().decode(e.raw),
      });
    };
  for (const chunk of chunks) splitter.push(chunk, seen(events));
  splitter.finish(seen(incomplete));
  return { events, incomplete };
}

const dataOf = (chunks: Uint8Array[]) => split(chunks).events.map((e) => e.data);

/** Every way to cut `text` in two, plus one byte at a time. */
function everySplit(text: string): Uint8Array[][] {
  const bytes = utf8(text);
  const ways: Uint8Array[][] = [pieces(bytes, 1)];
  for (let at = 0; at <= bytes.length; at++) ways.push([bytes.slice(0, at), bytes.slice(at)]);
  return ways;
}

describe('SseEventSplitter', () => {
  it('splits LF-framed events and marks plain data events as forwardable as received', () => {
    const { events } = split([utf8('data: {"a":1}\n\ndata: [DONE]\n\n')]);
    expect(events).toEqual([
      { data: '{"a":1}', event: undefined, comments: undefined, canonical: true, raw: 'data: {"a":1}\n\n' },
      { data: '[DONE]', event: undefined, comments: undefined, canonical: true, raw: 'data: [DONE]\n\n' },
    ]);
  });

  it('hands on an event that lies inside one chunk as a view of that chunk, without copying', () => {
    const chunk = utf8('data: one\n\ndata: two\n\n');
    const raws: Uint8Array[] = [];
    new SseEventSplitter().push(chunk, (e) => raws.push(e.raw));
    expect(raws.map((r) => r.buffer === chunk.buffer)).toEqual([true, true]);
    expect(raws[1]?.byteOffset).toBe(11);
  });

  it.each([
    ['CRLF', 'data: one\r\ndata: two\r\n\r\ndata: three\r\n\r\n'],
    ['CR', 'data: one\rdata: two\r\rdata: three\r\r'],
    ['mixed', 'data: one\ndata: two\r\n\ndata: three\r\r\n'],
  ])('understands %s framing and marks such events for re-framing', (_name, text) => {
    const { events } = split([utf8(text)]);
    expect(events.map((e) => e.data)).toEqual(['one\ntwo', 'three']);
    expect(events.every((e) => !e.canonical)).toBe(true);
  });

  it('finds the same events wherever the input is cut, even between the CR and LF of a CRLF', () => {
    const text = 'data: one\r\n\r\n: keep-alive\r\ndata: two\r\ndata: 2b\r\n\r\ndata: three\r\n\r\n';
    for (const chunks of everySplit(text)) expect(dataOf(chunks)).toEqual(['one', 'two\n2b', 'three']);
  });

  it('treats a lone CR at the end of a chunk as a line break without doubling it when an LF follows', () => {
    expect(dataOf([utf8('data: a\r'), utf8('\ndata: b\r\n\r'), utf8('\n')])).toEqual(['a\nb']);
    expect(dataOf([utf8('data: a\r'), utf8('\r'), utf8('data: b\r\r')])).toEqual(['a', 'b']);
  });

  it('joins several data lines with a newline', () => {
    expect(dataOf([utf8('data: first\ndata: second\ndata:\n\n')])).toEqual(['first\nsecond\n']);
  });

  it('removes exactly one space after the colon, and reads a bare field name as empty', () => {
    expect(dataOf([utf8('data:  two spaces\n\ndata:none\n\ndata\n\n')])).toEqual([' two spaces', 'none', '']);
  });

  it('identifies comment lines and event names, and never marks such events as forwardable', () => {
    const { events } = split([utf8(': OPENROUTER PROCESSING\n\nevent: error\ndata: {"x":1}\n\n:\n\n')]);
    expect(events).toEqual([
      expect.objectContaining({ data: undefined, comments: ['OPENROUTER PROCESSING'], canonical: false }),
      expect.objectContaining({ data: '{"x":1}', event: 'error', canonical: false }),
      expect.objectContaining({ data: undefined, comments: [''], canonical: false }),
    ]);
  });

  it('marks events with id or retry lines as needing re-framing', () => {
    const { events } = split([utf8('id: 7\nretry: 10\ndata: x\n\n')]);
    expect(events).toEqual([expect.objectContaining({ data: 'x', canonical: false })]);
  });

  it('dispatches nothing for blank lines between events', () => {
    expect(split([utf8('\n\n\r\n\ndata: x\n\n\n\n')]).events.map((e) => e.raw)).toEqual(['data: x\n\n']);
  });

  it('keeps a multi-byte UTF-8 character that is split across chunks', () => {
    const text = 'data: {"content":"Ça va? 👋 日本"}\n\n';
    for (const chunks of everySplit(text)) expect(dataOf(chunks)).toEqual(['{"content":"Ça va? 👋 日本"}']);
  });

  it('skips a byte order mark at the start of the stream', () => {
    expect(dataOf([new Uint8Array([0xef, 0xbb, 0xbf, 0x64]), utf8('ata: x\n\n')])).toEqual(['x']);
  });

  it('skips a byte order mark split across chunks (found by the differential test)', () => {
    const bom = [0xef, 0xbb, 0xbf].map((b) => Uint8Array.of(b));
    expect(dataOf([...bom, utf8('data: x\n\n')])).toEqual(['x']);
    expect(dataOf([Uint8Array.of(0xef), Uint8Array.of(0xbb, 0xbf, 0x64), utf8('ata: x\n\n')])).toEqual(['x']);
  });

  it('hands an event without its blank line to finish, never as forwardable, and drops it otherwise', () => {
    const { events, incomplete } = split([utf8('data: a\n\ndata: [DONE]\n')]);
    expect(events.map((e) => e.data)).toEqual(['a']);
    expect(incomplete).toEqual([expect.objectContaining({ data: '[DONE]', canonical: false })]);
    expect(split([utf8('data: a\n\n')]).incomplete).toEqual([]);
  });

  it.each([
    'openai/stream-with-usage.sse',
    'openai/stream-tool-calls.sse',
    'openrouter/stream-with-usage.sse',
    'openrouter/stream-midstream-error.sse',
    'meta/stream-with-usage.sse',
  ])('reads %s the same fed whole, in 7-byte pieces or one byte at a time', (path) => {
    const bytes = fixtureBytes(path);
    const whole = split([bytes]).events;
    expect(whole.length).toBeGreaterThan(3);
    expect(whole.every((e) => e.data !== undefined || e.comments !== undefined)).toBe(true);
    expect(split(pieces(bytes, 7)).events).toEqual(whole);
    expect(split(pieces(bytes, 1)).events).toEqual(whole);
  });
});

describe('sseEventStream', () => {
  it('works as the first stage of a pipe', async () => {
    const source = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(utf8('data: a\n\nda'));
        c.enqueue(utf8('ta: b\n\ndata: cut'));
        c.close();
      },
    });
    const out: (string | undefined)[] = [];
    const reader = source.pipeThrough(sseEventStream()).getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) out.push(r.value.data);
    expect(out).toEqual(['a', 'b']);
  });
});
