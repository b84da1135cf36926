/**
 * The one error type of the gateway and its closed vocabulary. Anything thrown as a GatewayError
 * is rendered by the app's single onError into OpenAI's error body; anything else becomes an
 * opaque 500. Every code the gateway itself can answer with is a member of `ErrorCode` and is
 * listed in the README's error-code table; errors that occur in more than one place are built by
 * the named factories below, so their status, type, wording and retry hint cannot drift apart.
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

/** Every code the gateway answers with (README "Error codes" gives status and meaning of each). */
export type ErrorCode =
  // the request itself (400, 404, 405, 409, 413)
  | 'invalid_json'
  | 'json_too_deep'
  | 'invalid_body'
  | 'unknown_field'
  | 'invalid_value'
  | 'invalid_messages'
  | 'invalid_role'
  | 'invalid_content'
  | 'invalid_image_url'
  | 'invalid_tools'
  | 'invalid_tool_choice'
  | 'invalid_tool_calls'
  | 'invalid_tool_message'
  | 'invalid_tool_arguments'
  | 'invalid_function_name'
  | 'duplicate_function_name'
  | 'unknown_tool_call_id'
  | 'unknown_tool_choice'
  | 'unsupported_parameter'
  | 'unsupported_value'
  | 'unsupported_role'
  | 'unsupported_content'
  | 'unsupported_content_part'
  | 'unsupported_image_type'
  | 'unsupported_image_url'
  | 'unsupported_tool_type'
  | 'endpoint_not_supported'
  | 'invalid_api_key_format'
  | 'model_not_found'
  | 'route_not_found'
  | 'method_not_allowed'
  | 'request_too_large'
  | 'key_not_found'
  | 'token_not_found'
  | 'duplicate_key'
  | 'key_limit_reached'
  | 'token_limit_reached'
  | 'invalid_cursor'
  // the caller (401, 403, 429, 503)
  | 'invalid_api_key'
  | 'token_expired'
  | 'token_lifetime_too_long'
  | 'jwt_required'
  | 'auth_unavailable'
  | 'rate_limit_exceeded'
  | 'no_key_available'
  | 'exclusive_keys_unusable'
  | 'insufficient_scope'
  | 'org_required'
  | 'org_admin_required'
  // spend control (400, 403, 429)
  | 'system_key_not_allowed'
  | 'model_not_allowed'
  | 'system_key_limit'
  | 'budget_exceeded'
  | 'model_not_priced'
  // the gateway itself (500, 503)
  | 'internal_error'
  | 'stored_key_unreadable'
  | 'database_unavailable'
  | 'gateway_shutting_down'
  | 'stream_relay_failed'
  // the provider (mapped by its adapter)
  | 'provider_key_rejected'
  | 'system_key_rejected'
  | 'insufficient_quota'
  | 'context_length_exceeded'
  | 'upstream_bad_request'
  | 'upstream_forbidden'
  | 'upstream_not_found'
  | 'upstream_conflict'
  | 'upstream_unprocessable'
  | 'upstream_error'
  | 'upstream_unavailable'
  | 'upstream_overloaded'
  | 'upstream_timeout'
  | 'upstream_unreachable'
  | 'upstream_interrupted'
  | 'upstream_invalid_response'
  | 'upstream_response_too_large'
  | 'upstream_stream_interrupted'
  | 'upstream_stream_incomplete'
  | 'upstream_idle_timeout'
  | 'upstream_invalid_chunk'
  | 'upstream_malformed_function_call'
  | 'upstream_unexpected_tool_call'
  | 'upstream_too_many_tool_calls';

/**
 * A code an OpenAI-compatible provider sent (`context_length_exceeded`, `invalid_prompt`, …) and
 * the gateway passes on as it came. The only way out of the closed vocabulary, and a deliberate one:
 * built by `codeOf` in providers/kit/error-body.ts, nowhere else.
 */
