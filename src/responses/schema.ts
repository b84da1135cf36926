import { z } from 'zod';
import { modelId } from '../chat/schema.js';

/**
 * `POST /v1/responses` (OpenAI's Responses API: https://platform.openai.com/docs/api-reference/responses).
 * What the gateway relies on is checked; every other field passes through to OpenAI untouched.
 */
const item = z.looseObject({ type: z.string().optional(), role: z.string().optional() });

export const responsesRequestSchema = z.looseObject({
  model: modelId,
  input: z
    .union([z.string(), z.array(item)], { error: 'must be a string or an array of input items' })
    .optional(),
  instructions: z.string({ error: 'must be a string' }).nullish(),
  stream: z.boolean({ error: 'must be a boolean' }).nullish(),
  store: z.boolean({ error: 'must be a boolean' }).nullish(),
  previous_response_id: z.string({ error: 'must be a string' }).nullish(),
  tools: z
    .array(z.looseObject({ type: z.string().min(1) }), { error: 'must be an array of tools' })
    .max(128)
    .nullish(),
  max_output_tokens: z
    .number({ error: 'must be an integer' })
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  reasoning: z.looseObject({ effort: z.string().nullish() }).nullish(),
  text: z.looseObject({ format: z.looseObject({ type: z.string().min(1) }).optional() }).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  user: z.string().nullish(),
});

export type ResponsesRequest = z.output<typeof responsesRequestSchema>;
