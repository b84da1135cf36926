import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ALL_SCOPES } from '../../../src/auth/scopes.js';
import type { AppEnv } from '../../../src/http/app-env.js';
import { onError } from '../../../src/http/error-response.js';
import { formatResetDuration, rateLimit } from '../../../src/limits/rate-limit-middleware.js';
import { createMemoryRateLimiter, type RateLimiter } from '../../../src/limits/rate-limiter.js';
import { silentLogger } from '../../../src/ops/logger.js';

const T0 = 1_700_000_000_000;

/** A throwaway app: a fake caller from `x-test-user`, then the limiter, then a plain handler. */
function appWith(limiter: RateLimiter, rpm: number, opts: Parameters<typeof rateLimit>[2] = {}) {
  const app = new Hono<AppEnv>();
  app.onError(onError(silentLogger));
  app.use('*', async function fakeCaller(c, next) {
    c.set('caller', {
      userId: c.req.header('x-test-user') ?? 'user-alice',
      via: 'jwt',
      scopes: ALL_SCOPES,
      systemKey: true,
    });
    await next();
  });
  app.use('*', rateLimit(limiter, rpm, opts));
  app.get('/ok', (c) => c.json({ ok: true }));
  app.get('/raw', (c) => c.body('raw body', 200, { 'content-type': 'text/plain' }));
  app.get('/boom', () => {
    throw new Error('handler failed');
  });
  return app;
}

const get = (app: Hono<AppEnv>, path = '/ok', user?: string) =>
  app.request(path, { headers: user ? { 'x-test-user': user } : {} });

describe('rateLimit middleware', () => {
  it('lets requests under the limit through with OpenAI rate-limit headers', async () => {
    const app = appWith(createMemoryRateLimiter(3), 3, { now: () => T0 });
    const res = await get(app);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(res.headers.get('x-ratelimit-limit-requests')).toBe('3');
    expect(res.headers.get('x-ratelimit-remaining-requests')).toBe('2');
    expect(res.headers.get('x-ratelimit-reset-requests')).toBe('20s');
    expect(res.headers.get('retry-after')).toBeNull();
  });

  it('refuses the request over the limit with a 429 in OpenAI shape, Retry-After and headers', async () => {
    let limited = 0;
    const app = appWith(createMemoryRateLimiter(2), 2, { now: () => T0, onLimited: () => limited++ });
    await get(app);
    await get(app);
    const res = await get(app);
    expect(res.status).toBe(429);
    expect(await res.json()).toEqual({
      error: {
        message: 'Rate limit reached: 2 requests per minute. Retry after 30 s.',
        type: 'rate_limit_error',
        code: 'rate_limit_exceeded',
        param: null,
      },
    });
    expect(res.headers.get('retry-after')).toBe('30');
    expect(res.headers.get('x-should-retry')).toBe('true');
    expect(res.headers.get('x-ratelimit-limit-requests')).toBe('2');
    expect(res.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(res.headers.get('x-ratelimit-reset-requests')).toBe('30s');
    expect(limited).toBe(1);
  });

  it('rounds a sub-second wait up to a Retry-After of at least one second', async () => {
    let now = T0;
    const app = appWith(createMemoryRateLimiter(600), 600, { now: () => now });
    for (let i = 0; i < 600; i++) await get(app);
    now = T0 + 60;
    const res = await get(app);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.headers.get('x-ratelimit-reset-requests')).toBe('40ms');
  });

  it('admits the caller again once the wait has passed', async () => {
    let now = T0;
    const app = appWith(createMemoryRateLimiter(1), 1, { now: () => now });
    expect((await get(app)).status).toBe(200);
    expect((await get(app)).status).toBe(429);
    now = T0 + 60_000;
    expect((await get(app)).status).toBe(200);
  });

  it('limits each user separately', async () => {
    const app = appWith(createMemoryRateLimiter(1), 1, { now: () => T0 });
    expect((await get(app, '/ok', 'user-alice')).status).toBe(200);
    expect((await get(app, '/ok', 'user-alice')).status).toBe(429);
    expect((await get(app, '/ok', 'user-bob')).status).toBe(200);
  });

  it('sets the headers on responses built by the handler and on errors rendered downstream', async () => {
    const app = appWith(createMemoryRateLimiter(5), 5, { now: () => T0 });
    const raw = await get(app, '/raw');
    expect(await raw.text()).toBe('raw body');
    expect(raw.headers.get('x-ratelimit-remaining-requests')).toBe('4');
    const failed = await get(app, '/boom');
    expect(failed.status).toBe(500);
    expect(failed.headers.get('x-ratelimit-remaining-requests')).toBe('3');
  });

  it('never limits when rpm is 0', async () => {
    const never: RateLimiter = {
      hit: () => {
        throw new Error('the limiter must not be consulted');
      },
    };
    const app = appWith(never, 0);
    for (let i = 0; i < 50; i++) {
      const res = await get(app);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit-requests')).toBeNull();
    }
  });

  it('accepts an async limiter, as a shared store would be', async () => {
    const asyncLimiter: RateLimiter = {
      hit: async () => ({ allowed: false, limit: 9, remaining: 0, resetMs: 2_500 }),
    };
    const res = await get(appWith(asyncLimiter, 9));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
  });

  it('refuses a negative or fractional rpm when built', () => {
    expect(() => rateLimit(createMemoryRateLimiter(1), -1)).toThrow(RangeError);
    expect(() => rateLimit(createMemoryRateLimiter(1), 2.5)).toThrow(RangeError);
  });
});

describe('formatResetDuration', () => {
  it.each([
    [0, '0s'],
    [20, '20ms'],
    [999, '999ms'],
    [1_000, '1s'],
    [1_500, '1.5s'],
    [59_999, '59.999s'],
    [60_000, '1m0s'],
    [360_000, '6m0s'],
    [90_250, '1m30.25s'],
    [3_723_000, '1h2m3s'],
  ])('writes %i ms as %s, the way OpenAI does', (ms, text) => {
    expect(formatResetDuration(ms)).toBe(text);
  });
});
