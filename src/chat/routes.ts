import { Hono } from 'hono';
import type { AppEnv } from '../http/app-env.js';
import { readJson } from '../http/read-json.js';
import { parseBody } from '../http/validate.js';
import type { ChatRequest } from '../providers/types.js';
import { type CallPipeline, respond, serveCall } from './call-pipeline.js';
import { listModels } from './models.js';
import { chatRequestSchema } from './schema.js';

/** `/v1`: chat completions and the model list, behind authentication, scope and the rate limit. */
export function chatRoutes(pipeline: CallPipeline): Hono<AppEnv> {
  const { deps, spend } = pipeline;
  const app = new Hono<AppEnv>();

  app.post('/chat/completions', async (c) => {
    const parsed = parseBody(
      chatRequestSchema,
      await readJson(c.req.raw, deps.config.maxBodyBytes),
    ) as ChatRequest;
    const served = await serveCall(pipeline, c, parsed.model, () => ({ request: parsed }));
    return respond(c, served, parsed.stream === true);
  });

  app.get('/models', async (c) => c.json(await listModels(deps, c.get('caller'), spend.systemKeyAllows)));

  return app;
}
