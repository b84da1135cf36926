import { GatewayError } from '../errors.js';
import { scrubSecrets } from '../vault/scrub-secrets.js';

/**
 * The only upstream headers a client may see on a gateway error, by exact name. The upstream's
 * `x-ratelimit-*-requests` are not among them: the client's request limit is the gateway's own
 * (set by the rate limiter), and an upstream must not be able to replace it.
 */
const FORWARDED = new Set<string>([
  'retry-after',
  'retry-after-ms',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-tokens',
  ...['requests', 'tokens', 'input-tokens', 'output-tokens'].flatMap((what) =>
    ['limit', 'remaining', 'reset'].map((part) => `anthropic-ratelimit-${what}-${part}`),
  ),
]);

/** What these headers hold: a number, a duration (`1s`, `6m0s`, `20ms`) or an ISO 8601 time. */
const NUMBER = /^\d{1,15}(?:\.\d{1,6})?$/;
const DURATION = /^(?=\d)(?:\d{1,6}h)?(?:\d{1,6}m(?!s))?(?:\d{1,6}(?:\.\d{1,6})?(?:ms|s))?$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

function plainValue(value: string, apiKey: string): string | undefined {
  const v = value.trim();
  if (!(NUMBER.test(v) || DURATION.test(v) || ISO_TIME.test(v))) return undefined;
  // A digits-only run of the key would pass the shapes above; the scrubber catches any 8+ of it.
  return scrubSecrets(v, [apiKey]) === v ? v : undefined;
}

/**
 * An upstream error as the client may receive it: headers carried over from the upstream only by
 * name and only with plain values that hold nothing of the key. Everything else is dropped.
 */
export function withSafeHeaders(err: GatewayError, apiKey: string): GatewayError {
  const safe: Record<string, string> = {};
  let dropped = false;
  for (const [name, value] of Object.entries(err.headers)) {
    const clean = FORWARDED.has(name.toLowerCase()) ? plainValue(value, apiKey) : undefined;
    if (clean === undefined) dropped = true;
    else safe[name.toLowerCase()] = clean;
  }
  if (!dropped) return err;
  return new GatewayError(err.status, err.type, err.code, err.message, {
    param: err.param,
    fields: err.fields,
    retryable: err.retryable,
    headers: safe,
  });
}
