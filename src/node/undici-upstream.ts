import { Agent, request } from 'undici';
import type { UpstreamClient } from '../providers/types.js';

/**
 * The Node upstream client: undici's `request` over one keep-alive pool per origin. Measured
 * (DESIGN) at ~118 µs CPU per forwarded request against ~380–480 µs for fetch. Redirects are
 * never followed (undici's request does not follow them by default).
 */
export function createUndiciUpstream(opts: { connectionsPerOrigin?: number } = {}): UpstreamClient {
  const agent = new Agent({
    connections: opts.connectionsPerOrigin ?? 512,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    // The gateway enforces its own first-byte and idle limits; undici's must not fire first.
    headersTimeout: 0,
    bodyTimeout: 0,
  });

  return {
    async send(req, signal) {
      const res = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal,
        dispatcher: agent,
      });
      const headers = new Headers();
      for (const [name, value] of Object.entries(res.headers)) {
        if (value === undefined) continue;
        if (Array.isArray(value)) for (const v of value) headers.append(name, v);
        else headers.set(name, value);
      }
      const body = res.body;
      const iterator = body[Symbol.asyncIterator]();
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { done, value } = await iterator.next();
          if (done) controller.close();
          else controller.enqueue(value as Uint8Array);
        },
        cancel() {
          body.destroy();
        },
      });
      return { status: res.statusCode, headers, body: stream };
    },
    close: () => agent.close(),
  };
}
