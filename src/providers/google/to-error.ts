/**
 * A non-2xx Gemini answer → the contract's error (README "Providers";
 * https://ai.google.dev/gemini-api/docs/troubleshooting):
 * - a bad key is HTTP 400 with ErrorInfo `API_KEY_INVALID` (not 401), and a key that is blocked,
 *   expired or suspended shows up as 400/403 with another `API_KEY_*` reason or a message about
 *   the key: all → 401 `provider_key_rejected` naming the key by label (the system key: 502);
 * - 429 RESOURCE_EXHAUSTED → 429 with Retry-After from RetryInfo's `retryDelay`, else the header.
 *   Every Gemini 429 message says "exceeded your current quota", so the words prove nothing: a
 *   per-day quota or a quota of `limit: 0` (the model is not in the key's tier) cannot clear
 *   within minutes → `insufficient_quota`; the rest is a rate limit worth retrying;
 * - 400 → 400, 404 → 404 model_not_found, 413 → 413, 500 → 502, 503 → 503, 504 → 504. The message
 *   is kept only scrubbed of the call's key and every key-like string; `details` never.
 */
import { type GatewayError, insufficientQuota, rateLimitExceeded } from '../../errors.js';
import { safeMessage } from '../kit/error-body.js';
import { keyRejected } from '../kit/key-rejected.js';
import { rateLimitHeaders } from '../kit/rate-limit-headers.js';
import { fromRow, type StatusRows, statusRow, upstreamSaid } from '../kit/status-table.js';
import type { CallContext } from '../types.js';
import { type GoogleError, parseErrorText } from './google-error.js';

const NAME = 'Google Gemini';
const QUOTA_RETRY_AFTER_S = 60;
const RATE_RETRY_AFTER_S = 1;

const OWN: StatusRows = {
  404: {
    status: 404,
    type: 'invalid_request_error',
    code: 'model_not_found',
    retryable: false,
    param: 'model',
  },
};

/** Whether Google is refusing the key itself (bad, expired, blocked for this API, suspended). */
function isKeyProblem(status: number, err: GoogleError): boolean {
  if (err.reasons.some((r) => r.startsWith('API_KEY_') || r === 'CONSUMER_SUSPENDED')) return true;
  if (status === 401) return true;
  return status === 403 && /\bAPI[ _]key\b/i.test(err.message ?? '');
}

function isQuotaExhausted(err: GoogleError): boolean {
  return err.quotaIds.some((id) => /PerDay/i.test(id)) || /\blimit: 0\b/.test(err.message ?? '');
}

/** Retry-After: RetryInfo first, then the upstream header, then `fallback`. */
function retryHeaders(headers: Headers, err: GoogleError, fallback: number): Record<string, string> {
  const out = rateLimitHeaders(headers, fallback);
  if (err.retryDelaySeconds !== undefined) out['retry-after'] = String(err.retryDelaySeconds);
  return out;
}

/** An error already read from a body (also used for errors inside a stream). */
export function googleErrorToGateway(
  status: number,
  headers: Headers,
  err: GoogleError,
  call: CallContext,
): GatewayError {
  if (isKeyProblem(status, err)) return keyRejected(call, NAME);
  const message = err.message === undefined ? undefined : safeMessage(err.message, call.apiKey);

  if (status === 429) {
    if (isQuotaExhausted(err)) {
      return insufficientQuota(
        upstreamSaid(NAME, message, `${NAME}: the key's quota is used up.`),
        retryHeaders(headers, err, QUOTA_RETRY_AFTER_S),
      );
    }
    return rateLimitExceeded(
      upstreamSaid(NAME, message, `${NAME}: rate limit reached.`),
      retryHeaders(headers, err, RATE_RETRY_AFTER_S),
    );
  }
  return fromRow(
    statusRow(status, OWN),
    upstreamSaid(NAME, message, `${NAME} returned HTTP ${status}.`),
    status === 503 ? { headers: retryHeaders(headers, err, RATE_RETRY_AFTER_S) } : {},
  );
}

export function toError(status: number, headers: Headers, bodyText: string, call: CallContext): GatewayError {
  return googleErrorToGateway(status, headers, parseErrorText(bodyText), call);
}
