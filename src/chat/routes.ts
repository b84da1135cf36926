import { Hono } from 'hono';
import type { AppEnv } from '../http/app-env.js';
import { readJsonText } from '../http/read-json.js';
import { parseBody } from '../http/validate.js';
import type { ChatRequest, ClientBody } from '../providers/types.js';
import { type CallPipeline, respond, serveCall } from './call-pipeline.js';
import { acceptsChat } from './chat-check.js';
import { listModels } from './models.js';
import { chatRequestSchema } from './schema.js';

/** `/v1`: chat completions and the model list, behind authentication, scope and the rate limit. */
export function chatRoutes(pipeline: CallPipeline): Hono<AppEnv> {
  const { deps, spend } = pipeline;
  const app = new Hono<AppEnv>();

  app.post('/chat/completions', async (c) => {
    const { value, text, members } = await readJsonText(c.req.raw, deps.config.maxBodyBytes);
    let parsed: ChatRequest;
    let clientBody: ClientBody | undefined;
    if (acceptsChat(value)) {
      // Its own parsed value, unchanged: its text can be forwarded with only the model swapped.
      parsed = value;
      clientBody = { text, members };
    } else parsed = parseBody(chatRequestSchema, value) as ChatRequest; // the schema's errors
    const served = await serveCall(pipeline, c, parsed.model, () => ({ request: parsed, clientBody }));
    return respond(c, served, parsed.stream === true);
  });

  app.get('/models', async (c) => c.json(await listModels(deps, c.get('caller'), spend.systemKeyAllows)));

  return app;
}
