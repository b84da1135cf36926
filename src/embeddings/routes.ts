import { Hono } from 'hono';
import { type CallPipeline, respond, serveCall } from '../chat/call-pipeline.js';
import { routeModel } from '../chat/route-model.js';
import { endpointNotSupported } from '../errors.js';
import type { AppEnv } from '../http/app-env.js';
import { readJson } from '../http/read-json.js';
import { parseBody } from '../http/validate.js';
import { type Provider, providerLabel } from '../providers/kit/providers.js';
import type { ChatRequest } from '../providers/types.js';
import { geminiEmbeddings, openAIEmbeddings } from './adapters.js';
import { embeddingsRequestSchema, inputTexts } from './schema.js';

/**
 * `POST /v1/embeddings`: the same key choice, policy, budget and usage row as chat. Anthropic and
 * Meta have no embeddings API: 400 naming the model, before any key is opened.
 */
export function embeddingsRoutes(pipeline: CallPipeline): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/embeddings', async (c) => {
    const req = parseBody(
      embeddingsRequestSchema,
      await readJson(c.req.raw, pipeline.deps.config.maxBodyBytes),
    );
    const route = routeModel(req.model);
    if (route.provider === 'anthropic' || route.provider === 'meta')
      throw endpointNotSupported(
        req.model,
        `is served by ${providerLabel(route.provider)}, which has no embeddings API: use an OpenAI, Google or OpenRouter embedding model.`,
      );
    // What policy and budget judge: the input as the prompt, and no output beyond one token.
    const texts = inputTexts(req);
    const judged: ChatRequest = {
      model: req.model,
      messages: [{ role: 'user', content: texts ? texts.join('\n') : JSON.stringify(req.input) }],
      max_tokens: 1,
    };
    // The adapter follows the key that serves (the model's provider, or OpenRouter).
    const plan = (provider: Provider) => ({
      request: judged,
      adapter:
        provider === 'google'
          ? geminiEmbeddings(req)
          : openAIEmbeddings(req, provider as 'openai' | 'openrouter'),
    });
    return respond(c, await serveCall(pipeline, c, req.model, plan, route), false);
  });
  return app;
}
