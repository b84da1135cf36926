/**
 * Baseline 2a, run as its own process: the minimum Hono forwarder. Hono on @hono/node-server and
 * undici's `request` over a keep-alive pool, doing only what forwarding needs: the body read as
 * bytes, sent on with a fixed Authorization; a JSON answer read whole and written at once, an
 * event stream handed back as one pull-driven stream, each with the upstream's content type. No client-abort signal (on @hono/node-server reading
 * `c.req.raw.signal` builds an AbortController and a close listener per request) and no Headers
 * object for the upstream's headers. What the stack itself costs, before any gateway decision.
 *
 * Env: UPSTREAM_ORIGIN, PORT, HOST. Prints `listening on http://…`.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { Agent, request } from 'undici';

const origin = (process.env.UPSTREAM_ORIGIN ?? 'http://127.0.0.1:1').replace(/\/+$/, '');
const UPSTREAM_HEADERS = {
  authorization: 'Bearer sk-proj-bench-upstream-key-of-the-minimum-hono-floor',
  'content-type': 'application/json',
};
const dispatcher = new Agent({
  connections: null,
  keepAliveTimeout: 30_000,
  headersTimeout: 0,
  bodyTimeout: 0,
});

const app = new Hono();
app.post('/v1/*', async (c) => {
  const res = await request(`${origin}${c.req.path}`, {
    method: 'POST',
    headers: UPSTREAM_HEADERS,
    body: new Uint8Array(await c.req.arrayBuffer()),
    dispatcher,
  });
  const type = res.headers['content-type'];
  const contentType = typeof type === 'string' ? type : 'application/json';
  if (!contentType.startsWith('text/event-stream')) {
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) chunks.push(chunk as Buffer);
    const bytes = new Uint8Array(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    return new Response(bytes, { status: res.statusCode, headers: { 'content-type': contentType } });
  }
  const iterator = res.body[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      // Destroying an unfinished body emits an error that nobody reads any more.
      cancel: () => {
        res.body.on('error', () => {}).destroy();
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: res.statusCode, headers: { 'content-type': contentType } });
});

const host = process.env.HOST ?? '127.0.0.1';
serve({ fetch: app.fetch, hostname: host, port: Number(process.env.PORT ?? 0) }, (info) => {
  console.log(`minimum hono floor listening on http://${host}:${info.port}`);
});
process.on('SIGTERM', () => process.exit(0));
