import type { Context } from 'hono';
import { GatewayError, internalError } from '../errors.js';
import type { Logger } from '../ops/logger.js';
import { anthropicErrorBody, speaksAnthropic } from './anthropic-error.js';
import type { AppEnv } from './app-env.js';
import { htmlSafeJson } from './safe-json.js';

interface OpenAIErrorBody {
  error: {
    message: string;
    type: string;
    code: string;
    param: string | null;
    fields?: { param: string; message: string }[];
  };
}

function errorBody(err: GatewayError): OpenAIErrorBody {
  const body: OpenAIErrorBody = {
    error: { message: err.message, type: err.type, code: err.code, param: err.param },
  };
  if (err.fields && err.fields.length > 0) body.error.fields = err.fields;
  return body;
}

function errorHeaders(err: GatewayError, requestId: string | undefined): Headers {
  const headers = new Headers({ 'content-type': 'application/json' });
  for (const [k, v] of Object.entries(err.headers)) headers.set(k, v);
  if (err.retryable !== undefined) headers.set('x-should-retry', String(err.retryable));
  if (requestId) headers.set('x-request-id', requestId);
  return headers;
}

function errorResponse(err: GatewayError, requestId: string | undefined, anthropic: boolean): Response {
  const body = anthropic ? anthropicErrorBody(err, requestId) : errorBody(err);
  return new Response(htmlSafeJson(JSON.stringify(body)), {
    status: err.status,
    headers: errorHeaders(err, requestId),
  });
}

/**
 * The single place errors become responses. Unknown errors are logged by name only (their
 * messages may quote data) and answered as an opaque 500 that names the request id.
 */
export function onError(logger: Logger) {
  return function renderError(err: Error, c: Context<AppEnv>): Response {
    const requestId = c.get('requestId');
    if (!(err instanceof GatewayError)) logger.error('unhandled error', { requestId, errorName: err.name });
    // `/v1/messages` answers in Anthropic's error shape (its clients read no other); all else OpenAI's.
    const res = errorResponse(
      err instanceof GatewayError ? err : internalError(requestId),
      requestId,
      speaksAnthropic(c.req.path),
    );
    // Headers middleware prepared for the response (x-ratelimit-*, x-gateway-*) belong on errors
    // too. The gateway's own rate-limit headers win over any an error carries from an upstream.
    for (const [name, value] of c.res.headers) {
      if (name === 'content-type' || name === 'content-length') continue;
      if (!res.headers.has(name) || name.startsWith('x-ratelimit-')) res.headers.set(name, value);
    }
    return res;
  };
}
