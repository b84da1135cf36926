import { z } from 'zod';
import { modelId } from '../chat/schema.js';

/**
 * `POST /v1/messages` (Anthropic's Messages API: https://docs.anthropic.com/en/api/messages). What
 * the gateway relies on is checked; every other field passes through to Anthropic untouched.
 */
const block = z.looseObject({ type: z.string({ error: 'must be a string' }).min(1) });
const content = z.union([z.string(), z.array(block)], { error: 'must be a string or an array of blocks' });

const message = z.looseObject({
  role: z.enum(['user', 'assistant'], { error: 'must be "user" or "assistant"' }),
  content,
});

const base = {
  model: modelId,
  messages: z
    .array(message, { error: 'must be an array of messages' })
    .min(1, 'must contain at least one message'),
  system: content.optional(),
  tools: z
    .array(z.looseObject({ name: z.string().min(1) }))
    .max(128)
    .optional(),
  tool_choice: z
    .looseObject({ type: z.enum(['auto', 'any', 'tool', 'none']), name: z.string().optional() })
    .optional(),
  thinking: z
    .looseObject({
      type: z.enum(['enabled', 'disabled', 'adaptive']),
      budget_tokens: z.number().int().min(1).optional(),
    })
    .optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).optional(),
};

export const messagesRequestSchema = z.looseObject({
  ...base,
  max_tokens: z
    .number({ error: 'must be an integer' })
    .int('must be an integer')
    .min(1, 'must be at least 1'),
  stream: z.boolean({ error: 'must be a boolean' }).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  stop_sequences: z.array(z.string()).optional(),
});

/** `POST /v1/messages/count_tokens`: the same input, without output settings. */
export const countTokensRequestSchema = z.looseObject(base);

export type MessagesRequest = z.output<typeof messagesRequestSchema>;
export type AnthropicBlock = z.output<typeof block>;
