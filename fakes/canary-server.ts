/**
 * A server that only records who called it (shared by the tests and `npm run demo`). SSRF tests hand the gateway URLs
 * pointing here (image URLs, base URLs, webhooks…) and then assert `canary.hits` stayed empty.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CanaryHit {
  method: string;
  /** Path and query, e.g. `/img.png?x=1`. */
  url: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: string;
  at: number;
}

export interface Canary {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  readonly hits: CanaryHit[];
  /** `url` + path, e.g. `canary.urlFor('/cat.png')`. */
  urlFor(path: string): string;
  clear(): void;
  close(): Promise<void>;
}

/** A tiny valid 1×1 PNG, so a fetcher that does follow the URL gets a plausible image. */
const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

export async function startCanary(): Promise<Canary> {
  const hits: CanaryHit[] = [];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      }
      hits.push({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers,
        body: Buffer.concat(parts).toString('utf8'),
        at: Date.now(),
      });
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(PNG_1X1.length) });
      res.end(PNG_1X1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    hits,
    urlFor: (path) => `${url}${path.startsWith('/') ? path : `/${path}`}`,
    clear() {
      hits.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
