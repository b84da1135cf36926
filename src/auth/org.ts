import type { Context, MiddlewareHandler } from 'hono';
import type { JWTPayload } from 'jose';
import { orgAdminRequired, orgRequired } from '../errors.js';
import type { AppEnv } from '../http/app-env.js';

/** A caller's organisation and role in it, from the JWT claims ORG_CLAIM and ORG_ROLE_CLAIM. */
export interface OrgMembership {
  orgId: string;
  role: 'admin' | 'member';
}

/**
 * Reads the organisation claims of a verified JWT. An organisation id is a non-empty string of at
 * most 256 characters (anything else counts as no organisation); the role is `admin` only when the
 * claim says exactly that, `member` otherwise (an unknown value never grants more).
 */
export function orgOf(claims: JWTPayload, names: { org: string; role: string }): OrgMembership | undefined {
  const orgId = claims[names.org];
  if (typeof orgId !== 'string' || orgId.length === 0 || orgId.length > 256) return undefined;
  return { orgId, role: claims[names.role] === 'admin' ? 'admin' : 'member' };
}

/** The caller's organisation id; 403 org_required when their credential names none. */
export function callerOrgId(c: Context<AppEnv>): string {
  const org = c.get('caller').org;
  if (!org) throw orgRequired();
  return org.orgId;
}

/** `/api/org/*`: the caller must belong to an organisation (403 org_required). */
export function requireOrg(): MiddlewareHandler<AppEnv> {
  return async function requireOrgMiddleware(c, next) {
    callerOrgId(c);
    await next();
  };
}

/**
 * Writes to an organisation's keys and its usage: a JWT whose role claim is `admin`. A gateway
 * token is never an admin, whatever the JWT that minted it said (403 org_admin_required).
 */
export function requireOrgAdmin(): MiddlewareHandler<AppEnv> {
  return async function requireOrgAdminMiddleware(c, next) {
    const caller = c.get('caller');
    if (caller.via !== 'jwt' || caller.org?.role !== 'admin') throw orgAdminRequired();
    await next();
  };
}
