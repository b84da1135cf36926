import { notFound } from '../errors.js';
import type { Provider } from '../providers/kit/providers.js';

/**
 * Where a model id goes: the provider whose own API serves it, the id that API expects, and the
 * id OpenRouter knows it by (the fallback). See README "Chat".
 */
export interface ModelRoute {
  provider: Provider;
  nativeModel: string;
  openrouterModel: string;
}

const PREFIXES: [prefix: string, provider: Provider, openrouterVendor: string][] = [
  ['openai/', 'openai', 'openai'],
  ['anthropic/', 'anthropic', 'anthropic'],
  ['google/', 'google', 'google'],
  ['meta-llama/', 'meta', 'meta-llama'],
  ['meta/', 'meta', 'meta-llama'],
];

const FAMILIES: [pattern: RegExp, provider: Provider, openrouterVendor: string][] = [
  [/^(gpt-|chatgpt-|o1|o3|o4|text-embedding-(?:3|ada))/i, 'openai', 'openai'],
  [/^claude-/i, 'anthropic', 'anthropic'],
  [/^gemini-/i, 'google', 'google'],
  [/^llama/i, 'meta', 'meta-llama'],
];

export function routeModel(model: string): ModelRoute {
  for (const [prefix, provider, vendor] of PREFIXES) {
    if (model.startsWith(prefix)) {
      const nativeModel = model.slice(prefix.length);
      return { provider, nativeModel, openrouterModel: `${vendor}/${nativeModel}` };
    }
  }
  if (model.startsWith('openrouter/')) {
    const rest = model.slice('openrouter/'.length);
    // `openrouter/auto` is itself an OpenRouter model id; `openrouter/x/y` means `x/y` via OpenRouter.
    const id = rest.includes('/') ? rest : model;
    return { provider: 'openrouter', nativeModel: id, openrouterModel: id };
  }
  if (model.includes('/')) return { provider: 'openrouter', nativeModel: model, openrouterModel: model };
  for (const [pattern, provider, vendor] of FAMILIES) {
    if (pattern.test(model)) return { provider, nativeModel: model, openrouterModel: `${vendor}/${model}` };
  }
  throw notFound(
    'model_not_found',
    `Unknown model '${model}': use a provider prefix (openai/, anthropic/, google/, meta-llama/ or meta/, openrouter/) or a vendor/model id.`,
    'model',
  );
}
