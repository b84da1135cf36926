import { Hono } from 'hono';
import { type CallPipeline, respond, serveCall } from '../chat/call-pipeline.js';
import type { AppEnv } from '../http/app-env.js';
import { readJson } from '../http/read-json.js';
import { parseBody } from '../http/validate.js';
import type { ChatRequest } from '../providers/types.js';
import { responseFromChat } from './from-chat.js';
import { nativeResponses } from './native.js';
import { type ResponsesRequest, responsesRequestSchema } from './schema.js';
import { responsesEventsFromChat } from './stream-from-chat.js';
import { toChatRequest } from './to-chat.js';

/** What policy and budget judge for a native call: the input and instructions, max_output_tokens out. */
function judged(req: ResponsesRequest): ChatRequest {
  const input = typeof req.input === 'string' ? [{ role: 'user', content: req.input }] : (req.input ?? []);
  const system = req.instructions ? [{ role: 'system', content: req.instructions }] : [];
  const chat: ChatRequest = { model: req.model, messages: [...system, ...input] };
  if (req.tools) chat.tools = req.tools;
  if (req.max_output_tokens) chat.max_tokens = req.max_output_tokens;
  if (req.stream === true) chat.stream = true;
  return chat;
}

/**
 * `/v1/responses` (OpenAI's Responses API). An OpenAI model on the caller's own OpenAI key goes to
 * OpenAI natively, byte for byte, state and all; any other model (or an OpenAI model through
 * OpenRouter) is translated to the chat path and back, for the stateless subset (to-chat.ts).
 */
export function responsesRoutes(pipeline: CallPipeline): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/responses', async (c) => {
    const req = parseBody(
      responsesRequestSchema,
      await readJson(c.req.raw, pipeline.deps.config.maxBodyBytes),
    );
    const stream = req.stream === true;
    // An OpenAI model on an OpenAI key: native; on any other key: translated.
    const served = await serveCall(pipeline, c, req.model, (provider) =>
      provider === 'openai'
        ? { request: judged(req), adapter: nativeResponses(req) }
        : { request: toChatRequest(req) },
    );
    if (served.picked.provider === 'openai') return respond(c, served, stream);
    const { result } = served;
    const body =
      typeof result.body === 'string'
        ? responseFromChat(result.body, req)
        : result.body.pipeThrough(responsesEventsFromChat(req));
    return respond(c, { ...served, result: { ...result, body } }, stream);
  });
  return app;
}
