import type { OrgMembership } from './org.js';
import type { Scope } from './scopes.js';

/**
 * Who is calling, with what rights: built once per request from the verified credential
 * (src/auth/caller.ts) and read by later layers from the Hono context (src/http/app-env.ts). Its
 * own file so that the context type and the middleware that fills it do not import each other.
 */
export interface Caller {
  userId: string;
  via: 'jwt' | 'token';
  tokenId?: string;
  scopes: ReadonlySet<Scope>;
  /** Whether this caller may spend the system OpenRouter key (SYSTEM_KEY_ACCESS / SYSTEM_KEY_CLAIM). */
  systemKey: boolean;
  /**
   * The caller's organisation: from the JWT's ORG_CLAIM and ORG_ROLE_CLAIM, or the one a gateway
   * token was minted in (a token is always a `member`). Absent: no organisation.
   */
  org?: OrgMembership;
}
