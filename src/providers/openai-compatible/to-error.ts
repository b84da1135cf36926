/**
 * A non-2xx upstream answer → the contract's error (CONTRACT.md "Chat"): the provider's rejection
 * of a stored key is 401 `provider_key_rejected` naming the key by label; 429 stays 429 with
 * Retry-After; exhausted credit or quota is 429 `insufficient_quota`; other failures 502, a
 * timeout 504. Upstream text is passed on only scrubbed (OpenAI's 401 echoes a masked key, some
 * providers the whole key) and cut to 500 characters. Status table: openai-chat.md §4,
 * openrouter-meta.md "Errors".
 */
import { type ErrorType, GatewayError } from '../../errors.js';
import { providerLabel } from '../../vault/key-formats.js';
import { keyRejected } from '../shared/key-rejected.js';
import type { CallContext } from '../types.js';
import { rateLimitHeaders } from './retry-after.js';
import { codeOf, readErrorBody, safeMessage } from './upstream-message.js';

interface Mapping {
  status: number;
  type: ErrorType;
  code: string;
  /** false: the same request will fail again (rendered as `x-should-retry: false`). */
  retryable?: false;
  /** Keep the upstream's own string code (e.g. `context_length_exceeded`) when it has one. */
  upstreamCode?: true;
}

/** Upstream status → ours, for every status that needs no special reading. */
const BY_STATUS: Readonly<Record<number, Mapping>> = {
  400: {
    status: 400,
    type: 'invalid_request_error',
    code: 'upstream_bad_request',
    retryable: false,
    upstreamCode: true,
  },
  403: { status: 403, type: 'permission_error', code: 'upstream_forbidden', retryable: false },
  404: { status: 404, type: 'invalid_request_error', code: 'upstream_not_found', retryable: false },
  408: { status: 504, type: 'timeout_error', code: 'upstream_timeout' },
  409: {
    status: 409,
    type: 'invalid_request_error',
    code: 'upstream_conflict',
    retryable: false,
    upstreamCode: true,
  },
  413: {
    status: 413,
    type: 'invalid_request_error',
    code: 'request_too_large',
    retryable: false,
    upstreamCode: true,
  },
  422: {
    status: 422,
    type: 'invalid_request_error',
    code: 'upstream_unprocessable',
    retryable: false,
    upstreamCode: true,
  },
  503: { status: 503, type: 'service_unavailable', code: 'upstream_unavailable' },
  // An upstream gateway timeout is a timeout to our client too (CONTRACT: "a timeout 504").
  504: { status: 504, type: 'timeout_error', code: 'upstream_timeout' },
};

const SERVER_ERROR: Mapping = { status: 502, type: 'upstream_error', code: 'upstream_error' };
/** 1xx/3xx and unlisted 4xx: our request or the upstream is broken; repeating will not help. */
const UNEXPECTED: Mapping = { status: 502, type: 'upstream_error', code: 'upstream_error', retryable: false };

const QUOTA = 'insufficient_quota';
/** Retry-After for a quota 429 when the upstream gives none (every 429 carries one). */
const QUOTA_RETRY_AFTER_S = 60;
const DEFAULT_RETRY_AFTER_S = 1;

export function toError(status: number, headers: Headers, bodyText: string, call: CallContext): GatewayError {
  const name = providerLabel(call.provider);
  const upstream = readErrorBody(bodyText);
  const raw = upstream.message;
  const message = raw === undefined ? undefined : safeMessage(raw, call.apiKey);
  const said = (fallback: string) => (message ? `${name}: ${message}` : fallback);

  // OpenRouter answers 403 for a disabled key as well as for a moderation flag.
  if (status === 401 || (status === 403 && call.provider === 'openrouter' && /\bkey\b/i.test(raw ?? ''))) {
    return keyRejected(call, name);
  }
  if (status === 402 || (status === 429 && (upstream.code === QUOTA || upstream.type === QUOTA))) {
    return new GatewayError(
      429,
      'rate_limit_error',
      QUOTA,
      said(`${name}: the key's credit or quota is used up.`),
      {
        retryable: false,
        headers: rateLimitHeaders(headers, QUOTA_RETRY_AFTER_S),
      },
    );
  }
  if (status === 429) {
    return new GatewayError(
      429,
      'rate_limit_error',
      'rate_limit_exceeded',
      said(`${name}: rate limit reached.`),
      {
        headers: rateLimitHeaders(headers, DEFAULT_RETRY_AFTER_S),
      },
    );
  }

  const row = BY_STATUS[status] ?? (status >= 500 && status < 600 ? SERVER_ERROR : UNEXPECTED);
  let code = row.upstreamCode ? codeOf(upstream.code, row.code) : row.code;
  if (/^\d+$/.test(code)) code = row.code; // OpenRouter's numeric codes only repeat the status
  if (status === 404) {
    const text = (message ?? '').toLowerCase();
    const model = call.upstreamModel.toLowerCase();
    if (/\bmodels?\b/.test(text) || (model !== '' && text.includes(model))) code = 'model_not_found';
  }
  const options: { retryable?: boolean; headers?: Record<string, string> } = {};
  if (row.retryable === false) options.retryable = false;
  if (status === 503) options.headers = rateLimitHeaders(headers);
  return new GatewayError(row.status, row.type, code, said(`${name} returned HTTP ${status}.`), options);
}
