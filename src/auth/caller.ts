import type { MiddlewareHandler } from 'hono';
import type { Kysely } from 'kysely';
import { forbidden, unauthorized } from '../errors.js';
import type { AppEnv } from '../http/app-env.js';
import type { Database } from '../store/schema.js';
import type { TouchCoalescer } from '../usage/touch-coalescer.js';
import type { JwtVerifier } from './jwt.js';
import { hashToken, looksLikeToken, TOKEN_PREFIX } from './tokens.js';
import { findLiveTokenByHash } from './tokens-repo.js';

export interface Caller {
  userId: string;
  via: 'jwt' | 'token';
  tokenId?: string;
}

export interface AuthOptions {
  verifyJwt: JwtVerifier;
  db: Kysely<Database>;
  tokenTouches: TouchCoalescer;
  clock: () => Date;
}

const BEARER = /^Bearer[ ]+([^\s]+)\s*$/i;

/** Resolves `Authorization: Bearer …` to a caller: a `gwt_` token by hash lookup, anything else as a JWT. */
export async function resolveCaller(header: string | undefined, opts: AuthOptions): Promise<Caller> {
  const match = header ? BEARER.exec(header) : null;
  const credential = match?.[1];
  if (!credential) throw unauthorized('Missing bearer credential: send Authorization: Bearer <token>.');
  if (credential.startsWith(TOKEN_PREFIX)) {
    if (!looksLikeToken(credential)) throw unauthorized('Invalid token.');
    const found = await findLiveTokenByHash(opts.db, await hashToken(credential));
    if (!found) throw unauthorized('Invalid token.');
    opts.tokenTouches.touch(found.id, opts.clock());
    return { userId: found.userId, via: 'token', tokenId: found.id };
  }
  return { userId: await opts.verifyJwt(credential), via: 'jwt' };
}

export function authenticate(opts: AuthOptions, { jwtOnly = false } = {}): MiddlewareHandler<AppEnv> {
  return async function authenticateMiddleware(c, next) {
    const caller = await resolveCaller(c.req.header('authorization'), opts);
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
