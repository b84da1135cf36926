/**
 * Per-key request rate limiting. The interface is small enough for a Redis implementation
 * later (one Lua script storing one number per key), hence the optionally async `hit`.
 */
export interface RateDecision {
  allowed: boolean;
  /** Requests per rolling minute. */
  limit: number;
  /** Requests that would still be allowed right now, after this one. */
  remaining: number;
  /** Whole ms until one more slot frees (0 when the key is at full capacity). */
  resetMs: number;
}

export interface RateLimiter {
  /** Counts one request for `key` at `now` (ms since the epoch) and says whether it may proceed. */
  hit(key: string, now: number): Promise<RateDecision> | RateDecision;
}

export interface MemoryRateLimiterOptions {
  /** Most keys tracked at once; the least recently used beyond it are forgotten. Default 100,000. */
  maxKeys?: number;
}

const WINDOW_MS = 60_000;
/** Absorbs float error in `rpm * (WINDOW_MS / rpm)` so a burst of exactly rpm always fits. */
const EPSILON = 1e-6;
const DEFAULT_MAX_KEYS = 100_000;

/**
 * In-process limiter using GCRA (the generic cell rate algorithm): per key we keep one
 * number, the theoretical arrival time (TAT). Each request moves the TAT `WINDOW_MS / rpm`
 * into the future; a request is refused when that would put the TAT more than a window
 * ahead of now. This behaves as a bucket of `rpm` slots refilled continuously at rpm per
 * minute: a burst of exactly rpm passes, then one request per `60 s / rpm`.
 *
 * Why GCRA over the two-fixed-windows weighted approximation: one number per key instead of
 * three, no window boundaries (the weighted estimate assumes the previous window's requests
 * were spread evenly, so a burst at a window's start keeps a user refused for up to two
 * windows), and exact `remaining` / retry times derived from the same number. Both can let
 * through up to about 2·rpm in one rolling minute right after a quiet period (burst plus
 * refill); GCRA's bound is exact and its behaviour predictable. In Redis it is a single
 * `SET key tat PX ttl` inside a Lua script.
 *
 * Memory is bounded: a Map in least-recently-used order, oldest evicted beyond `maxKeys`.
 * An evicted key simply starts fresh; a key whose TAT lies in the past is equivalent to a
 * fresh one, so the entries evicted first are almost always ones that no longer matter.
 * No timers: nothing keeps a process alive.
 */
/**
 * The decision GCRA reports, from `debt` = how far the TAT is ahead of now after this request
 * (0 … WINDOW_MS). Shared by the in-process and the Redis limiter.
 */
export function gcraDecision(rpm: number, allowed: boolean, debt: number): RateDecision {
  const interval = WINDOW_MS / rpm;
  const remaining = Math.max(0, Math.floor((WINDOW_MS - debt + EPSILON) / interval));
  const resetMs =
    remaining >= rpm ? 0 : Math.max(0, Math.ceil(debt - (WINDOW_MS - (remaining + 1) * interval) - EPSILON));
  return { allowed, limit: rpm, remaining, resetMs };
}

export const RATE_WINDOW_MS = WINDOW_MS;

export function createMemoryRateLimiter(rpm: number, opts: MemoryRateLimiterOptions = {}): RateLimiter {
  if (!Number.isInteger(rpm) || rpm < 1) {
    throw new RangeError(`rate limit must be a positive whole number of requests per minute, got ${rpm}`);
  }
  const maxKeys = opts.maxKeys ?? DEFAULT_MAX_KEYS;
  if (!Number.isInteger(maxKeys) || maxKeys < 1) {
    throw new RangeError(`maxKeys must be a positive whole number, got ${maxKeys}`);
  }
  const interval = WINDOW_MS / rpm;
  const tats = new Map<string, number>();
  const decide = (allowed: boolean, debt: number) => gcraDecision(rpm, allowed, debt);

  return {
    hit(key: string, now: number): RateDecision {
      const stored = tats.get(key);
      // Delete and re-insert so the Map iterates least recently used first.
      if (stored !== undefined) tats.delete(key);
      else if (tats.size >= maxKeys) {
        const oldest = tats.keys().next();
        if (!oldest.done) tats.delete(oldest.value);
      }
      const debt = stored === undefined ? 0 : Math.max(0, stored - now);
      if (debt + interval > WINDOW_MS + EPSILON) {
        tats.set(key, now + debt);
        return decide(false, debt);
      }
      tats.set(key, now + debt + interval);
      return decide(true, debt + interval);
    },
  };
}
