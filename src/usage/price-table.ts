import { z } from 'zod';
import type { Usage } from '../providers/types.js';
import bundled from './prices.json' with { type: 'json' };

/**
 * Model prices in USD per million tokens: the bundled `prices.json` (each entry dated and
 * sourced), overridden model by model by an operator's PRICES_FILE. A model without a price is
 * unpriced: its cost is unknown, never $0.
 */
export interface ModelPrice {
  input: number;
  output: number;
  /** Rate for prompt tokens served from the provider's cache; the input rate when absent. */
  cachedInput?: number;
}

const rate = z.number({ error: 'must be a number' }).min(0, 'must be 0 or more');
const entry = z.object({
  input: rate.nullable(),
  output: rate.nullable(),
  cachedInput: rate.nullish(),
  date: z.string().optional(),
  source: z.string().optional(),
});
const priceFileSchema = z.object({ models: z.record(z.string().min(1), entry) });
export type PriceFile = z.infer<typeof priceFileSchema>;

export interface PriceTable {
  /** The price of the first of `ids` the table knows (ids as asked, as routed, as sent upstream). */
  find(ids: readonly string[]): ModelPrice | undefined;
  /** The highest input and output rates in the table: what an unpriced call is reserved at. */
  readonly ceiling: ModelPrice;
}

/** Lookups ignore case and `.` vs `-` (OpenRouter writes `claude-sonnet-4.5`, Anthropic `claude-sonnet-4-5`). */
const normaliseModelId = (id: string) => id.toLowerCase().replaceAll('.', '-');

/** Checks an operator's price file; the message names the bad field. */
export function parsePriceFile(json: unknown): PriceFile {
  const parsed = priceFileSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`price file: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
}

export function createPriceTable(overrides?: PriceFile): PriceTable {
  const prices = new Map<string, ModelPrice | null>();
  for (const file of [bundled as PriceFile, overrides]) {
    for (const [id, e] of Object.entries(file?.models ?? {})) {
      const price =
        e.input === null || e.output === null
          ? null
          : {
              input: e.input,
              output: e.output,
              ...(e.cachedInput == null ? {} : { cachedInput: e.cachedInput }),
            };
      prices.set(normaliseModelId(id), price);
    }
  }
  const ceiling = { input: 0, output: 0 };
  for (const p of prices.values()) {
    if (!p) continue;
    ceiling.input = Math.max(ceiling.input, p.input);
    ceiling.output = Math.max(ceiling.output, p.output);
  }
  return {
    find(ids) {
      for (const id of ids) {
        const key = normaliseModelId(id);
        if (prices.has(key)) return prices.get(key) ?? undefined;
      }
      return undefined;
    },
    ceiling,
  };
}

/** Tokens served from the provider's cache, and reasoning tokens, as OpenAI's usage details name them. */
export const cachedTokensOf = (u: Usage) => u.prompt_tokens_details?.cached_tokens ?? 0;
export const reasoningTokensOf = (u: Usage) => u.completion_tokens_details?.reasoning_tokens ?? 0;

/** USD for these token counts: cached prompt tokens at the cached rate, the rest at the input rate. */
export function priceTokens(
  price: ModelPrice,
  tokens: { prompt: number; cached: number; completion: number },
): number {
  const cached = Math.min(tokens.cached, tokens.prompt);
  return (
    ((tokens.prompt - cached) * price.input +
      cached * (price.cachedInput ?? price.input) +
      tokens.completion * price.output) /
    1_000_000
  );
}
