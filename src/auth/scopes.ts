import type { MiddlewareHandler } from 'hono';
import { insufficientScope } from '../errors.js';
import type { AppEnv } from '../http/app-env.js';

/**
 * What a gateway token may do. A JWT from the host application has every scope; a token has the
 * ones it was minted with (default `chat`). Which route needs which is declared in app.ts.
 */
export const SCOPES = ['chat', 'keys:read', 'keys:write', 'usage:read', 'audit:read'] as const;
export type Scope = (typeof SCOPES)[number];

export const ALL_SCOPES: ReadonlySet<Scope> = new Set(SCOPES);
export const DEFAULT_TOKEN_SCOPES: Scope[] = ['chat'];

/** Stored form: space-separated, as OAuth writes scopes. Unknown words are dropped. */
export function parseScopes(stored: string): ReadonlySet<Scope> {
  const known = new Set<string>(SCOPES);
  return new Set(stored.split(' ').filter((s): s is Scope => known.has(s)));
}

export function formatScopes(scopes: Iterable<Scope>): string {
  const set = new Set(scopes);
  return SCOPES.filter((s) => set.has(s)).join(' ');
}

/** Refuses a caller (set by `authenticate` before it) that lacks `scope`. */
export function requireScope(scope: Scope): MiddlewareHandler<AppEnv> {
  return async function requireScopeMiddleware(c, next) {
    if (!c.get('caller').scopes.has(scope)) throw insufficientScope(scope);
    await next();
  };
}
