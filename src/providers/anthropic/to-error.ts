/**
 * An Anthropic error → the contract's error (CONTRACT "Chat"; reference §5). Body:
 * `{"type":"error","error":{"type","message"},"request_id"}`. 401 is the shared key-rejected error
 * (401 `provider_key_rejected` naming the key by label; 502 `system_key_rejected` for a system
 * key); 429 keeps Retry-After; 529 overloaded → 503; a spent balance (402, or Anthropic's 400
 * "credit balance is too low") → 429 `insufficient_quota`; 404 → `model_not_found`; other 5xx → 502.
 * Anthropic's message is passed on only scrubbed of the key and anything key-like.
 */
import { type ErrorType, GatewayError } from '../../errors.js';
import { rateLimitHeaders } from '../openai-compatible/retry-after.js';
import { toError as sharedToError } from '../openai-compatible/to-error.js';
import { readErrorBody, safeMessage } from '../openai-compatible/upstream-message.js';
import type { CallContext } from '../types.js';

interface Mapping {
  status: number;
  type: ErrorType;
  code: string;
  /** false: the same request will fail again (rendered as `x-should-retry: false`). */
  retryable?: false;
  /** Carries Retry-After and the upstream's rate-limit headers. */
  rateHeaders?: true;
}

const BY_STATUS: Readonly<Record<number, Mapping>> = {
  400: { status: 400, type: 'invalid_request_error', code: 'upstream_bad_request', retryable: false },
  403: { status: 403, type: 'permission_error', code: 'upstream_forbidden', retryable: false },
  404: { status: 404, type: 'invalid_request_error', code: 'model_not_found', retryable: false },
  408: { status: 504, type: 'timeout_error', code: 'upstream_timeout' },
  413: { status: 413, type: 'invalid_request_error', code: 'request_too_large', retryable: false },
  429: { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', rateHeaders: true },
  503: { status: 503, type: 'service_unavailable', code: 'upstream_unavailable', rateHeaders: true },
  504: { status: 504, type: 'timeout_error', code: 'upstream_timeout' },
  529: { status: 503, type: 'service_unavailable', code: 'upstream_overloaded', rateHeaders: true },
};
const QUOTA: Mapping = {
  status: 429,
  type: 'rate_limit_error',
  code: 'insufficient_quota',
  retryable: false,
  rateHeaders: true,
};
const SERVER_ERROR: Mapping = { status: 502, type: 'upstream_error', code: 'upstream_error' };
/** 1xx/3xx and unlisted 4xx: repeating will not help. */
const UNEXPECTED: Mapping = { status: 502, type: 'upstream_error', code: 'upstream_error', retryable: false };

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

export function toError(status: number, headers: Headers, bodyText: string, call: CallContext): GatewayError {
  if (status === 401) return sharedToError(status, headers, bodyText, call);
  const upstream = readErrorBody(bodyText);
  const raw = upstream.message ?? '';
  const message = raw === '' ? undefined : safeMessage(raw, call.apiKey);

  let row = BY_STATUS[status] ?? (status >= 500 && status < 600 ? SERVER_ERROR : UNEXPECTED);
  if (status === 402 || (status === 400 && /credit balance/i.test(raw))) row = QUOTA;
  let code = row.code;
  if (status === 400 && /prompt is too long/i.test(raw)) code = 'context_length_exceeded';

  const options: { retryable?: boolean; headers?: Record<string, string> } = {};
  if (row.retryable === false) options.retryable = false;
  if (row.rateHeaders) {
    options.headers = rateHeaders(headers, row === QUOTA ? QUOTA_RETRY_AFTER_S : DEFAULT_RETRY_AFTER_S);
  }
  const text = message ? `Anthropic: ${message}` : `Anthropic returned HTTP ${status}.`;
  return new GatewayError(row.status, row.type, code, text, options);
}
