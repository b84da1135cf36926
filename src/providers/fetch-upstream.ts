import type { UpstreamClient } from './types.js';

/** The upstream client on runtimes whose best HTTP client is fetch (Workers). Never follows redirects. */
export function createFetchUpstream(fetchImpl: typeof fetch = fetch): UpstreamClient {
  return {
    async send(req, signal) {
      const res = await fetchImpl(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal,
        redirect: 'manual',
      });
      return {
        status: res.status,
        headers: res.headers,
        body: res.body ?? new ReadableStream({ start: (c) => c.close() }),
      };
    },
  };
}
