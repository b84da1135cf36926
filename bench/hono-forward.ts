/**
 * Baseline 2, run as its own process: the floor of our stack. A Hono app on @hono/node-server
 * that only forwards, with the gateway's own upstream client (undici `request` over a keep-alive
 * pool). What the gateway costs above this is its own logic: auth, routing, keys, telemetry.
 *
 * Env: UPSTREAM_ORIGIN, PORT, HOST. Prints `listening on http://…`.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createUndiciUpstream } from '../src/node/undici-upstream.js';

const origin = (process.env.UPSTREAM_ORIGIN ?? 'http://127.0.0.1:1').replace(/\/+$/, '');
const UPSTREAM_AUTH = 'Bearer sk-proj-bench-upstream-key-of-the-hono-floor';
const upstream = createUndiciUpstream();

const app = new Hono();
app.post('/v1/*', async (c) => {
  const res = await upstream.send(
    {
      method: 'POST',
      url: `${origin}${c.req.path}`,
      headers: { authorization: UPSTREAM_AUTH, 'content-type': 'application/json' },
      body: await c.req.text(),
    },
    c.req.raw.signal,
  );
  // One pull-driven stream over undici's body, as the gateway's client stream (minus the relay).
  const iterator = res.body[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: () => res.cancel(),
    },
    { highWaterMark: 0 },
  );
  return new Response(body, {
    status: res.status,
    headers: { 'content-type': res.headers.get('content-type') ?? 'application/json' },
  });
});

const host = process.env.HOST ?? '127.0.0.1';
serve({ fetch: app.fetch, hostname: host, port: Number(process.env.PORT ?? 0) }, (info) => {
  console.log(`hono floor listening on http://${host}:${info.port}`);
});
process.on('SIGTERM', () => process.exit(0));
