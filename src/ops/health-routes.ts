import { Hono } from 'hono';
import { sql } from 'kysely';
import type { Deps } from '../deps.js';
import { databaseUnavailable, gatewayShuttingDown } from '../errors.js';
import type { AppEnv } from '../http/app-env.js';

/** Liveness and readiness for orchestrators: no credential, nothing about users or keys. */
export function healthRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    if (deps.lifecycle?.stopping) throw gatewayShuttingDown('The gateway is stopping.');
    try {
      await sql`SELECT 1`.execute(deps.db);
    } catch {
      throw databaseUnavailable();
    }
    return c.json({ status: 'ready' });
  });
  return app;
}
