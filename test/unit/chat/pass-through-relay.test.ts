import { describe, expect, it } from 'vitest';
import { type PassThroughProtocol, passThroughRelay } from '../../../src/chat/pass-through-relay.js';
import type { Usage } from '../../../src/providers/types.js';

const KEY = 'sk-ant-api03-relaytestkey0000000000000000000000000000AA';
const enc = new TextEncoder();
const dec = new TextDecoder();

/** Ends on `stop`, fails on `error`, notes the events it reads and a usage from `usage`. */
function protocol(read: string[]): PassThroughProtocol {
  return {
    wanted: new Set(['usage', 'stop', 'error']),
    onEvent(name, data, usage) {
      read.push(`${name}:${data}`);
      if (name === 'usage') usage({ prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 });
      return name === 'stop' ? 'end' : name === 'error' ? 'error' : undefined;
    },
    errorEvent: (err, events) => `event: error\ndata: ${err.code} after ${events}\n\n`,
  };
}

function relay(chunks: string[], cause?: Parameters<ReturnType<typeof passThroughRelay>['finish']>[0]) {
  const read: string[] = [];
  const usages: Usage[] = [];
  const r = passThroughRelay(protocol(read), { onUsage: (u) => usages.push(u) }, KEY);
  let out = '';
  for (const c of chunks) {
    const bytes = r.push(enc.encode(c));
    if (bytes) out += dec.decode(bytes);
  }
  const last = r.finish(cause);
  if (last) out += dec.decode(last);
  return { out, read, usages };
}

const STREAM =
  'event: start\ndata: {"a":1}\n\nevent: delta\ndata: {"t":"é"}\n\nevent: usage\ndata: {"u":1}\n\n: comment\n\nevent: stop\r\ndata: {}\r\n\r\n';

describe('the pass-through relay', () => {
  it('gives the client the very bytes, however the upstream splits them, reading only wanted events', () => {
    for (const size of [1, 3, 7, 1000]) {
      const chunks: string[] = [];
      for (let i = 0; i < STREAM.length; i += size) chunks.push(STREAM.slice(i, i + size));
      const { out, read, usages } = relay(chunks);
      expect(out, `pieces of ${size}`).toBe(STREAM);
      expect(read).toEqual(['usage:{"u":1}', 'stop:{}']);
      expect(usages).toHaveLength(1);
    }
  });

  it('scrubs the upstream’s own error event of the key, and ends there', () => {
    const { out } = relay([`event: start\ndata: {}\n\nevent: error\ndata: {"message":"bad key ${KEY}"}\n\n`]);
    expect(out).not.toContain(KEY);
    expect(out).toContain('event: error');
    expect(out.startsWith('event: start\ndata: {}\n\n')).toBe(true);
  });

  it('ends a stream without its end with the protocol’s error event, dropping a partial event', () => {
    const cause = { message: 'cut', type: 'upstream_error', code: 'upstream_stream_interrupted' } as const;
    const { out } = relay(['event: start\ndata: {}\n\nevent: delta\ndata: {"t":'], cause);
    expect(out).toBe('event: start\ndata: {}\n\nevent: error\ndata: upstream_stream_interrupted after 1\n\n');
    expect(relay(['event: start\ndata: {}\n\n']).out).toContain('upstream_stream_incomplete after 1');
  });
});
