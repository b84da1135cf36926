/**
 * The upstream calls for OpenAI, OpenRouter and Meta's compat API: the client's body forwarded as
 * is, with only the model id replaced (and usage always requested when streaming). Docs:
 * https://platform.openai.com/docs/api-reference/chat/create,
 * https://openrouter.ai/docs/api-reference/overview (headers),
 * https://llama.developer.meta.com/docs/ (Meta's SSE accept header).
 */

import { endpoint, USER_AGENT } from '../kit/endpoint.js';
import type { Provider } from '../kit/providers.js';
import type { CallContext, ChatRequest, UpstreamRequest } from '../types.js';
import { clientBodyWith } from './client-body.js';

function headersFor(apiKey: string, accept: string): Record<string, string> {
  return { authorization: `Bearer ${apiKey}`, accept, 'user-agent': USER_AGENT };
}

/** The headers of a JSON POST to any of the three (chat, embeddings, responses): key, OpenRouter attribution. */
export function postHeaders(call: CallContext, accept: string): Record<string, string> {
  const headers = headersFor(call.apiKey, accept);
  headers['content-type'] = 'application/json';
  if (call.provider === 'openrouter') {
    headers['HTTP-Referer'] = call.attribution.referer;
    headers['X-Title'] = call.attribution.title;
  }
  return headers;
}

/**
 * `POST {baseUrl}/chat/completions`. When streaming, `stream_options.include_usage` is forced on
 * (other `stream_options` fields kept) so the gateway can count tokens even when the client did
 * not ask; the stream transform removes the usage again for such a client. Meta's compat endpoint
 * wants `accept: text/event-stream` for a stream, which is harmless elsewhere. The body is the
 * client's own text with those members swapped in when the call carries it (client-body.ts), else
 * the request serialised: the same JSON value either way.
 */
export function buildRequest(chat: ChatRequest, call: CallContext): UpstreamRequest {
  const streamOptions = call.stream ? { ...chat.stream_options, include_usage: true } : undefined;
  return {
    method: 'POST',
    url: endpoint(call.baseUrl, '/chat/completions'),
    headers: postHeaders(call, call.stream ? 'text/event-stream' : 'application/json'),
    body:
      (call.clientBody && clientBodyWith(call.clientBody, call.upstreamModel, streamOptions)) ??
      serialise(chat, call.upstreamModel, streamOptions),
  };
}

function serialise(chat: ChatRequest, model: string, streamOptions: ChatRequest['stream_options']): string {
  const body: ChatRequest = { ...chat, model };
  if (streamOptions) body.stream_options = streamOptions;
  return JSON.stringify(body);
}

/**
 * The free call that tells whether a key works: `GET /models` for OpenAI and Meta (401 when the
 * key is bad); `GET /key` for OpenRouter, whose `/models` is public and answers 200 to any key.
 */
export function verifyKeyRequest(provider: Provider, apiKey: string, baseUrl: string): UpstreamRequest {
  const path = provider === 'openrouter' ? '/key' : '/models';
  return { method: 'GET', url: endpoint(baseUrl, path), headers: headersFor(apiKey, 'application/json') };
}
