import type { MiddlewareHandler } from 'hono';
import { rateLimitExceeded } from '../errors.js';
import type { AppEnv } from '../http/app-env.js';
import type { RateDecision, RateLimiter } from './rate-limiter.js';

export interface RateLimitOptions {
  /** Called once per refused request (e.g. to count `byok_rate_limited_total`). */
  onLimited?: () => void;
  /** Current time in ms since the epoch; defaults to Date.now. */
  now?: () => number;
}

/**
 * A duration in OpenAI's `x-ratelimit-reset-*` format (Go's time.Duration notation):
 * `0s`, `20ms`, `1s`, `1.5s`, `6m0s`, `1h2m3s`.
 */
export function formatResetDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  if (total === 0) return '0s';
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = `${(total % 60_000) / 1000}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

function rateLimitHeaders(d: RateDecision): Record<string, string> {
  return {
    'x-ratelimit-limit-requests': String(d.limit),
    'x-ratelimit-remaining-requests': String(d.remaining),
    'x-ratelimit-reset-requests': formatResetDuration(d.resetMs),
  };
}

/**
 * Per-user request limit; mount after authentication (it keys on `caller.userId`).
 * Every response carries OpenAI's `x-ratelimit-*-requests` headers; a refused request is a
 * 429 in OpenAI's error shape with `Retry-After` in whole seconds. `rpm === 0` turns it off.
 */
export function rateLimit(
  limiter: RateLimiter,
  rpm: number,
  options: RateLimitOptions = {},
): MiddlewareHandler<AppEnv> {
  if (!Number.isInteger(rpm) || rpm < 0) {
    throw new RangeError(`rate limit must be a whole number of requests per minute ≥ 0, got ${rpm}`);
  }
  if (rpm === 0) {
    return async function rateLimitOffMiddleware(_c, next) {
      await next();
    };
  }
  const { onLimited, now = Date.now } = options;

  return async function rateLimitMiddleware(c, next) {
    const caller = c.get('caller');
    if (!caller) throw new Error('rateLimit must run after authentication');
    const decision = await limiter.hit(caller.userId, now());
    const headers = rateLimitHeaders(decision);

    if (!decision.allowed) {
      onLimited?.();
      const retryAfter = Math.max(1, Math.ceil(decision.resetMs / 1000));
      throw rateLimitExceeded(
        `Rate limit reached: ${decision.limit} requests per minute. Retry after ${retryAfter} s.`,
        { ...headers, 'retry-after': String(retryAfter) },
        true,
      );
    }

    // Prepared before the handler, so the response is built with them rather than copied after.
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
    await next();
  };
}
