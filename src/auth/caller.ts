import type { MiddlewareHandler } from 'hono';
import type { Kysely } from 'kysely';
import type { SystemKeyPolicy } from '../config.js';
import { forbidden, unauthorized } from '../errors.js';
import type { AppEnv } from '../http/app-env.js';
import type { Database } from '../store/schema.js';
import type { TouchCoalescer } from '../usage/touch-coalescer.js';
import type { Caller } from './caller-type.js';
import type { JwtVerifier } from './jwt.js';
import { orgOf } from './org.js';
import { ALL_SCOPES } from './scopes.js';
import { hashToken, looksLikeToken, TOKEN_PREFIX } from './tokens.js';
import { findLiveTokenByHash } from './tokens-repo.js';

export interface AuthOptions {
  verifyJwt: JwtVerifier;
  db: Kysely<Database>;
  tokenTouches: TouchCoalescer;
  clock: () => Date;
  systemKey: Pick<SystemKeyPolicy, 'access' | 'claim'>;
  /** ORG_CLAIM and ORG_ROLE_CLAIM. */
  orgClaims: { org: string; role: string };
  /** Called with every JWT's user and organisation: takes the organisation from tokens of one they left. */
  orgSync?: (userId: string, orgId: string | undefined) => Promise<void>;
}

const BEARER = /^Bearer[ ]+([^\s]+)\s*$/i;

/** Resolves `Authorization: Bearer …` to a caller: a `gwt_` token by hash lookup, anything else as a JWT. */
async function resolveCaller(header: string | undefined, opts: AuthOptions): Promise<Caller> {
  const match = header ? BEARER.exec(header) : null;
  const credential = match?.[1];
  if (!credential) throw unauthorized('Missing bearer credential: send Authorization: Bearer <token>.');
  const { access, claim } = opts.systemKey;
  if (credential.startsWith(TOKEN_PREFIX)) {
    if (!looksLikeToken(credential)) throw unauthorized('Invalid token.');
    const found = await findLiveTokenByHash(opts.db, await hashToken(credential));
    if (!found) throw unauthorized('Invalid token.');
    const now = opts.clock();
    if (found.expiresAt !== null && found.expiresAt <= now.getTime())
      throw unauthorized('Token has expired.', 'token_expired');
    opts.tokenTouches.touch(found.id, now);
    // Under `claim` only a JWT carries the claim: a token never reaches the system key.
    return {
      userId: found.userId,
      via: 'token',
      tokenId: found.id,
      scopes: found.scopes,
      systemKey: access === 'all',
      ...(found.orgId ? { org: { orgId: found.orgId, role: 'member' as const } } : {}),
    };
  }
  const jwt = await opts.verifyJwt(credential);
  const systemKey = access === 'all' || (access === 'claim' && jwt.claims[claim] === true);
  const org = orgOf(jwt.claims, opts.orgClaims);
  await opts.orgSync?.(jwt.sub, org?.orgId);
  return { userId: jwt.sub, via: 'jwt', scopes: ALL_SCOPES, systemKey, ...(org ? { org } : {}) };
}

/**
 * `apiKeyHeader`: also take the credential from `x-api-key` when there is no Authorization header
 * (Anthropic's clients send their key there; `/v1/messages` only).
 */
export function authenticate(
  opts: AuthOptions,
  { jwtOnly = false, apiKeyHeader = false } = {},
): MiddlewareHandler<AppEnv> {
  return async function authenticateMiddleware(c, next) {
    const apiKey = apiKeyHeader ? c.req.header('x-api-key') : undefined;
    const header = c.req.header('authorization') ?? (apiKey ? `Bearer ${apiKey}` : undefined);
    const caller = await resolveCaller(header, opts);
    if (jwtOnly && caller.via !== 'jwt') {
      throw forbidden(
        'jwt_required',
        'Gateway tokens are managed with a JWT from the host application, not with a gateway token.',
      );
    }
    c.set('caller', caller);
    await next();
  };
}
