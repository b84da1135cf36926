import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { Config } from '../config.js';
import { authUnavailable, GatewayError, unauthorized } from '../errors.js';
import { utf8Encode } from '../util/encoding.js';

/** A verified JWT: its subject (the user id) and every claim, read once where the caller is built. */
interface VerifiedJwt {
  sub: string;
  claims: JWTPayload;
}

export type JwtVerifier = (token: string) => Promise<VerifiedJwt>;

const CLOCK_TOLERANCE_S = 30;
/** Verified tokens remembered at once; a client sends the same JWT on every call until it expires. */
const VERIFIED_CACHE_SIZE = 10_000;
/** Asymmetric algorithms a JWKS may use; HS* is never accepted with a JWKS (no key confusion). */
const JWKS_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/**
 * JWT_MAX_AGE bounds what a stolen token is worth: `exp − iat` (or `exp − now` without `iat`) above
 * it is refused, and so is an `iat` in the future (a clock that far off, or a forged claim).
 */
function checkLifetime(iat: number | undefined, exp: number, maxAgeSeconds: number): void {
  const now = Date.now() / 1000;
  if (iat !== undefined && iat > now + CLOCK_TOLERANCE_S)
    throw unauthorized('Token was issued in the future.');
  if (exp - (iat ?? now) > maxAgeSeconds + CLOCK_TOLERANCE_S)
    throw unauthorized(
      `Token lives longer than this gateway accepts (${maxAgeSeconds} s).`,
      'token_lifetime_too_long',
    );
}

/**
 * Builds the verifier once: HS256 with JWT_SECRET, or the JWKS (fetched and cached by jose,
 * from the configured URL only). Returns the subject and the verified claims.
 */
export function createJwtVerifier(jwt: Config['jwt']): JwtVerifier {
  // The HMAC key is imported once: handing jose raw bytes makes it re-import them on every
  // verification, which costs about three times the verification itself.
  const key: Promise<CryptoKey> | JWTVerifyGetKey = jwt.jwksUrl
    ? createRemoteJWKSet(new URL(jwt.jwksUrl))
    : crypto.subtle.importKey('raw', utf8Encode(jwt.secret ?? ''), { name: 'HMAC', hash: 'SHA-256' }, false, [
        'verify',
      ]);
  const algorithms = jwt.jwksUrl ? JWKS_ALGORITHMS : ['HS256'];

  // token → its subject and expiry. Only tokens that passed full verification enter, and each
  // leaves at its own `exp` (jose would accept 30 s more), so a hit answers exactly as jose would,
  // minus ~25 µs of HMAC or RSA per request. A key dropped from the JWKS stops new tokens at once;
  // tokens it already verified live until their exp, as with jose's own key cache.
  const verified = new Map<string, { jwt: VerifiedJwt; expMs: number }>();

  return async function verifyJwt(token: string): Promise<VerifiedJwt> {
    const hit = verified.get(token);
    if (hit) {
      if (hit.expMs > Date.now()) return hit.jwt;
      verified.delete(token);
    }
    try {
      const options = {
        algorithms,
        issuer: jwt.issuer,
        audience: jwt.audience,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: CLOCK_TOLERANCE_S,
      };
      const { payload } =
        typeof key === 'function'
          ? await jwtVerify(token, key, options)
          : await jwtVerify(token, await key, options);
      const sub = payload.sub;
      if (typeof sub !== 'string' || sub.length === 0 || sub.length > 256)
        throw unauthorized('Token has no usable subject.');
      checkLifetime(payload.iat, payload.exp as number, jwt.maxAgeSeconds);
      if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value as string);
      const result = { sub, claims: payload };
      verified.set(token, { jwt: result, expMs: (payload.exp as number) * 1000 });
      return result;
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      // With a JWKS, anything that is not a verdict on the token (timeout, refused connection,
      // a broken key set) means we could not check it: 503, so clients retry rather than re-login.
      const jwksDown =
        err instanceof errors.JWKSTimeout ||
        err instanceof errors.JWKSInvalid ||
        !(err instanceof errors.JOSEError);
      if (jwt.jwksUrl && jwksDown) {
        throw authUnavailable();
      }
      if (err instanceof errors.JWTExpired) throw unauthorized('Token has expired.', 'token_expired');
      throw unauthorized('Invalid token.');
    }
  };
}
