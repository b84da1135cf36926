import type { ProviderId } from '../config.js';
import { anthropicAdapter } from './anthropic/index.js';
import { googleAdapter } from './google/index.js';
import { openAICompatibleAdapter } from './openai-compatible/index.js';
import type { ProviderAdapter } from './types.js';

/**
 * Which adapter speaks to which provider. OpenAI, Meta and OpenRouter share the pass-through
 * adapter; Anthropic and Google are translated. A provider missing here would be reached through
 * OpenRouter only (pick-key consults NATIVE_PROVIDERS).
 */
const ADAPTERS: Partial<Record<ProviderId, ProviderAdapter>> = {
  openai: openAICompatibleAdapter,
  anthropic: anthropicAdapter,
  google: googleAdapter,
  meta: openAICompatibleAdapter,
  openrouter: openAICompatibleAdapter,
};

export const NATIVE_PROVIDERS: ReadonlySet<ProviderId> = new Set(Object.keys(ADAPTERS) as ProviderId[]);

export function adapterFor(provider: ProviderId): ProviderAdapter {
  const adapter = ADAPTERS[provider];
  if (!adapter) throw new Error(`no adapter for ${provider}`);
  return adapter;
}
