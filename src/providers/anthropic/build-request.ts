/**
 * The upstream calls to Anthropic's Messages API (https://docs.anthropic.com/en/api/messages):
 * `POST {baseUrl}/messages` with the key in `x-api-key` (never in the URL) and `anthropic-version:
 * 2023-06-01`; the body translated from OpenAI's chat request by the converters of this folder.
 * Any request Anthropic cannot serve as asked is a 400 GatewayError naming the parameter, thrown
 * before anything is sent.
 */
import { badRequest } from '../../errors.js';
import { endpoint, USER_AGENT } from '../kit/endpoint.js';
import type { Provider } from '../kit/providers.js';
import type { CallContext, ChatRequest, UpstreamRequest } from '../types.js';
import { convertMessages } from './convert-messages.js';
import { convertTools } from './convert-tools.js';
import { jsonOutput } from './json-output.js';
import { modelParams } from './model-params.js';
import { outputBudget } from './output-budget.js';
import { checkParams, stopSequences, userId } from './request-params.js';
import { samplingParams } from './sampling.js';
import type { MessagesRequest, OutputConfig } from './wire-types.js';

const ANTHROPIC_VERSION = '2023-06-01';

function anthropicHeaders(apiKey: string, accept: string): Record<string, string> {
  return {
    'x-api-key': apiKey,
    'anthropic-version': ANTHROPIC_VERSION,
    accept,
    'user-agent': USER_AGENT,
  };
}

/** The Messages API body for an OpenAI chat request (exported for tests and the benchmark). */
function toMessagesRequest(chat: ChatRequest, call: CallContext): MessagesRequest {
  checkParams(chat);
  if (!Array.isArray(chat.messages))
    throw badRequest('invalid_value', "'messages' must be an array.", 'messages');
  const model = modelParams(call.upstreamModel);
  const { system, messages } = convertMessages(chat.messages);
  const { tools, tool_choice } = convertTools(chat);
  const budget = outputBudget(chat, model, call.upstreamModel);
  const thinking = budget.thinking !== undefined;
  const sampling = samplingParams(chat, model, call.upstreamModel, thinking);
  const json = jsonOutput(chat, model, { tools: tools !== undefined, thinking });
  if (thinking && (tool_choice?.type === 'any' || tool_choice?.type === 'tool')) {
    throw badRequest(
      'unsupported_value',
      'With reasoning_effort Anthropic accepts only tool_choice "auto" or "none".',
      'tool_choice',
    );
  }

  const body: MessagesRequest = { model: call.upstreamModel, max_tokens: budget.max_tokens, messages };
  if (system) body.system = system;
  const allTools = json.tool ? [json.tool] : tools;
  if (allTools) body.tools = allTools;
  const choice = json.toolChoice ?? tool_choice;
  if (choice) body.tool_choice = choice;
  const stop = stopSequences(chat);
  if (stop) body.stop_sequences = stop;
  Object.assign(body, sampling);
  if (budget.thinking) body.thinking = budget.thinking;
  const output: OutputConfig = {};
  if (budget.effort) output.effort = budget.effort;
  if (json.format) output.format = json.format;
  if (output.effort || output.format) body.output_config = output;
  const metadata = userId(chat);
  if (metadata) body.metadata = metadata;
  if (call.stream) body.stream = true;
  return body;
}

export function buildRequest(chat: ChatRequest, call: CallContext): UpstreamRequest {
  const headers = anthropicHeaders(call.apiKey, call.stream ? 'text/event-stream' : 'application/json');
  headers['content-type'] = 'application/json';
  return {
    method: 'POST',
    url: endpoint(call.baseUrl, '/messages'),
    headers,
    body: JSON.stringify(toMessagesRequest(chat, call)),
  };
}

/** The free key check (spends no tokens): `GET /models?limit=1`, 401 when the key is bad. */
export function verifyKeyRequest(_provider: Provider, apiKey: string, baseUrl: string): UpstreamRequest {
  return {
    method: 'GET',
    url: endpoint(baseUrl, '/models?limit=1'),
    headers: anthropicHeaders(apiKey, 'application/json'),
  };
}
