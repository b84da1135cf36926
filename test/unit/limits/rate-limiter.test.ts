import { describe, expect, it } from 'vitest';
import { createMemoryRateLimiter, type RateDecision } from '../../../src/limits/rate-limiter.js';

const T0 = 1_700_000_000_000;

/** Sends `n` requests for `key` at the same instant and returns every decision. */
function burst(limiter: ReturnType<typeof createMemoryRateLimiter>, key: string, n: number, now = T0) {
  const out: RateDecision[] = [];
  for (let i = 0; i < n; i++) out.push(limiter.hit(key, now) as RateDecision);
  return out;
}

const allowedCount = (ds: RateDecision[]) => ds.filter((d) => d.allowed).length;

describe('createMemoryRateLimiter', () => {
  it.each([1, 7, 60, 600, 1000])('allows exactly %i requests in a burst, then refuses', (rpm) => {
    const limiter = createMemoryRateLimiter(rpm);
    const decisions = burst(limiter, 'alice', rpm + 5);
    expect(decisions.slice(0, rpm).every((d) => d.allowed)).toBe(true);
    expect(decisions.slice(rpm).some((d) => d.allowed)).toBe(false);
  });

  it('counts remaining down to zero and reports the limit on every decision', () => {
    const limiter = createMemoryRateLimiter(3);
    const decisions = burst(limiter, 'alice', 4);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
    expect(decisions.every((d) => d.limit === 3)).toBe(true);
  });

  it('frees one slot every 60 s / rpm and the whole burst after a minute', () => {
    const limiter = createMemoryRateLimiter(60);
    burst(limiter, 'alice', 60);
    expect(limiter.hit('alice', T0 + 999)).toMatchObject({ allowed: false });
    expect(limiter.hit('alice', T0 + 1_000)).toMatchObject({ allowed: true, remaining: 0 });
    expect(limiter.hit('alice', T0 + 1_500)).toMatchObject({ allowed: false });
    expect(allowedCount(burst(limiter, 'alice', 70, T0 + 61_000))).toBe(60);
  });

  it('sustains exactly rpm requests per minute at a steady pace', () => {
    const limiter = createMemoryRateLimiter(120);
    burst(limiter, 'alice', 120);
    const decisions: RateDecision[] = [];
    for (let ms = 50; ms <= 60_000; ms += 50) decisions.push(limiter.hit('alice', T0 + ms) as RateDecision);
    expect(allowedCount(decisions)).toBe(120);
  });

  it('keeps keys independent', () => {
    const limiter = createMemoryRateLimiter(2);
    expect(allowedCount(burst(limiter, 'alice', 5))).toBe(2);
    expect(allowedCount(burst(limiter, 'bob', 5))).toBe(2);
    expect(limiter.hit('alice', T0)).toMatchObject({ allowed: false });
  });

  it('says when a slot frees: one interval after a hit, and the wait of a refused request', () => {
    const limiter = createMemoryRateLimiter(10); // one slot per 6 s
    expect(limiter.hit('alice', T0)).toMatchObject({ allowed: true, remaining: 9, resetMs: 6_000 });
    burst(limiter, 'alice', 9);
    expect(limiter.hit('alice', T0)).toMatchObject({ allowed: false, remaining: 0, resetMs: 6_000 });
    expect(limiter.hit('alice', T0 + 2_500)).toMatchObject({ allowed: false, resetMs: 3_500 });
    expect(limiter.hit('alice', T0 + 6_000)).toMatchObject({ allowed: true, remaining: 0, resetMs: 6_000 });
  });

  it('reports no wait for a key back at full capacity', () => {
    const limiter = createMemoryRateLimiter(10);
    limiter.hit('alice', T0);
    const later = limiter.hit('alice', T0 + 10 * 60_000);
    expect(later).toMatchObject({ allowed: true, remaining: 9, resetMs: 6_000 });
  });

  it('never reports a negative or over-a-minute wait', () => {
    const limiter = createMemoryRateLimiter(7);
    for (let ms = 0; ms < 120_000; ms += 777) {
      const d = limiter.hit('alice', T0 + ms) as RateDecision;
      expect(d.resetMs).toBeGreaterThanOrEqual(0);
      expect(d.resetMs).toBeLessThanOrEqual(60_000);
      expect(Number.isInteger(d.resetMs)).toBe(true);
      expect(d.remaining).toBeGreaterThanOrEqual(0);
      expect(d.remaining).toBeLessThan(7);
    }
  });

  it('forgets the least recently used key beyond maxKeys, so memory stays bounded', () => {
    const limiter = createMemoryRateLimiter(1, { maxKeys: 2 });
    limiter.hit('alice', T0);
    limiter.hit('bob', T0);
    expect(limiter.hit('alice', T0)).toMatchObject({ allowed: false }); // alice now most recent
    limiter.hit('carol', T0); // evicts bob, the least recently used
    expect(limiter.hit('alice', T0)).toMatchObject({ allowed: false });
    expect(limiter.hit('bob', T0)).toMatchObject({ allowed: true }); // bob started fresh
  });

  it('tracks many keys without growing past the bound', () => {
    const limiter = createMemoryRateLimiter(1, { maxKeys: 100 });
    for (let i = 0; i < 10_000; i++) limiter.hit(`user-${i}`, T0);
    // The 100 most recent keys are still limited; older ones were forgotten.
    expect(limiter.hit('user-9999', T0)).toMatchObject({ allowed: false });
    expect(limiter.hit('user-9900', T0)).toMatchObject({ allowed: false });
    expect(limiter.hit('user-0', T0)).toMatchObject({ allowed: true });
  });

  it('refuses a limit that is not a positive whole number', () => {
    expect(() => createMemoryRateLimiter(0)).toThrow(RangeError);
    expect(() => createMemoryRateLimiter(1.5)).toThrow(RangeError);
    expect(() => createMemoryRateLimiter(10, { maxKeys: 0 })).toThrow(RangeError);
  });
});