export type UpstreamCode = string & { readonly __upstreamCode: true };

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
  readonly code: ErrorCode | UpstreamCode;
  readonly param: string | null;
  readonly fields: FieldIssue[] | undefined;
  readonly headers: Record<string, string>;
  readonly retryable: boolean | undefined;

  constructor(
    status: number,
    type: ErrorType,
    code: ErrorCode | UpstreamCode,
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

const final = { retryable: false } as const;

// ── The request ─────────────────────────────────────────────────────────────────────────────

export const badRequest = (
  code: ErrorCode,
  message: string,
  param: string | null = null,
  fields?: FieldIssue[],
) => new GatewayError(400, 'invalid_request_error', code, message, { param, fields, retryable: false });

export const notFound = (code: ErrorCode, message: string, param: string | null = null) =>
  new GatewayError(404, 'not_found_error', code, message, { param, retryable: false });

export const conflict = (code: ErrorCode, message: string, param: string | null = null) =>
  new GatewayError(409, 'conflict_error', code, message, { param, retryable: false });

export const methodNotAllowed = () =>
  new GatewayError(
    405,
    'invalid_request_error',
    'method_not_allowed',
    'Method not allowed on this route.',
    final,
  );

export const requestTooLarge = (maxBytes: number) =>
  new GatewayError(
    413,
    'invalid_request_error',
    'request_too_large',
    `Request body exceeds ${maxBytes} bytes.`,
    final,
  );

/** The model's provider has no such API (embeddings from Anthropic or Meta): no key can help. */
export const endpointNotSupported = (model: string, message: string) =>
  badRequest('endpoint_not_supported', `Model '${model}' ${message}`, 'model');

// ── The caller ──────────────────────────────────────────────────────────────────────────────

export const unauthorized = (
  message = 'Missing or invalid credentials.',
  code: 'invalid_api_key' | 'token_expired' | 'token_lifetime_too_long' = 'invalid_api_key',
) => new GatewayError(401, 'authentication_error', code, message, final);

export const forbidden = (code: ErrorCode, message: string) =>
  new GatewayError(403, 'permission_error', code, message, final);

/** The JWKS that verifies tokens could not be loaded: 503, so clients retry rather than log in again. */
export const authUnavailable = () =>
  new GatewayError(
    503,
    'service_unavailable',
    'auth_unavailable',
    'Could not load the keys that verify tokens.',
  );

/** A 429, the gateway's own or an upstream's; `headers` carry Retry-After. */
export const rateLimitExceeded = (message: string, headers: Record<string, string>, retryable?: boolean) =>
  new GatewayError(429, 'rate_limit_error', 'rate_limit_exceeded', message, {
    headers,
    ...(retryable === undefined ? {} : { retryable }),
  });

/** No key of the caller's, and no system key, can serve `model`; `wanted` names what would. */
export const noKeyAvailable = (model: string, wanted: string) =>
  new GatewayError(
    403,
    'permission_error',
    'no_key_available',
    `No API key is available for model '${model}': store ${wanted} at /api/user/api-keys.`,
    { param: 'model', retryable: false },
  );

/** Every key the caller holds for a provider is unusable, and one of them is `exclusive`: no fallback. */
export const exclusiveKeysUnusable = (
  providerName: string,
  keys: readonly string[],
  owner: 'user' | 'org' = 'user',
) =>
  new GatewayError(
    403,
    'permission_error',
    'exclusive_keys_unusable',
    owner === 'org'
      ? `Your organisation's ${providerName} keys are exclusive (no fallback to other keys) and none is usable: ${keys.join(', ')}. An organisation admin can verify, replace or activate one at /api/org/api-keys.`
      : `Your ${providerName} keys are exclusive (no fallback to other keys) and none is usable: ${keys.join(', ')}. Verify, replace or activate one at /api/user/api-keys.`,
    { param: 'model', retryable: false },
  );

/** A gateway token without the scope this route needs (a JWT has every scope). */
export const insufficientScope = (scope: string) =>
  forbidden('insufficient_scope', `This token lacks the '${scope}' scope this route needs.`);

/** An /api/org route called with a credential that names no organisation. */
export const orgRequired = () =>
  forbidden(
    'org_required',
    'This route is for organisation members: your credential carries no organisation (ORG_CLAIM).',
  );

/** A write to the organisation's keys by a member, or by a gateway token (a JWT with the admin role is needed). */
export const orgAdminRequired = () =>
  forbidden(
    'org_admin_required',
    "Only an organisation admin can do this: send a JWT whose ORG_ROLE_CLAIM is 'admin'.",
  );

// ── Spend control ───────────────────────────────────────────────────────────────────────────

/** SYSTEM_KEY_ACCESS=claim and this caller lacks the claim (or is a gateway token). */
export const systemKeyNotAllowed = (model: string, wanted: string) =>
  forbidden(
    'system_key_not_allowed',
    `You may not use the system key for model '${model}': store ${wanted} at /api/user/api-keys.`,
  );

/** A model outside SYSTEM_KEY_MODELS on the system key. */
export const modelNotAllowed = (model: string, allowed: readonly string[]) =>
  forbidden(
    'model_not_allowed',
    `Model '${model}' is not available on the system key; allowed: ${allowed.join(', ')}.`,
  );

/** A parameter the system key does not allow (output cap, `n`, model-choosing or paid-tool fields). */
export const systemKeyLimit = (param: string, message: string) =>
  new GatewayError(400, 'invalid_request_error', 'system_key_limit', message, { param, retryable: false });

/** The key (or the user's share of the system key) is at its monthly budget; retry next month. */
export const budgetExceeded = (message: string, retryAfterSeconds: number) =>
  new GatewayError(429, 'rate_limit_error', 'budget_exceeded', message, {
    retryable: false,
    headers: { 'retry-after': String(retryAfterSeconds) },
  });

/** A budgeted key asked for a model with no price, on a provider that reports no cost. */
export const modelNotPriced = (model: string, keyLabel: string) =>
  forbidden(
    'model_not_priced',
    `Model '${model}' has no price and its provider reports no cost, so the monthly budget of ${keyLabel} cannot be enforced for it; add it to PRICES_FILE or remove the budget.`,
  );

// ── The gateway ─────────────────────────────────────────────────────────────────────────────

export const internalError = (requestId: string | undefined) =>
  new GatewayError(
    500,
    'api_error',
    'internal_error',
    `Internal server error (request ${requestId ?? 'unknown'}).`,
  );

/** A stored key failed to decrypt (wrong secret, damaged row); `what` names it by provider and label. */
export const storedKeyUnreadable = (what: string, owner: 'user' | 'org' = 'user') =>
  new GatewayError(
    500,
    'api_error',
    'stored_key_unreadable',
    owner === 'org'
      ? `Your organisation's stored ${what} could not be used; an organisation admin must store it again.`
      : `Your stored ${what} could not be used; store it again.`,
    final,
  );

/** The database does not answer (refused, timed out, gone): clients may retry in a few seconds. */
export const databaseUnavailable = () =>
  new GatewayError(
    503,
    'service_unavailable',
    'database_unavailable',
    'The gateway cannot reach its database; retry shortly.',
    { headers: { 'retry-after': '5' } },
  );

/** The process is stopping: `/readyz`, and a stream that outlived the grace period (its final event). */
export const gatewayShuttingDown = (
  message = 'The gateway is restarting; the answer was cut short. Retry the request.',
) => new GatewayError(503, 'service_unavailable', 'gateway_shutting_down', message);

// ── The provider ────────────────────────────────────────────────────────────────────────────

/** The provider refused the caller's stored key, named by `keyLabel` (its name or preview, never its value). */
export const keyRejected = (providerName: string, keyLabel: string) =>
  new GatewayError(
    401,
    'authentication_error',
    'provider_key_rejected',
    `${providerName} rejected your stored key ${keyLabel}. Update or deactivate it.`,
    final,
  );

/** The provider refused an organisation's key (by label, never by value): only its admins can fix it. */
export const orgKeyRejected = (providerName: string, keyLabel: string) =>
  new GatewayError(
    401,
    'authentication_error',
    'provider_key_rejected',
    `${providerName} rejected your organisation's key ${keyLabel}. An organisation admin can update or deactivate it at /api/org/api-keys.`,
    final,
  );

/** `verify: true` on create or PUT, and the provider refused the key: nothing is stored. */
export const keyRefusedByProvider = (message: string) =>
  new GatewayError(
    422,
    'invalid_request_error',
    'provider_key_rejected',
    `${message} The key was not stored.`,
    {
      param: 'apiKey',
      retryable: false,
    },
  );

/** The provider refused the operator's key: the operator's problem, so 502 and no retry. */
export const systemKeyRejected = (providerName: string) =>
  new GatewayError(
    502,
    'upstream_error',
    'system_key_rejected',
    `${providerName} rejected the gateway's own key. An operator must replace it.`,
    final,
  );

/** The key's credit or quota is spent: a 429 that waiting minutes will not clear. */
export const insufficientQuota = (message: string, headers: Record<string, string>) =>
  new GatewayError(429, 'rate_limit_error', 'insufficient_quota', message, { headers, retryable: false });

export const upstreamTimeout = (ms: number) =>
  new GatewayError(504, 'timeout_error', 'upstream_timeout', `The upstream did not answer within ${ms} ms.`);

export const upstreamUnreachable = () =>
  new GatewayError(
    502,
    'upstream_error',
    'upstream_unreachable',
    'The upstream provider could not be reached.',
  );

/** A non-streamed answer was cut off while it was being read. */
export const upstreamInterrupted = () =>
  new GatewayError(502, 'upstream_error', 'upstream_interrupted', 'The upstream response was cut off.');

export const upstreamResponseTooLarge = () =>
  new GatewayError(
    502,
    'upstream_error',
    'upstream_response_too_large',
    'The upstream response was too large.',
  );

/** A 2xx answer that is not what the provider's API documents; `message` says whose and how. */
export const upstreamInvalidResponse = (message: string) =>
  new GatewayError(502, 'upstream_error', 'upstream_invalid_response', message);

/** The provider reported a failure inside a 2xx answer; `message` is already scrubbed. */
export const upstreamFailed = (message: string, code: ErrorCode | UpstreamCode = 'upstream_error') =>
  new GatewayError(502, 'upstream_error', code, message);

/** A stream's connection was lost after it began (ends the stream with an error event). */
export const upstreamStreamInterrupted = () =>
  new GatewayError(
    502,
    'upstream_error',
    'upstream_stream_interrupted',
    'The upstream connection was lost mid-stream.',
  );

/** A stream's upstream went silent for `ms` (ends the stream with an error event). */
export const upstreamIdleTimeout = (ms: number) =>
  new GatewayError(504, 'timeout_error', 'upstream_idle_timeout', `The upstream sent nothing for ${ms} ms.`);
