import type { IncomingHttpHeaders } from 'node:http';
import { Agent } from 'undici';
import type { UpstreamClient } from '../providers/types.js';

const noop = () => {};

/** undici's header object as a Headers (repeated headers appended in order). */
function toHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  return headers;
}

interface Target {
  origin: string;
  path: string;
}

/** Upstream URLs are a handful (base URLs × endpoints, Gemini's per model): each parsed once. */
const MAX_TARGETS = 1_000;

function targetCache(): (url: string) => Target {
  const targets = new Map<string, Target>();
  return (url) => {
    let target = targets.get(url);
    if (target === undefined) {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        throw new TypeError('upstream URL must be http or https');
      target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
      if (targets.size >= MAX_TARGETS) targets.clear();
      targets.set(url, target);
    }
    return target;
  };
}

/**
 * The Node upstream client: undici's `request` over one keep-alive pool per origin. Measured
 * (ARCHITECTURE.md) at ~118 µs CPU per forwarded request against ~380–480 µs for fetch. Redirects are
 * never followed (undici's request does not follow them by default). The body is undici's own
 * Readable, handed on as an async iterable: no Web Stream is built for it, and the Headers object
 * only when someone reads `headers`.
 *
 * No cap on connections per origin by default: the incoming requests already bound how many calls
 * are open, and a cap makes the calls beyond it wait in undici's queue for as long as the streams
 * ahead of them stay open (the bench's stream 513 waited forever behind a cap of 512).
 */
export function createUndiciUpstream(opts: { connectionsPerOrigin?: number | null } = {}): UpstreamClient {
  const agent = new Agent({
    connections: opts.connectionsPerOrigin ?? null,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    // The gateway enforces its own first-byte and idle limits; undici's must not fire first.
    headersTimeout: 0,
    bodyTimeout: 0,
  });

  const targetOf = targetCache();

  return {
    async send(req, signal) {
      // The agent's own request(): undici's top-level request() parses the URL on every call.
      const { origin, path } = targetOf(req.url);
      const res = await agent.request({
        origin,
        path,
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal,
      });
      const body = res.body;
      let headers: Headers | undefined;
      return {
        status: res.statusCode,
        get headers() {
          headers ??= toHeaders(res.headers);
          return headers;
        },
        body,
        cancel() {
          // Destroying an unfinished body emits an error; nobody may be listening any more.
          if (!body.destroyed) body.on('error', noop).destroy();
        },
      };
    },
    close: () => agent.close(),
  };
}
