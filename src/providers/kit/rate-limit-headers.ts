/** Upstream rate-limit headers → what the gateway's own 429/503 carry. */

/**
 * Whole seconds to wait, from `retry-after` (delta-seconds or an HTTP date) or else
 * `retry-after-ms`; undefined when neither is usable. Never below 1, so a client cannot spin.
 */
function retryAfterSeconds(headers: Headers, now: number = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (value) {
    const seconds = /^\d+(?:\.\d+)?$/.test(value) ? Number(value) : (Date.parse(value) - now) / 1000;
    if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
  }
  const ms = Number(headers.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return Math.max(1, Math.ceil(ms / 1000));
  return undefined;
}

/**
 * Headers for a gateway 429 or 503: `retry-after` (upstream's, else `fallback` when given),
 * upstream `retry-after-ms` (openai-node prefers it) and every upstream `x-ratelimit-*` header.
 */
export function rateLimitHeaders(headers: Headers, fallback?: number): Record<string, string> {
  const out: Record<string, string> = {};
  const seconds = retryAfterSeconds(headers) ?? fallback;
  if (seconds !== undefined) out['retry-after'] = String(seconds);
  const ms = headers.get('retry-after-ms')?.trim();
  if (ms && /^\d+(?:\.\d+)?$/.test(ms)) out['retry-after-ms'] = ms;
  headers.forEach((value, name) => {
    if (name.startsWith('x-ratelimit-')) out[name] = value;
  });
  return out;
}
