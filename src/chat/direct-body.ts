import type { ClientPump } from './client-stream.js';

/**
 * Which responses a Node server may write itself. A streamed call's body is a Web stream over a
 * pump (`client-stream.ts`); relaying it through the stream costs a read request, a `pull` and an
 * enqueue per chunk, promise hops Node's own `write` does not need. So the stream offers its pump
 * here, the route marks the response it sends with that body, and the Node entry, once every
 * middleware has run, takes the pump and writes the chunks to the socket itself
 * (`src/node/direct-stream.ts`). Anything else — Workers, `app.request()` in tests, a body wrapped
 * or translated on the way, a response a middleware rebuilt — is a response like any other and
 * its Web stream is read as before. Weak maps: nothing is kept once the response is dropped.
 */
const offered = new WeakMap<ReadableStream<Uint8Array>, ClientPump>();
const marked = new WeakMap<Response, ClientPump>();

/** The stream's own pump, for a route that sends the stream unchanged. */
export function offerDirect(stream: ReadableStream<Uint8Array>, pump: ClientPump): void {
  offered.set(stream, pump);
}

/** `response` carries `body` as it is: a Node server may write it directly. */
export function markDirect(response: Response, body: ReadableStream<Uint8Array> | string): Response {
  const pump = typeof body === 'string' ? undefined : offered.get(body);
  if (pump) marked.set(response, pump);
  return response;
}

/** The pump behind a response's untouched stream, once (whoever takes it writes the body). */
export function takeDirect(response: Response): ClientPump | undefined {
  const pump = marked.get(response);
  if (pump) marked.delete(response);
  return pump;
}
