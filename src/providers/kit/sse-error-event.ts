/**
 * The one way a stream that has already begun reports a failure to an OpenAI client: a final
 * `data: {"error": …}` event, after which the gateway closes the stream without `[DONE]`
 * (openai-node throws `APIError` on a data object with a truthy `error`). Shared by every adapter.
 */
import type { ErrorCode, ErrorType, UpstreamCode } from '../../errors.js';
import { scrubSecrets } from '../../vault/scrub-secrets.js';

/** What the final event says; a GatewayError is one, so any of them can end a stream. */
export interface StreamError {
  message: string;
  type: ErrorType;
  code: ErrorCode | UpstreamCode;
}

const encoder = new TextEncoder();

/** The upstream stream ended (cleanly, as far as the socket goes) before its own end marker. */
export const STREAM_INCOMPLETE: StreamError = {
  message: 'The upstream stream ended before it finished.',
  type: 'upstream_error',
  code: 'upstream_stream_incomplete',
};

/** Our own relay failed on an event: nothing more can be sent faithfully. */
export const RELAY_FAILED: StreamError = {
  message: 'The gateway could not relay the rest of the stream.',
  type: 'api_error',
  code: 'stream_relay_failed',
};

/**
 * Encodes the final error event. Callers scrub upstream text with the call's key; the message is
 * scrubbed of key-like strings once more here, as the last gate before the client.
 */
export function errorEvent(err: StreamError): Uint8Array {
  const body = {
    error: { message: scrubSecrets(err.message), type: err.type, code: err.code, param: null },
  };
  return encoder.encode(`data: ${JSON.stringify(body)}\n\n`);
}
