import { Redis } from 'ioredis';
import { gcraDecision, RATE_WINDOW_MS, type RateDecision, type RateLimiter } from '../limits/rate-limiter.js';
import type { Logger } from '../ops/logger.js';

/**
 * GCRA in one Lua script, so every gateway instance shares each user's budget. Redis's own
 * clock decides "now" (instances' clocks may differ); one key per user holds the theoretical
 * arrival time and expires when it no longer matters.
 * KEYS[1] = key; ARGV = interval ms, window ms. Returns {allowed (0/1), debt ms}.
 */
const GCRA_SCRIPT = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local interval = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
local debt = math.max(0, tat - now)
if debt + interval > window + 0.001 then
  return {0, tostring(debt)}
end
local newTat = now + debt + interval
redis.call('SET', KEYS[1], tostring(newTat), 'PX', math.ceil(newTat - now) + 1)
return {1, tostring(debt + interval)}
`;

export interface RedisRateLimiter extends RateLimiter {
  close(): Promise<void>;
}

/**
 * When Redis does not answer, requests are let through (and a warning logged): a shared limit
 * that is briefly unenforced beats a gateway that refuses every call.
 */
export function createRedisRateLimiter(
  url: string,
  rpm: number,
  logger: Logger,
  prefix = 'byok:rl:',
): RedisRateLimiter {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
  redis.on('error', () => {});
  const interval = RATE_WINDOW_MS / rpm;
  let warnedAt = 0;

  return {
    async hit(key: string): Promise<RateDecision> {
      try {
        const [allowed, debt] = (await redis.eval(
          GCRA_SCRIPT,
          1,
          prefix + key,
          interval,
          RATE_WINDOW_MS,
        )) as [number, string];
        return gcraDecision(rpm, allowed === 1, Number(debt));
      } catch {
        if (Date.now() - warnedAt > 10_000) {
          warnedAt = Date.now();
          logger.warn('rate limiter: Redis unavailable, letting requests through');
        }
        return { allowed: true, limit: rpm, remaining: rpm, resetMs: 0 };
      }
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
