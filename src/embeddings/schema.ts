import { z } from 'zod';
import { modelId } from '../chat/schema.js';

/**
 * `POST /v1/embeddings` (OpenAI's shape: https://platform.openai.com/docs/api-reference/embeddings).
 * What the gateway relies on is checked; other fields pass through to OpenAI-compatible providers.
 */
const tokens = z.array(z.number().int().min(0)).min(1, 'must not be empty');

export const embeddingsRequestSchema = z.looseObject({
  model: modelId,
  input: z.union(
    [
      z.string(),
      z.array(z.string()).min(1, 'must not be empty').max(2048, 'must hold at most 2048 inputs'),
      tokens,
      z.array(tokens).min(1, 'must not be empty').max(2048, 'must hold at most 2048 inputs'),
    ],
    { error: 'must be a string, an array of strings, or token arrays' },
  ),
  encoding_format: z.enum(['float', 'base64'], { error: 'must be "float" or "base64"' }).optional(),
  dimensions: z.number().int('must be an integer').min(1, 'must be at least 1').optional(),
  user: z.string().optional(),
});

export type EmbeddingsRequest = z.output<typeof embeddingsRequestSchema>;

/** The inputs as a list of texts, or null when they are token arrays. */
export function inputTexts(req: EmbeddingsRequest): string[] | null {
  const { input } = req;
  if (typeof input === 'string') return [input];
  if (input.every((i) => typeof i === 'string')) return input as string[];
  return null;
}
