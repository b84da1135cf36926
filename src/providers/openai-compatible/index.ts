/**
 * OpenAI, OpenRouter and Meta Llama (compat API) speak OpenAI's chat completions, so one adapter
 * serves all three: requests and answers pass through nearly untouched, and only the few events a
 * client must not see (or must see differently) are rewritten.
 */
import type { ProviderAdapter } from '../types.js';
import { buildRequest, verifyKeyRequest } from './build-request.js';
import { readResponse } from './read-response.js';
import { streamRelay } from './stream-relay.js';
import { toError } from './to-error.js';

export const openAICompatibleAdapter: ProviderAdapter = {
  buildRequest,
  readResponse,
  streamRelay,
  toError,
  verifyKeyRequest,
};
