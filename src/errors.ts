/**
 * The one error type of the gateway. Anything thrown as a GatewayError is rendered by the
 * app's single onError into OpenAI's error body; anything else becomes an opaque 500.
 */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'conflict_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'upstream_error'
  | 'timeout_error'
  | 'service_unavailable';

export interface FieldIssue {
  param: string;
  message: string;
}

export interface GatewayErrorOptions {
  param?: string | null;
  fields?: FieldIssue[];
  headers?: Record<string, string>;
  /** false when repeating the request cannot help; rendered as `x-should-retry: false`. */
  retryable?: boolean;
}

export class GatewayError extends Error {
  readonly status: number;
  readonly type: ErrorType;
  readonly code: string;
  readonly param: string | null;
  readonly fields: FieldIssue[] | undefined;
  readonly headers: Record<string, string>;
  readonly retryable: boolean | undefined;

  constructor(
    status: number,
    type: ErrorType,
    code: string,
    message: string,
    options: GatewayErrorOptions = {},
  ) {
    super(message);
    this.name = 'GatewayError';
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = options.param ?? null;
    this.fields = options.fields;
    this.headers = options.headers ?? {};
    this.retryable = options.retryable;
  }
}

export const badRequest = (
  code: string,
  message: string,
  param: string | null = null,
  fields?: FieldIssue[],
) => new GatewayError(400, 'invalid_request_error', code, message, { param, fields, retryable: false });

export const unauthorized = (message = 'Missing or invalid credentials.', code = 'invalid_api_key') =>
  new GatewayError(401, 'authentication_error', code, message, { retryable: false });

export const forbidden = (code: string, message: string) =>
  new GatewayError(403, 'permission_error', code, message, { retryable: false });

export const notFound = (code: string, message: string, param: string | null = null) =>
  new GatewayError(404, 'not_found_error', code, message, { param, retryable: false });

export const conflict = (code: string, message: string, param: string | null = null) =>
  new GatewayError(409, 'conflict_error', code, message, { param, retryable: false });
