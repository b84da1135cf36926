import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.js';

const SANE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Echoes a sane incoming x-request-id (so traces join up across services), else mints one. */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, next) {
    const incoming = c.req.header('x-request-id');
    const id =
      incoming && SANE_ID.test(incoming) ? incoming : `req_${crypto.randomUUID().replaceAll('-', '')}`;
    c.set('requestId', id);
    // Prepared before the handler runs, so responses built with c.json/c.body carry it without
    // touching the finished response; onError puts it on every error itself.
    c.header('x-request-id', id);
    await next();
  };
}
