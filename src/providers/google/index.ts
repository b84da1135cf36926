/**
 * Google Gemini's native API (generateContent), translated both ways so that OpenAI SDK users get
 * what an OpenAI model would give them. One file per concern: build-request (+ convert-messages,
 * convert-content, convert-tools, generation-config, params, model-table, tool-call-id),
 * read-response, stream-relay (+ stream-translator, stream-chunks), to-error (+ google-error),
 * finish-reason, usage. Provider docs: https://ai.google.dev/api/generate-content.
 */
import type { ProviderAdapter } from '../types.js';
import { buildRequest, verifyKeyRequest } from './build-request.js';
import { readResponse } from './read-response.js';
import { streamRelay } from './stream-relay.js';
import { toError } from './to-error.js';

export const googleAdapter: ProviderAdapter = {
  buildRequest,
  readResponse,
  streamRelay,
  toError,
  verifyKeyRequest,
};
