import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/app-env.js';

/** Names the provider actually called and whose key paid, on every chat response, errors included. */
export function gatewayHeaders(): MiddlewareHandler<AppEnv> {
  return async function gatewayHeadersMiddleware(c, next) {
    await next();
    const gateway = c.get('gateway');
    if (!gateway) return;
    c.res.headers.set('x-gateway-provider', gateway.provider);
    c.res.headers.set('x-gateway-key-source', gateway.keySource);
  };
}
