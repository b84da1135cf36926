/**
 * Baseline 1, run as its own process: the floor any Node gateway can reach. Plain node:http,
 * pipes the request to the upstream and the answer back, swapping only the Authorization header.
 * No parsing, no auth, no routing.
 *
 * Env: UPSTREAM_ORIGIN (http://127.0.0.1:PORT), PORT, HOST. Prints `listening on http://…`.
 */
import { Agent, createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';

const origin = new URL(process.env.UPSTREAM_ORIGIN ?? 'http://127.0.0.1:1');
const UPSTREAM_AUTH = 'Bearer sk-proj-bench-upstream-key-of-the-raw-proxy';
const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxFreeSockets: 1024 });

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer']);

function forwardable(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

const server = createServer((req, res) => {
  const headers = forwardable(req.headers);
  headers.authorization = UPSTREAM_AUTH;
  headers.host = origin.host;
  const up = request(
    {
      host: origin.hostname,
      port: origin.port,
      path: req.url,
      method: req.method,
      headers,
      agent,
    },
    (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, forwardable(upRes.headers));
      upRes.pipe(res);
    },
  );
  up.on('error', () => {
    if (res.headersSent) res.destroy();
    else res.writeHead(502).end();
  });
  // A client that goes away aborts the upstream call, as the gateway does.
  res.on('close', () => {
    if (!res.writableFinished) up.destroy();
  });
  req.pipe(up);
});

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  console.log(`raw proxy listening on http://127.0.0.1:${port}`);
});
process.on('SIGTERM', () => process.exit(0));
