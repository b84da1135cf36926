/** How error messages name a provider ("OpenAI", "OpenRouter", "Meta Llama"). */
import { providerLabel } from '../../vault/key-formats.js';
import type { ProviderId } from '../types.js';

export function providerName(provider: ProviderId): string {
  return providerLabel(provider);
}
