import { Hono } from 'hono';
import type { AppEnv } from '../http/app-env.js';
import { METRICS_CONTENT_TYPE, type Metrics } from './metrics.js';

/** `GET /metrics` for Prometheus: no credential; the series hold no user, key or token data. */
export function metricsRoutes(metrics: Metrics): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/metrics', (c) =>
    c.body(metrics.render(), 200, { 'content-type': METRICS_CONTENT_TYPE, 'cache-control': 'no-store' }),
  );
  return app;
}
