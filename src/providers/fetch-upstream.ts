import type { UpstreamClient } from './types.js';

const noop = () => {};

/** A body that ends at once (a response without one). */
const EMPTY: AsyncIterable<Uint8Array> = {
  [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }),
};

/** The body as an async iterable over its reader, so that `cancel()` reaches the locked stream. */
function readerIterable(
  body: ReadableStream<Uint8Array>,
  onReader: (reader: ReadableStreamDefaultReader<Uint8Array>) => void,
): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      const reader = body.getReader();
      onReader(reader);
      return {
        async next(): Promise<IteratorResult<Uint8Array>> {
          const { done, value } = await reader.read();
          return done ? { done: true, value: undefined } : { done: false, value };
        },
        async return(): Promise<IteratorResult<Uint8Array>> {
          await reader.cancel().catch(noop);
          return { done: true, value: undefined };
        },
      };
    },
  };
}

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
      const stream = res.body;
      let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
      return {
        status: res.status,
        get headers() {
          return res.headers;
        },
        body: stream ? readerIterable(stream, (r) => (reader = r)) : EMPTY,
        cancel() {
          if (reader) reader.cancel().catch(noop);
          else if (stream && !stream.locked) stream.cancel().catch(noop);
        },
      };
    },
  };
}
