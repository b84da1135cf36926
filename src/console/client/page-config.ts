import type { Provider } from '../../providers/kit/providers.js';
import type { PageConfig } from '../page-config.js';

/** The server's providers and scopes, read once from the page (see src/console/page-config.ts). */
export const config: PageConfig = JSON.parse(document.body.dataset.console ?? '{"providers":[],"scopes":[]}');

export function providerLabel(id: Provider): string {
  return config.providers.find((p) => p.id === id)?.label ?? id;
}

export function keyFormatHint(id: string): string {
  return config.providers.find((p) => p.id === id)?.hint ?? '';
}
