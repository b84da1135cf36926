import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from '../../src/node/server.js';
import { createLogger } from '../../src/ops/logger.js';
import { testConfig } from '../helpers/config.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';

/** With METRICS_PORT set, traffic figures are off the public port, on a listener the operator can firewall. */
describe('METRICS_PORT', () => {
  let database: TestDatabase;
  let gateway: RunningGateway;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    const config = testConfig({ DATABASE_URL: database.url, METRICS_PORT: '0' });
    gateway = await startGateway(config, { logger: createLogger('error', () => {}) });
  });
  afterAll(async () => {
    await gateway.close();
    await database.drop();
  });

  it('serves /metrics on its own listener only', async () => {
    expect(gateway.metricsUrl).toBeDefined();
    expect(gateway.metricsUrl).not.toBe(gateway.url);
    const metrics = await fetch(`${gateway.metricsUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('byok_http_requests_total');
    expect(metrics.headers.get('x-content-type-options')).toBe('nosniff');

    const publicPort = await fetch(`${gateway.url}/metrics`);
    expect(publicPort.status).toBe(404);
    expect((await publicPort.json()).error.code).toBe('route_not_found');
  });

  it('serves nothing else on the metrics listener', async () => {
    expect((await fetch(`${gateway.metricsUrl}/healthz`)).status).toBe(404);
    expect((await fetch(`${gateway.metricsUrl}/api/user/api-keys`)).status).toBe(404);
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  });
});
