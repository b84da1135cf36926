/**
 * The upstream calls to Gemini's native API (https://ai.google.dev/api/generate-content): the key
 * travels only in the `x-goog-api-key` header, never in the URL (the API accepts `?key=`, which
 * would land in access logs, proxies and error traces).
 *   chat:   POST {base}/models/{model}:generateContent
 *           POST {base}/models/{model}:streamGenerateContent?alt=sse
 *   key:    GET  {base}/models?pageSize=1   (free: spends no tokens)
 */

import { endpoint, USER_AGENT } from '../kit/endpoint.js';
import type { Provider } from '../kit/providers.js';
import type { CallContext, ChatRequest, UpstreamRequest } from '../types.js';
import { convertMessages } from './convert-messages.js';
import { convertTools } from './convert-tools.js';
import type { GenerateContentRequest } from './gemini-types.js';
import { generationConfig } from './generation-config.js';
import { capsFor } from './model-table.js';
import { checkParams } from './params.js';

export function headersFor(apiKey: string, accept: string): Record<string, string> {
  return { 'x-goog-api-key': apiKey, accept, 'user-agent': USER_AGENT };
}

/** The model id as a URL path segment (`models/` prefix tolerated, every other character encoded). */
export function modelSegment(model: string): string {
  return encodeURIComponent(model.startsWith('models/') ? model.slice('models/'.length) : model);
}

/** The Gemini request body for an OpenAI chat request; throws a 400 GatewayError for what cannot map. */
export function toGeminiRequest(chat: ChatRequest, model: string, stream: boolean): GenerateContentRequest {
  checkParams(chat);
  const caps = capsFor(model);
  const { systemInstruction, contents } = convertMessages(chat.messages, caps);
  const { tools, toolConfig } = convertTools(chat.tools, chat.tool_choice);
  const config = generationConfig(chat, caps, stream);
  const body: GenerateContentRequest = { contents };
  if (systemInstruction) body.systemInstruction = systemInstruction;
  if (tools) body.tools = tools;
  if (toolConfig) body.toolConfig = toolConfig;
  if (config) body.generationConfig = config;
  return body;
}

export function buildRequest(chat: ChatRequest, call: CallContext): UpstreamRequest {
  const body = toGeminiRequest(chat, call.upstreamModel, call.stream);
  const action = call.stream ? ':streamGenerateContent?alt=sse' : ':generateContent';
  const headers = headersFor(call.apiKey, call.stream ? 'text/event-stream' : 'application/json');
  headers['content-type'] = 'application/json';
  return {
    method: 'POST',
    url: endpoint(call.baseUrl, `/models/${modelSegment(call.upstreamModel)}${action}`),
    headers,
    body: JSON.stringify(body),
  };
}

export function verifyKeyRequest(_provider: Provider, apiKey: string, baseUrl: string): UpstreamRequest {
  return {
    method: 'GET',
    url: endpoint(baseUrl, '/models?pageSize=1'),
    headers: headersFor(apiKey, 'application/json'),
  };
}
