/**
 * Upstream HTTP status → the gateway's error, for the statuses every provider answers alike. An
 * adapter's `toError` handles what only it can read (a rejected key, a spent quota, a 429), then
 * asks `statusRow` with its few differing rows, and builds the error with `fromRow`.
 */
import { type ErrorCode, type ErrorType, GatewayError, type UpstreamCode } from '../../errors.js';

export interface StatusRow {
  status: number;
  type: ErrorType;
  code: ErrorCode;
  /** false: the same request will fail again (rendered as `x-should-retry: false`). */
  retryable?: false;
  /** The field the error is about, when there is one. */
  param?: string;
}

export type StatusRows = Readonly<Record<number, StatusRow>>;

const COMMON: StatusRows = {
  400: { status: 400, type: 'invalid_request_error', code: 'upstream_bad_request', retryable: false },
  403: { status: 403, type: 'permission_error', code: 'upstream_forbidden', retryable: false },
  404: { status: 404, type: 'invalid_request_error', code: 'upstream_not_found', retryable: false },
  // An upstream request timeout or gateway timeout is a timeout to our client too.
  408: { status: 504, type: 'timeout_error', code: 'upstream_timeout' },
  413: { status: 413, type: 'invalid_request_error', code: 'request_too_large', retryable: false },
  503: { status: 503, type: 'service_unavailable', code: 'upstream_unavailable' },
  504: { status: 504, type: 'timeout_error', code: 'upstream_timeout' },
};

/** Any other 5xx: the provider failed; a retry may succeed. */
const SERVER_ERROR: StatusRow = { status: 502, type: 'upstream_error', code: 'upstream_error' };
/** 1xx/3xx and unlisted 4xx: our request or the upstream is broken; repeating will not help. */
const UNEXPECTED: StatusRow = {
  status: 502,
  type: 'upstream_error',
  code: 'upstream_error',
  retryable: false,
};

/** The row for `status`: the adapter's own first, then the common ones, then 502. */
export function statusRow(status: number, own: StatusRows = {}): StatusRow {
  return own[status] ?? COMMON[status] ?? (status >= 500 && status < 600 ? SERVER_ERROR : UNEXPECTED);
}

/** The error a row describes; `code` overrides the row's (e.g. the upstream's own code passed on). */
export function fromRow(
  row: StatusRow,
  message: string,
  extra: { code?: ErrorCode | UpstreamCode; headers?: Record<string, string> } = {},
): GatewayError {
  const options: { retryable?: boolean; headers?: Record<string, string>; param?: string } = {};
  if (row.retryable === false) options.retryable = false;
  if (row.param) options.param = row.param;
  if (extra.headers) options.headers = extra.headers;
  return new GatewayError(row.status, row.type, extra.code ?? row.code, message, options);
}

/** `Name: upstream text` when the upstream said something usable (already scrubbed), else `fallback`. */
export function upstreamSaid(name: string, message: string | undefined, fallback: string): string {
  return message ? `${name}: ${message}` : fallback;
}
