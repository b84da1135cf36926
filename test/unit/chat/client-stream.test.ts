import { afterEach, describe, expect, it, vi } from 'vitest';
import { clientStream } from '../../../src/chat/client-stream.js';
import { Deadline } from '../../../src/chat/deadline.js';
import type { StreamRelay, UpstreamResponse } from '../../../src/providers/types.js';

const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** An upstream whose chunks the test hands over one by one; `cut()` fails the pending read. */
function fakeUpstream() {
  const queue: Uint8Array[] = [];
  let ended = false;
  let failed: Error | undefined;
  let waiting: { resolve: (r: IteratorResult<Uint8Array>) => void; reject: (e: Error) => void } | undefined;
  const settle = () => {
    if (!waiting) return;
    const w = waiting;
    const value = queue.shift();
    if (value) w.resolve({ done: false, value });
    else if (failed) w.reject(failed);
    else if (ended) w.resolve({ done: true, value: undefined });
    else return;
    waiting = undefined;
  };
  const state = { reads: 0, cancelled: 0 };
  const res: UpstreamResponse = {
    status: 200,
    headers: new Headers(),
    body: {
      [Symbol.asyncIterator]: () => ({
        next: () =>
          new Promise<IteratorResult<Uint8Array>>((resolve, reject) => {
            state.reads++;
            waiting = { resolve, reject };
            settle();
          }),
      }),
    },
    cancel() {
      state.cancelled++;
      failed ??= new Error('cancelled');
      settle();
    },
  };
  return {
    res,
    state,
    send(chunk: string) {
      queue.push(utf8(chunk));
      settle();
    },
    end() {
      ended = true;
      settle();
    },
    cut() {
      failed = new Error('socket closed');
      settle();
    },
  };
}

/** A relay that echoes each chunk in brackets, drops `skip`, and ends with the cause's code or END. */
function echoRelay(log: string[]): StreamRelay {
  return {
    push(chunk) {
      const s = text(chunk);
      log.push(`push ${s}`);
      return s === 'skip' ? undefined : utf8(`[${s}]`);
    },
    finish(cause) {
      log.push('finish');
      return utf8(`<${cause?.code ?? 'END'}>`);
    },
  };
}

function setup(idleTimeoutMs = 1_000) {
  const up = fakeUpstream();
  const log: string[] = [];
  const ends: string[] = [];
  const abortUpstream = vi.fn();
  const stream = clientStream(up.res, {
    deadline: new Deadline(idleTimeoutMs, () => {}),
    idleTimeoutMs,
    abortUpstream,
    relay: echoRelay(log),
    onEnd: (outcome) => {
      log.push(`end ${outcome}`);
      ends.push(outcome);
    },
  });
  return { up, log, ends, abortUpstream, reader: stream.getReader() };
}

async function readAll(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  let out = '';
  for (let r = await reader.read(); !r.done; r = await reader.read()) out += text(r.value);
  return out;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('clientStream', () => {
  it('relays chunk by chunk, skips chunks that yield nothing, and finishes before onEnd', async () => {
    const { up, log, ends, reader } = setup();
    up.send('a');
    up.send('skip');
    up.send('b');
    up.end();
    expect(await readAll(reader)).toBe('[a][b]<END>');
    expect(log).toEqual(['push a', 'push skip', 'push b', 'finish', 'end done']);
    expect(ends).toEqual(['done']);
  });

  it('reads nothing ahead of the client', async () => {
    const { up, reader } = setup();
    up.send('a');
    up.send('b');
    await new Promise((r) => setTimeout(r, 10));
    expect(up.state.reads).toBe(0);
    expect(text((await reader.read()).value!)).toBe('[a]');
    await new Promise((r) => setTimeout(r, 10));
    expect(up.state.reads).toBe(1);
    await reader.cancel();
  });

  it('ends a cut upstream with upstream_stream_interrupted', async () => {
    const { up, ends, reader, abortUpstream } = setup();
    up.send('a');
    up.cut();
    expect(await readAll(reader)).toBe('[a]<upstream_stream_interrupted>');
    expect(ends).toEqual(['interrupted']);
    expect(abortUpstream).not.toHaveBeenCalled();
  });

  it('ends an idle upstream with upstream_idle_timeout, aborting it', async () => {
    vi.useFakeTimers();
    const { up, ends, reader, abortUpstream } = setup(1_000);
    const all = readAll(reader);
    await vi.advanceTimersByTimeAsync(600);
    up.send('a');
    await vi.advanceTimersByTimeAsync(600); // 1.2 s since the start, 0.6 s since the chunk
    expect(abortUpstream).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(500);
    expect(abortUpstream).toHaveBeenCalledTimes(1);
    expect(up.state.cancelled).toBe(1);
    expect(await all).toBe('[a]<upstream_idle_timeout>');
    expect(ends).toEqual(['interrupted']);
  });

  it('aborts the upstream at once when the client cancels, and ends once as cancelled', async () => {
    const { up, log, ends, reader, abortUpstream } = setup();
    up.send('a');
    await reader.read();
    const pending = reader.read();
    await reader.cancel();
    expect((await pending).done).toBe(true);
    expect(abortUpstream).toHaveBeenCalledTimes(1);
    expect(up.state.cancelled).toBe(1);
    await new Promise((r) => setTimeout(r, 10));
    expect(ends).toEqual(['cancelled']);
    expect(log).not.toContain('finish');
  });
});
