import type { ErrorCode, GatewayError, UpstreamCode } from '../errors.js';

/**
 * Errors in Anthropic's shape, for `/v1/messages` (https://docs.anthropic.com/en/api/errors):
 * `{"type":"error","error":{"type","message"},"request_id"}`. The gateway's own code rides along
 * as `error.code` (Anthropic's SDKs ignore it; people reading the body see which refusal it was).
 * Anthropic's error type follows the HTTP status, as its SDKs' error classes do.
 */
const TYPE_OF_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  503: 'overloaded_error',
  504: 'timeout_error',
};

function anthropicErrorType(status: number): string {
  return TYPE_OF_STATUS[status] ?? (status < 500 ? 'invalid_request_error' : 'api_error');
}

export function anthropicErrorBody(
  err: Pick<GatewayError, 'message' | 'code'> & { status: number },
  requestId: string | undefined,
): {
  type: 'error';
  error: { type: string; message: string; code: ErrorCode | UpstreamCode };
  request_id?: string;
} {
  const body: ReturnType<typeof anthropicErrorBody> = {
    type: 'error',
    error: { type: anthropicErrorType(err.status), message: err.message, code: err.code },
  };
  if (requestId) body.request_id = requestId;
  return body;
}

/** Routes whose clients speak Anthropic's Messages API, so errors must too. */
export function speaksAnthropic(path: string): boolean {
  return path === '/v1/messages' || path.startsWith('/v1/messages/');
}
