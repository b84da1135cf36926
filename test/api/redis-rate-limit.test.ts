import { afterAll, describe, expect, it } from 'vitest';
import { createRedisRateLimiter } from '../../src/node/redis-rate-limiter.js';
import { createLogger } from '../../src/ops/logger.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('rate limit shared through Redis', () => {
  const prefix = `byok-test:${crypto.randomUUID()}:`;
  const logs: string[] = [];
  const logger = createLogger('debug', (l) => logs.push(l));
  const limiters = [
    createRedisRateLimiter(REDIS_URL, 3, logger, prefix),
    createRedisRateLimiter(REDIS_URL, 3, logger, prefix),
  ];
  const apps: TestApp[] = [];
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await Promise.all(limiters.map((l) => l.close()));
  });

  it('counts one user’s requests across two gateway instances', async () => {
    for (const limiter of limiters)
      apps.push(await createTestApp('sqlite', { RATE_LIMIT_RPM: '3' }, { limiter }));
    const [a, b] = apps as [TestApp, TestApp];
    const token = await a.jwt('shared-user');
    const statuses: number[] = [];
    for (const app of [a, b, a, b]) statuses.push((await app.request('/v1/models', { token })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await b.request('/v1/models', { token });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await a.request('/v1/models', { token: await a.jwt('another-user') })).status).toBe(200);
  });

  it('lets requests through, with a warning, when Redis does not answer', async () => {
    const down = createRedisRateLimiter('redis://127.0.0.1:1', 1, logger, prefix);
    const first = await down.hit('u', Date.now());
    const second = await down.hit('u', Date.now());
    expect([first.allowed, second.allowed]).toEqual([true, true]);
    expect(logs.some((l) => l.includes('Redis unavailable'))).toBe(true);
    await down.close();
  });
});
