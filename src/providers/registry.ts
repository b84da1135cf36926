import { anthropicAdapter } from './anthropic/index.js';
import { googleAdapter } from './google/index.js';
import { PROVIDERS, type Provider } from './kit/providers.js';
import { openAICompatibleAdapter } from './openai-compatible/index.js';
import type { ProviderAdapter } from './types.js';

/**
 * Which adapter speaks to which provider. OpenAI, Meta and OpenRouter share the pass-through
 * adapter; Anthropic and Google are translated. A provider missing here would be reached through
 * OpenRouter only (key choice, src/chat/key-attempts.ts, consults NATIVE_PROVIDERS).
 */
const ADAPTERS: Partial<Record<Provider, ProviderAdapter>> = {
  openai: openAICompatibleAdapter,
  anthropic: anthropicAdapter,
  google: googleAdapter,
  meta: openAICompatibleAdapter,
  openrouter: openAICompatibleAdapter,
};

export const NATIVE_PROVIDERS: ReadonlySet<Provider> = new Set(PROVIDERS.filter((p) => ADAPTERS[p]));

export function adapterFor(provider: Provider): ProviderAdapter {
  const adapter = ADAPTERS[provider];
  if (!adapter) throw new Error(`no adapter for ${provider}`);
  return adapter;
}
