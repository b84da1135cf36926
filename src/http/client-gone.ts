import type { Context } from 'hono';

/**
 * Subscribes `onGone` to "the client went away before its answer was complete"; returns the
 * unsubscribe. Called at most once.
 */
export type ClientGone = (onGone: () => void) => () => void;

/** The part of Node's ServerResponse this needs, as @hono/node-server hands it in `c.env`. */
interface NodeOutgoing {
  writableFinished: boolean;
  once(event: 'close', listener: () => void): unknown;
  off(event: 'close', listener: () => void): unknown;
}

function nodeOutgoing(env: unknown): NodeOutgoing | undefined {
  const outgoing = (env as { outgoing?: Partial<NodeOutgoing> } | undefined)?.outgoing;
  return typeof outgoing?.once === 'function' &&
    typeof outgoing.off === 'function' &&
    typeof outgoing.writableFinished === 'boolean'
    ? (outgoing as NodeOutgoing)
    : undefined;
}

/**
 * On Node the response's own `close` event says it: a response that closes before it finished
 * writing lost its client. Reading `c.req.raw.signal` instead makes @hono/node-server build an
 * AbortController per request, and the abort then travels through two EventTarget listeners;
 * measured, that path cost more than the whole route's key choice. Elsewhere (Workers,
 * `app.request()` in tests) the request's signal is the one source.
 */
export function clientGone(c: Context): ClientGone {
  const outgoing = nodeOutgoing(c.env);
  if (outgoing) {
    return (onGone) => {
      const onClose = () => {
        if (!outgoing.writableFinished) onGone();
      };
      outgoing.once('close', onClose);
      return () => outgoing.off('close', onClose);
    };
  }
  const signal = c.req.raw.signal;
  return (onGone) => {
    if (signal.aborted) {
      onGone();
      return () => {};
    }
    signal.addEventListener('abort', onGone, { once: true });
    return () => signal.removeEventListener('abort', onGone);
  };
}
