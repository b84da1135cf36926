import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.js';

/**
 * `nosniff` on every response: an error body quoting input can never be sniffed into HTML by a
 * browser. Prepared before the handler (like x-request-id), so onError carries it onto errors too.
 */
export function noSniff(): MiddlewareHandler<AppEnv> {
  return async function noSniffMiddleware(c, next) {
    c.header('x-content-type-options', 'nosniff');
    await next();
  };
}

/**
 * `no-store` on the management API: its answers show a new token (the only time it is shown) and
 * lists of keys and tokens, which no browser or proxy cache may keep.
 */
export function noStore(): MiddlewareHandler<AppEnv> {
  return async function noStoreMiddleware(c, next) {
    c.header('cache-control', 'no-store');
    await next();
  };
}
