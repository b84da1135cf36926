import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../ops/logger.js';
import type { AppEnv } from './app-env.js';

/** One line per request: method, path without query, status, duration, caller id. No headers, no body. */
export function accessLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async function accessLogMiddleware(c, next) {
    const started = performance.now();
    await next();
    logger.info('request', {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      userId: c.get('caller')?.userId,
    });
  };
}
