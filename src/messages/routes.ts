import type { Context } from 'hono';
import { Hono } from 'hono';
import { type CallPipeline, respond, serveCall, servingProvider } from '../chat/call-pipeline.js';
import type { AppEnv } from '../http/app-env.js';
import { readJson } from '../http/read-json.js';
import { parseBody } from '../http/validate.js';
import type { ChatRequest } from '../providers/types.js';
import { messageFromChat } from './from-chat.js';
import { type AnthropicHeaders, countTokensRequest, nativeMessages } from './native.js';
import { countTokensRequestSchema, type MessagesRequest, messagesRequestSchema } from './schema.js';
import { anthropicEventsFromChat } from './stream-from-chat.js';
import { toChatRequest } from './to-chat.js';

const clientHeaders = (c: Context<AppEnv>): AnthropicHeaders => ({
  version: c.req.header('anthropic-version'),
  beta: c.req.header('anthropic-beta'),
});

/** What policy and budget judge for a native call: the turns and tools as the prompt, max_tokens out. */
function judged(req: MessagesRequest): ChatRequest {
  const system = req.system === undefined ? [] : [{ role: 'system', content: req.system }];
  const chat: ChatRequest = {
    model: req.model,
    messages: [...system, ...req.messages],
    max_tokens: req.max_tokens,
  };
  if (req.tools) chat.tools = req.tools;
  if (req.stream === true) chat.stream = true;
  return chat;
}

/**
 * `/v1/messages` (Anthropic's Messages API) and `/v1/messages/count_tokens`. A Claude model on the
 * caller's own Anthropic key goes to Anthropic natively, byte for byte; any other model (or a
 * Claude model through OpenRouter) is translated to the chat path and back. Errors are in
 * Anthropic's shape (src/http/anthropic-error.ts); auth accepts `x-api-key` (src/app.ts).
 */
export function messagesRoutes(pipeline: CallPipeline): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const maxBytes = pipeline.deps.config.maxBodyBytes;

  app.post('/messages', async (c) => {
    const req = parseBody(messagesRequestSchema, await readJson(c.req.raw, maxBytes));
    const stream = req.stream === true;
    // Claude on an Anthropic key: native; on any other key (OpenRouter, the system key): translated.
    const served = await serveCall(pipeline, c, req.model, (provider) =>
      provider === 'anthropic'
        ? { request: judged(req), adapter: nativeMessages(req, clientHeaders(c)) }
        : { request: toChatRequest(req) },
    );
    if (served.picked.provider === 'anthropic') return respond(c, served, stream);
    const { result } = served;
    const body =
      typeof result.body === 'string'
        ? messageFromChat(result.body, req.model)
        : result.body.pipeThrough(anthropicEventsFromChat(req.model));
    return respond(c, { ...served, result: { ...result, body } }, stream);
  });

  app.post('/messages/count_tokens', async (c) => {
    const req = parseBody(countTokensRequestSchema, await readJson(c.req.raw, maxBytes));
    if ((await servingProvider(pipeline, c, req.model)) === 'anthropic') {
      const adapter = countTokensRequest(req, clientHeaders(c));
      const request: ChatRequest = { model: req.model, messages: [] };
      return respond(
        c,
        await serveCall(pipeline, c, req.model, () => ({ request, adapter, free: true })),
        false,
      );
    }
    // No other provider counts Anthropic-shaped input: an estimate (four characters a token).
    const input = JSON.stringify([req.system ?? '', req.messages, req.tools ?? []]);
    return c.json({ input_tokens: Math.ceil(input.length / 4) });
  });

  return app;
}
