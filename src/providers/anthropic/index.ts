/**
 * Anthropic's native Messages API, translated both ways: OpenAI chat requests to Messages requests
 * (build-request.ts and the converters it calls), Messages answers and event streams back to
 * OpenAI completions and chunks (read-response.ts, stream-relay.ts), errors to the contract's
 * (to-error.ts). Provider docs: https://docs.anthropic.com/en/api/messages.
 */
import type { ProviderAdapter } from '../types.js';
import { buildRequest, verifyKeyRequest } from './build-request.js';
import { readResponse } from './read-response.js';
import { streamRelay } from './stream-relay.js';
import { toError } from './to-error.js';

export { IGNORED_PARAMS, REFUSED_PARAMS } from './request-params.js';

export const anthropicAdapter: ProviderAdapter = {
  buildRequest,
  readResponse,
  streamRelay,
  toError,
  verifyKeyRequest,
};
