/**
 * A non-2xx answer from OpenAI, OpenRouter or Meta → the gateway's error (README "Upstream
 * failures"): the provider's rejection of a stored key is 401 `provider_key_rejected` naming the
 * key by label; 429 stays 429 with Retry-After; exhausted credit or quota is 429
 * `insufficient_quota`; the common status rows (providers/kit/status-table.ts) for the rest,
 * keeping the upstream's own code where it names the problem (`context_length_exceeded`). Upstream
 * text is passed on only scrubbed (OpenAI's 401 echoes a masked key, some providers the whole key)
 * and cut to 500 characters. Status meanings: https://platform.openai.com/docs/guides/error-codes
 * and https://openrouter.ai/docs/api-reference/errors
 */
import { type GatewayError, insufficientQuota, rateLimitExceeded } from '../../errors.js';
import { codeOf, readErrorBody, safeMessage } from '../kit/error-body.js';
import { keyRejected } from '../kit/key-rejected.js';
import { providerLabel } from '../kit/providers.js';
import { rateLimitHeaders } from '../kit/rate-limit-headers.js';
import { fromRow, type StatusRows, statusRow, upstreamSaid } from '../kit/status-table.js';
import type { CallContext } from '../types.js';

/** Rows only these providers have: a conflict and an unprocessable request keep their status. */
const OWN: StatusRows = {
  409: { status: 409, type: 'invalid_request_error', code: 'upstream_conflict', retryable: false },
  422: { status: 422, type: 'invalid_request_error', code: 'upstream_unprocessable', retryable: false },
};
/** Statuses whose upstream `code` is passed on (it says more than ours would). */
const KEEPS_UPSTREAM_CODE = new Set([400, 409, 413, 422]);

const QUOTA = 'insufficient_quota';
/** Retry-After for a quota 429 when the upstream gives none (every 429 carries one). */
const QUOTA_RETRY_AFTER_S = 60;
const DEFAULT_RETRY_AFTER_S = 1;

export function toError(status: number, headers: Headers, bodyText: string, call: CallContext): GatewayError {
  const name = providerLabel(call.provider);
  const upstream = readErrorBody(bodyText);
  const raw = upstream.message;
  const message = raw === undefined ? undefined : safeMessage(raw, call.apiKey);

  // OpenRouter answers 403 for a disabled key as well as for a moderation flag.
  if (status === 401 || (status === 403 && call.provider === 'openrouter' && /\bkey\b/i.test(raw ?? ''))) {
    return keyRejected(call, name);
  }
  if (status === 402 || (status === 429 && (upstream.code === QUOTA || upstream.type === QUOTA))) {
    return insufficientQuota(
      upstreamSaid(name, message, `${name}: the key's credit or quota is used up.`),
      rateLimitHeaders(headers, QUOTA_RETRY_AFTER_S),
    );
  }
  if (status === 429) {
    return rateLimitExceeded(
      upstreamSaid(name, message, `${name}: rate limit reached.`),
      rateLimitHeaders(headers, DEFAULT_RETRY_AFTER_S),
    );
  }

  const row = statusRow(status, OWN);
  let code = KEEPS_UPSTREAM_CODE.has(status) ? codeOf(upstream.code, row.code, call.apiKey) : row.code;
  if (/^\d+$/.test(code)) code = row.code; // OpenRouter's numeric codes only repeat the status
  if (status === 404) {
    const text = (message ?? '').toLowerCase();
    const model = call.upstreamModel.toLowerCase();
    if (/\bmodels?\b/.test(text) || (model !== '' && text.includes(model))) code = 'model_not_found';
  }
  return fromRow(row, upstreamSaid(name, message, `${name} returned HTTP ${status}.`), {
    code,
    ...(status === 503 ? { headers: rateLimitHeaders(headers) } : {}),
  });
}
