/**
 * An Anthropic error → the gateway's error (README "Providers"). Body:
 * `{"type":"error","error":{"type","message"},"request_id"}`. 401 is the shared key-rejected error
 * (401 `provider_key_rejected` naming the key by label; 502 `system_key_rejected` for a system
 * key); 429 keeps Retry-After; 529 overloaded → 503; a spent balance (402, or Anthropic's 400
 * "credit balance is too low") → 429 `insufficient_quota`; 404 → `model_not_found`; the rest by
 * the common status rows (providers/kit/status-table.ts). Anthropic's message is passed on only
 * scrubbed of the key and anything key-like. Error types and statuses:
 * https://docs.anthropic.com/en/api/errors
 */
import { type GatewayError, insufficientQuota, rateLimitExceeded } from '../../errors.js';
import { readErrorBody, safeMessage } from '../kit/error-body.js';
import { keyRejected } from '../kit/key-rejected.js';
import { rateLimitHeaders } from '../kit/rate-limit-headers.js';
import { fromRow, type StatusRows, statusRow, upstreamSaid } from '../kit/status-table.js';
import type { CallContext } from '../types.js';

const NAME = 'Anthropic';

const OWN: StatusRows = {
  404: { status: 404, type: 'invalid_request_error', code: 'model_not_found', retryable: false },
  529: { status: 503, type: 'service_unavailable', code: 'upstream_overloaded' },
};

/** Anthropic's `error.type` → the HTTP status it is documented with (for errors inside a 200 or a stream). */
const STATUS_OF_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

export function statusOfErrorType(type: unknown): number {
  return typeof type === 'string' && Object.hasOwn(STATUS_OF_TYPE, type)
    ? (STATUS_OF_TYPE[type] ?? 500)
    : 500;
}

/** Retry-After (upstream's, else `fallback`) and every `anthropic-ratelimit-*` header. */
function rateHeaders(headers: Headers, fallback: number): Record<string, string> {
  const out = rateLimitHeaders(headers, fallback);
  headers.forEach((value, name) => {
    if (name.startsWith('anthropic-ratelimit-')) out[name] = value;
  });
  return out;
}

const QUOTA_RETRY_AFTER_S = 60;
const DEFAULT_RETRY_AFTER_S = 1;
/** Statuses that carry Retry-After and the rate-limit headers besides 429 and a spent quota. */
const BUSY = new Set([503, 529]);

export function toError(status: number, headers: Headers, bodyText: string, call: CallContext): GatewayError {
  if (status === 401) return keyRejected(call, NAME);
  const upstream = readErrorBody(bodyText);
  const raw = upstream.message ?? '';
  const message = raw === '' ? undefined : safeMessage(raw, call.apiKey);
  const fallback = `${NAME} returned HTTP ${status}.`;

  if (status === 402 || (status === 400 && /credit balance/i.test(raw))) {
    return insufficientQuota(
      upstreamSaid(NAME, message, fallback),
      rateHeaders(headers, QUOTA_RETRY_AFTER_S),
    );
  }
  if (status === 429) {
    return rateLimitExceeded(
      upstreamSaid(NAME, message, fallback),
      rateHeaders(headers, DEFAULT_RETRY_AFTER_S),
    );
  }
  const row = statusRow(status, OWN);
  return fromRow(row, upstreamSaid(NAME, message, fallback), {
    ...(status === 400 && /prompt is too long/i.test(raw)
      ? { code: 'context_length_exceeded' as const }
      : {}),
    ...(BUSY.has(status) ? { headers: rateHeaders(headers, DEFAULT_RETRY_AFTER_S) } : {}),
  });
}
