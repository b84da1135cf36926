/**
 * The one way a stream that has already begun reports a failure to an OpenAI client: a final
 * `data: {"error": …}` event, after which the gateway closes the stream without `[DONE]`
 * (openai-node throws `APIError` on a data object with a truthy `error`). Shared by every adapter.
 */
import { scrubSecrets } from '../vault/scrub-secrets.js';

export interface StreamError {
  message: string;
  type: string;
  code: string;
}

const encoder = new TextEncoder();

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
