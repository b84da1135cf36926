/**
 * `/v1/messages` for a Claude model on the caller's own Anthropic key: Anthropic's Messages API
 * natively, the body as the client sent it (model id without its `anthropic/` prefix), the answer
 * and the stream byte for byte. The client's `anthropic-version` and `anthropic-beta` go along
 * when well-formed (it is the caller's own key and account); usage is read from the answer.
 */
import { endpointAdapter } from '../chat/endpoint-adapter.js';
import { type PassThroughProtocol, passThroughRelay } from '../chat/pass-through-relay.js';
import { upstreamInvalidResponse } from '../errors.js';
import { mergeUsage, toOpenAIUsage } from '../providers/anthropic/usage.js';
import type { AnthropicUsage } from '../providers/anthropic/wire-types.js';
import { endpoint, USER_AGENT } from '../providers/kit/endpoint.js';
import { isRecord, parseObject } from '../providers/kit/records.js';
import type { CallContext, ProviderAdapter, UpstreamRequest } from '../providers/types.js';
import { anthropicErrorEvent } from './stream-from-chat.js';

const DEFAULT_VERSION = '2023-06-01';
const VERSION = /^\d{4}-\d{2}-\d{2}$/;
const BETAS = /^[a-z0-9-]{1,64}(,[a-z0-9-]{1,64}){0,15}$/;

/** The Anthropic headers the client chose, kept only when they have their documented shape. */
export interface AnthropicHeaders {
  version: string | undefined;
  beta: string | undefined;
}

function anthropicRequest(
  call: CallContext,
  path: '/messages' | '/messages/count_tokens',
  body: Record<string, unknown>,
  client: AnthropicHeaders,
): UpstreamRequest {
  const headers: Record<string, string> = {
    'x-api-key': call.apiKey,
    'anthropic-version': client.version && VERSION.test(client.version) ? client.version : DEFAULT_VERSION,
    accept: call.stream ? 'text/event-stream' : 'application/json',
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
  };
  const beta = client.beta?.replaceAll(' ', '');
  if (beta && BETAS.test(beta)) headers['anthropic-beta'] = beta;
  return {
    method: 'POST',
    url: endpoint(call.baseUrl, path),
    headers,
    body: JSON.stringify({ ...body, model: call.upstreamModel }),
  };
}

const ANTHROPIC_WANTED: ReadonlySet<string> = new Set([
  'message_start',
  'message_delta',
  'message_stop',
  'error',
]);

/** Reads one Anthropic stream: its cumulative usage (message_start, message_delta) and its end. */
function anthropicStream(): PassThroughProtocol {
  const total: AnthropicUsage = { input_tokens: 0, output_tokens: 0 };
  return {
    wanted: ANTHROPIC_WANTED,
    onEvent(name, data, usage) {
      if (name === 'message_stop') return 'end';
      if (name === 'error') return 'error'; // Anthropic's own error event: relayed, scrubbed
      if (name !== 'message_start' && name !== 'message_delta') return undefined;
      const parsed = parseObject(data);
      const report =
        name === 'message_start' && isRecord(parsed?.message) ? parsed.message.usage : parsed?.usage;
      if (isRecord(report)) {
        mergeUsage(total, report);
        usage(toOpenAIUsage(total));
      }
      return undefined;
    },
    errorEvent: (err) => anthropicErrorEvent(err),
  };
}

export function nativeMessages(body: Record<string, unknown>, client: AnthropicHeaders): ProviderAdapter {
  return endpointAdapter('anthropic', {
    buildRequest: (_chat, call) => anthropicRequest(call, '/messages', body, client),
    readResponse(text) {
      const parsed = parseObject(text);
      if (!parsed) throw upstreamInvalidResponse('Anthropic returned a response that is not a JSON object.');
      const usage: AnthropicUsage = { input_tokens: 0, output_tokens: 0 };
      mergeUsage(usage, parsed.usage);
      return { body: text, usage: toOpenAIUsage(usage) };
    },
    streamRelay: (call, hooks) => passThroughRelay(anthropicStream(), hooks, call.apiKey),
  });
}

/** `POST {base}/messages/count_tokens`: free, so no usage row; the answer as Anthropic gives it. */
export function countTokensRequest(body: Record<string, unknown>, client: AnthropicHeaders): ProviderAdapter {
  return endpointAdapter('anthropic', {
    buildRequest: (_chat, call) => anthropicRequest(call, '/messages/count_tokens', body, client),
    readResponse: (text) => ({ body: text }),
  });
}
