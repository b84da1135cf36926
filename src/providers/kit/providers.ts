/**
 * The providers a user can store a key for, and how the gateway names them to people. The one
 * provider type of the codebase: config (base URLs), the vault (key formats), routing and the
 * adapters all use it.
 */
export const PROVIDERS = ['openrouter', 'openai', 'anthropic', 'meta', 'google'] as const;
export type Provider = (typeof PROVIDERS)[number];

const LABELS: Record<Provider, string> = {
  openrouter: 'OpenRouter',
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  meta: 'Meta Llama',
  google: 'Google Gemini',
};

export function providerLabel(p: Provider): string {
  return LABELS[p];
}
