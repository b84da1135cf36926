import { Hono } from 'hono';
import { notFound } from '../errors.js';
import type { AppEnv } from '../http/app-env.js';
import { onError } from '../http/error-response.js';
import { noSniff } from '../http/security-headers.js';
import type { Logger } from './logger.js';
import { METRICS_CONTENT_TYPE, type Metrics } from './metrics.js';

/** `GET /metrics` for Prometheus: no credential; the series hold no user, key or token data. */
export function metricsRoutes(metrics: Metrics): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/metrics', (c) =>
    c.body(metrics.render(), 200, { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' }),
  );
  return app;
}

/**
 * The app behind METRICS_PORT: `/metrics` and nothing else. Traffic figures (how much the system
 * key carries, error rates) are then off the public port, on a listener the operator can firewall.
 */
export function metricsOnlyApp(metrics: Metrics, logger: Logger): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', noSniff());
  app.onError(onError(logger));
  app.notFound(() => {
    throw notFound('route_not_found', 'No such route.');
  });
  app.route('/', metricsRoutes(metrics));
  return app;
}
