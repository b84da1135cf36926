import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { GatewayError } from '../errors.js';
import type { AppEnv } from '../http/app-env.js';
import type { Metrics } from './metrics.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const UNMATCHED_ROUTE = 'unmatched';

/**
 * The route pattern a request matched, e.g. `/api/user/api-keys/:keyId`: the last matched
 * route without a wildcard (middleware is mounted on `*` or `/api/*`, real routes are
 * concrete). A request that matched only wildcards, a 404 from the not-found handler or a
 * 401 on an unknown `/api/…` path, is `unmatched`: raw paths never become labels.
 */
function routeLabel(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const path = routes[i]?.path;
    if (path && !path.includes('*')) return path;
  }
  return UNMATCHED_ROUTE;
}

/** Counts `byok_http_requests_total{route,method,status}`; mount first, on `*`. */
export function httpMetrics(metrics: Metrics): MiddlewareHandler<AppEnv> {
  return async function httpMetricsMiddleware(c, next) {
    const method = METHODS.has(c.req.method) ? c.req.method : 'other';
    try {
      await next();
    } catch (err) {
      // Reaches here only when the error was not rendered below us (e.g. thrown by the
      // app's notFound handler); the app's onError will answer with this status.
      const status = err instanceof GatewayError ? err.status : 500;
      metrics.httpRequests.inc({ route: routeLabel(c), method, status });
      throw err;
    }
    metrics.httpRequests.inc({ route: routeLabel(c), method, status: c.res.status });
  };
}
