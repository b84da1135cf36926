import type { Provider } from '../providers/kit/providers.js';

/**
 * Well-known models per provider, as `GET /v1/models` lists them. Data only: add a line when a
 * provider ships a model. Any other id that routes (README "Chat") works too; this list is
 * what clients see, not a gate.
 */
export interface CatalogModel {
  id: string;
  provider: Exclude<Provider, 'openrouter'> | 'openrouter';
  /** Unix seconds, as OpenAI's `created`; the date the entry was added here when unknown. */
  created: number;
}

const ADDED = 1_764_000_000;

export const MODELS_CATALOG: readonly CatalogModel[] = [
  { id: 'openai/gpt-4o', provider: 'openai', created: 1_715_367_049 },
  { id: 'openai/gpt-4o-mini', provider: 'openai', created: 1_721_172_741 },
  { id: 'openai/gpt-4.1', provider: 'openai', created: 1_744_316_542 },
  { id: 'openai/gpt-4.1-mini', provider: 'openai', created: 1_744_318_173 },
  { id: 'openai/gpt-5', provider: 'openai', created: ADDED },
  { id: 'openai/gpt-5-mini', provider: 'openai', created: ADDED },
  { id: 'openai/o3', provider: 'openai', created: ADDED },
  { id: 'openai/o4-mini', provider: 'openai', created: ADDED },
  { id: 'anthropic/claude-opus-4-1', provider: 'anthropic', created: ADDED },
  { id: 'anthropic/claude-sonnet-4-5', provider: 'anthropic', created: ADDED },
  { id: 'anthropic/claude-haiku-4-5', provider: 'anthropic', created: ADDED },
  { id: 'google/gemini-2.5-pro', provider: 'google', created: ADDED },
  { id: 'google/gemini-2.5-flash', provider: 'google', created: ADDED },
  { id: 'google/gemini-2.5-flash-lite', provider: 'google', created: ADDED },
  { id: 'meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8', provider: 'meta', created: ADDED },
  { id: 'meta-llama/Llama-4-Scout-17B-16E-Instruct-FP8', provider: 'meta', created: ADDED },
  { id: 'meta-llama/Llama-3.3-70B-Instruct', provider: 'meta', created: ADDED },
  { id: 'meta-llama/Llama-3.3-8B-Instruct', provider: 'meta', created: ADDED },
  { id: 'openrouter/auto', provider: 'openrouter', created: ADDED },
  { id: 'mistralai/mistral-large', provider: 'openrouter', created: ADDED },
  { id: 'deepseek/deepseek-chat', provider: 'openrouter', created: ADDED },
  { id: 'qwen/qwen3-235b-a22b', provider: 'openrouter', created: ADDED },
];
