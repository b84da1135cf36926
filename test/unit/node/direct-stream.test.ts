import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { ClientPump } from '../../../src/chat/client-stream.js';
import { markDirect, offerDirect } from '../../../src/chat/direct-body.js';
import { directStreams } from '../../../src/node/direct-stream.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const tick = () => new Promise((r) => setTimeout(r, 5));

/** A pump the test feeds: `next()` waits for `give`; `fail` rejects it (a relay that threw). */
function fakePump() {
  const pending: { resolve: (b: Uint8Array | null) => void; reject: (e: Error) => void }[] = [];
  const state = { nexts: 0, cancels: 0, ended: false };
  const pump: ClientPump = {
    next: () =>
      new Promise((resolve, reject) => {
        state.nexts++;
        pending.push({ resolve, reject });
      }),
    cancel: () => {
      state.cancels++;
      state.ended = true;
      pending.shift()?.resolve(null); // as the real pump: a cancelled read ends with nothing
    },
    get ended() {
      return state.ended;
    },
  };
  return {
    pump,
    state,
    give: (b: string | null) => pending.shift()?.resolve(b === null ? null : utf8(b)),
    fail: () => pending.shift()?.reject(new Error('relay broke')),
  };
}

/** The part of ServerResponse the writer uses; `full` makes write() report a full buffer. */
class FakeOutgoing extends EventEmitter {
  head: [number, Record<string, unknown>] | undefined;
  written: string[] = [];
  ended = false;
  destroyed = false;
  destroyedWith: Error | undefined;
  full = false;
  writeHead(status: number, headers: Record<string, unknown>) {
    this.head = [status, headers];
  }
  flushHeaders() {}
  write(b: Uint8Array) {
    this.written.push(new TextDecoder().decode(b));
    return !this.full;
  }
  end() {
    this.ended = true;
  }
  destroy(err?: Error) {
    this.destroyed = true;
    this.destroyedWith = err;
    this.emit('close');
  }
}

/** A response marked as the route marks a streamed call's, served through directStreams. */
async function serve(status = 200) {
  const p = fakePump();
  const body = new ReadableStream<Uint8Array>();
  offerDirect(body, p.pump);
  const marked = markDirect(
    new Response(body, {
      status,
      headers: { 'content-type': 'text/event-stream', 'x-gateway-provider': 'openai' },
    }),
    body,
  );
  const out = new FakeOutgoing();
  const sent = await directStreams(async () => marked)(new Request('http://x/'), {
    incoming: {} as never,
    outgoing: out as unknown as ServerResponse,
  });
  return { ...p, out, sent, marked };
}

describe('directStreams', () => {
  it('passes every other response through untouched', async () => {
    const plain = new Response('{}');
    const out = new FakeOutgoing();
    const fetch = directStreams(() => plain);
    expect(fetch(new Request('http://x/'), { incoming: {} as never, outgoing: out as never })).toBe(plain);
    expect(out.head).toBeUndefined();
  });

  it('writes status, headers and each chunk itself, then ends; node-server is told it was sent', async () => {
    const { out, sent, give, marked } = await serve(200);
    expect(sent).not.toBe(marked);
    expect(sent.headers.get('x-hono-already-sent')).toBe('true');
    expect(out.head?.[0]).toBe(200);
    expect(out.head?.[1]).toMatchObject({
      'content-type': 'text/event-stream',
      'x-gateway-provider': 'openai',
    });
    give('a');
    await tick();
    give('b');
    await tick();
    give(null);
    await tick();
    expect(out.written).toEqual(['a', 'b']);
    expect(out.ended).toBe(true);
  });

  it('reads nothing more while the socket is full, and goes on at drain', async () => {
    const { out, state, give } = await serve();
    out.full = true;
    give('a');
    await tick();
    expect(state.nexts).toBe(1);
    out.full = false;
    out.emit('drain');
    await tick();
    expect(state.nexts).toBe(2);
    give(null);
    await tick();
    expect(out.ended).toBe(true);
  });

  it('cancels the pump when the client goes away, and writes no more', async () => {
    const { out, state, give } = await serve();
    give('a');
    await tick();
    out.emit('close');
    await tick();
    expect(state.cancels).toBe(1);
    expect(out.written).toEqual(['a']);
    expect(out.ended).toBe(false);
    out.emit('close');
    expect(state.cancels).toBe(1);
  });

  it('destroys the response when the relay throws', async () => {
    const { out, fail } = await serve();
    fail();
    await tick();
    expect(out.destroyed).toBe(true);
    expect(out.destroyedWith?.message).toBe('relay broke');
  });

  it('keeps the Web stream where there is no Node response to write to', async () => {
    const p = fakePump();
    const body = new ReadableStream<Uint8Array>();
    offerDirect(body, p.pump);
    const marked = markDirect(new Response(body), body);
    const fetch = directStreams(() => marked);
    expect(fetch(new Request('http://x/'), {} as never)).toBe(marked);
  });
});
