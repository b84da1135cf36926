import { SCOPES, type Scope } from '../auth/scopes.js';
import { PROVIDERS, type Provider, providerLabel } from '../providers/kit/providers.js';
import { keyFormatHint } from '../vault/key-formats.js';

/**
 * What the page needs to know of the server's vocabulary — providers with their key formats, and
 * token scopes — handed to it in the page itself (a data attribute), so the client bundle never
 * copies these lists and never goes stale when they change.
 */
export interface PageConfig {
  providers: { id: Provider; label: string; hint: string }[];
  scopes: { id: Scope; text: string }[];
}

const SCOPE_TEXT: Record<Scope, string> = {
  chat: 'chat — call the OpenAI-compatible API (/v1)',
  'keys:read': 'keys:read — list your keys (previews only)',
  'keys:write': 'keys:write — add, change and delete keys',
  'usage:read': 'usage:read — read usage and spend',
  'audit:read': 'audit:read — read your audit log',
};

export function pageConfig(): PageConfig {
  return {
    providers: PROVIDERS.map((id) => ({ id, label: providerLabel(id), hint: keyFormatHint(id) })),
    scopes: SCOPES.map((id) => ({ id, text: SCOPE_TEXT[id] })),
  };
}

/** JSON for an HTML attribute value in double quotes. */
export function attributeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[&"'<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}
