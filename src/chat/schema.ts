import { z } from 'zod';
import type { ChatRequest } from '../providers/types.js';

/**
 * What the gateway relies on is checked; every other field passes through untouched (loose
 * objects), so new OpenAI parameters reach providers that know them without a release here.
 */
export const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:@+/-]*$/;
export const MAX_MODEL_ID = 256;
/** The rules below are shared with the fast check of src/chat/chat-check.ts, which must agree. */
export const hasCleanSegments = (m: string): boolean =>
  !m.split('/').some((seg) => seg === '' || seg === '.' || seg === '..');
export const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_IMAGE_URL = 20 * 1024 * 1024;
export const MAX_TOOLS = 128;
export const MAX_STOP = 4;
/** Bounds of the number fields, [min, max]; the integer ones are safe integers too. */
export const RANGES = {
  temperature: [0, 2],
  top_p: [0, 1],
  presence_penalty: [-2, 2],
  frequency_penalty: [-2, 2],
} as const;
export const INT_RANGES = { n: [1, 128], top_logprobs: [0, 20] } as const;

export const modelId = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(MAX_MODEL_ID, `must be at most ${MAX_MODEL_ID} characters`)
  .regex(MODEL_ID, 'may contain only letters, digits and . _ : @ + / -')
  .refine(hasCleanSegments, { message: 'must not contain empty, "." or ".." path segments' });

const textPart = z.looseObject({ type: z.literal('text'), text: z.string() });
const imagePart = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({
    url: z.string().min(1).max(MAX_IMAGE_URL),
    detail: z.enum(['auto', 'low', 'high']).optional(),
  }),
});
const otherPart = z
  .looseObject({ type: z.string().min(1) })
  .refine((p) => p.type !== 'text' && p.type !== 'image_url', {
    message: 'is malformed',
  });
const contentPart = z.union([textPart, imagePart, otherPart]);
const content = z.union([z.string(), z.array(contentPart)]);

const toolCall = z.looseObject({
  id: z.string().min(1),
  type: z.string().optional(),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }).optional(),
});

const message = z.discriminatedUnion('role', [
  z.looseObject({ role: z.literal('system'), content, name: z.string().optional() }),
  z.looseObject({ role: z.literal('developer'), content, name: z.string().optional() }),
  z.looseObject({ role: z.literal('user'), content, name: z.string().optional() }),
  z.looseObject({
    role: z.literal('assistant'),
    content: content.nullish(),
    name: z.string().optional(),
    tool_calls: z.array(toolCall).optional(),
  }),
  z.looseObject({ role: z.literal('tool'), content, tool_call_id: z.string().min(1) }),
  z.looseObject({ role: z.literal('function'), content: z.string().nullable(), name: z.string() }),
]);

const tool = z.looseObject({
  type: z.string().min(1),
  function: z
    .looseObject({
      name: z.string().regex(TOOL_NAME, 'must be 1-64 letters, digits, _ or -'),
      description: z.string().optional(),
      parameters: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
});

// The type's own `error` would also replace the bounds' messages: each bound says the range itself.
const range = ([min, max]: readonly [number, number]) => {
  const between = `must be between ${min} and ${max}`;
  return z.number({ error: 'must be a number' }).min(min, between).max(max, between);
};
const positiveInt = z
  .number({ error: 'must be an integer' })
  .int('must be an integer')
  .min(1, 'must be at least 1');

export const chatRequestSchema = z.looseObject({
  model: modelId,
  messages: z
    .array(message, { error: 'must be an array of messages' })
    .min(1, 'must contain at least one message'),
  stream: z.boolean({ error: 'must be a boolean' }).nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  tools: z.array(tool).max(MAX_TOOLS).nullish(),
  temperature: range(RANGES.temperature).nullish(),
  top_p: range(RANGES.top_p).nullish(),
  n: z.number().int().min(INT_RANGES.n[0]).max(INT_RANGES.n[1]).nullish(),
  max_tokens: positiveInt.nullish(),
  max_completion_tokens: positiveInt.nullish(),
  presence_penalty: range(RANGES.presence_penalty).nullish(),
  frequency_penalty: range(RANGES.frequency_penalty).nullish(),
  top_logprobs: z.number().int().min(INT_RANGES.top_logprobs[0]).max(INT_RANGES.top_logprobs[1]).nullish(),
  seed: z.number().int().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(MAX_STOP)]).nullish(),
  response_format: z.looseObject({ type: z.string().min(1) }).nullish(),
});

export function includeUsageOf(chat: ChatRequest): boolean {
  return chat.stream === true && chat.stream_options?.include_usage === true;
}
