/**
 * `/v1/responses` for an OpenAI model on the caller's own OpenAI key: OpenAI's Responses API
 * natively, the body as the client sent it (model id without its `openai/` prefix: events,
 * `previous_response_id`, `store`, built-in tools all work as at OpenAI), the answer and the
 * stream byte for byte; usage read from the response (or the stream's final `response.*` event).
 */
import { endpointAdapter } from '../chat/endpoint-adapter.js';
import { type PassThroughProtocol, passThroughRelay } from '../chat/pass-through-relay.js';
import { upstreamInvalidResponse } from '../errors.js';
import { endpoint } from '../providers/kit/endpoint.js';
import { isRecord, parseObject } from '../providers/kit/records.js';
import { postHeaders } from '../providers/openai-compatible/build-request.js';
import type { ProviderAdapter, Usage } from '../providers/types.js';
import { responsesErrorEvent } from './stream-from-chat.js';

const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);

/** A Responses `usage` object as the gateway's usage, or undefined when there is none. */
function toUsage(usage: unknown): Usage | undefined {
  if (!isRecord(usage)) return undefined;
  const prompt = count(usage.input_tokens);
  const completion = count(usage.output_tokens);
  const cached = isRecord(usage.input_tokens_details) ? count(usage.input_tokens_details.cached_tokens) : 0;
  const reasoning = isRecord(usage.output_tokens_details)
    ? count(usage.output_tokens_details.reasoning_tokens)
    : 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cached },
    completion_tokens_details: { reasoning_tokens: reasoning },
  };
}

const FINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

/**
 * Reads a Responses stream: the final response's usage and the end. Sequence numbers count events
 * from 0, so the error event of a stream cut after N events is number N.
 */
const RESPONSES_STREAM: PassThroughProtocol = {
  wanted: new Set([...FINAL, 'error']),
  onEvent(name, data, usage) {
    const parsed = parseObject(data);
    const type = name ?? parsed?.type;
    if (type === 'error') return 'error'; // OpenAI's own error event: relayed, scrubbed
    if (typeof type !== 'string' || !FINAL.has(type)) return undefined;
    const reported = isRecord(parsed?.response) ? toUsage(parsed.response.usage) : undefined;
    if (reported) usage(reported);
    return type === 'response.failed' ? 'error' : 'end';
  },
  errorEvent: (err, events) => responsesErrorEvent(err, events),
};

export function nativeResponses(body: Record<string, unknown>): ProviderAdapter {
  return endpointAdapter('openai', {
    buildRequest: (_chat, call) => ({
      method: 'POST',
      url: endpoint(call.baseUrl, '/responses'),
      headers: postHeaders(call, call.stream ? 'text/event-stream' : 'application/json'),
      body: JSON.stringify({ ...body, model: call.upstreamModel }),
    }),
    readResponse(text) {
      const parsed = parseObject(text);
      if (!parsed) throw upstreamInvalidResponse('OpenAI returned a response that is not a JSON object.');
      const usage = toUsage(parsed.usage);
      return usage ? { body: text, usage } : { body: text };
    },
    streamRelay: (call, hooks) => passThroughRelay(RESPONSES_STREAM, hooks, call.apiKey),
  });
}
