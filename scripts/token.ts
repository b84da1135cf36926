import { resolve } from 'node:path';
import { SignJWT } from 'jose';
import { durationSeconds } from '../src/config-checks.js';
import { readEnvFile, withGeneratedSecrets } from '../src/node/env-file.js';

/**
 * `npm run token -- <userId> [--ttl 1h] [--org <orgId> [--admin]]`: a JWT for local use, signed like
 * the host application would; `--org` puts the caller in an organisation (ORG_CLAIM, and
 * ORG_ROLE_CLAIM `admin` with `--admin`, else `member`).
 */
function usage(message: string): never {
  console.error(`${message}\nusage: npm run token -- <userId> [--ttl 1h] [--org <orgId> [--admin]]`);
  process.exit(1);
}

const args = process.argv.slice(2);
const flagValue = (flag: string) => {
  const at = args.indexOf(flag);
  return at >= 0 ? (args[at + 1] ?? usage(`${flag} takes a value.`)) : undefined;
};
const ttl = flagValue('--ttl') ?? '1h';
const orgId = flagValue('--org');
const flagValues = new Set(['--ttl', '--org'].map((f) => args.indexOf(f) + 1).filter((i) => i > 0));
const userId = args.find((a, i) => !a.startsWith('--') && !flagValues.has(i));
if (!userId) usage('A user id is required.');
if (args.includes('--admin') && !orgId) usage('--admin needs --org.');
if (!/^\d+\s*(s|m|h|d)$/.test(ttl)) usage('--ttl takes a duration such as 30m, 1h or 7d.');

const envPath = resolve('.env');
const { env, generated } = withGeneratedSecrets({ ...readEnvFile(envPath), ...process.env }, envPath);
if (generated.length > 0) console.error(`Generated ${generated.join(' and ')} and saved to ${envPath}.`);
const maxAge = durationSeconds(env.JWT_MAX_AGE || '24h');
if (maxAge !== undefined && (durationSeconds(ttl) ?? 0) > maxAge)
  usage(`--ttl ${ttl} is longer than JWT_MAX_AGE (${maxAge} s): the gateway would refuse the token.`);
if (!env.JWT_SECRET)
  usage('JWT_SECRET is not set (with JWT_JWKS_URL, tokens come from your identity provider).');

const orgClaims = orgId
  ? {
      [env.ORG_CLAIM || 'org_id']: orgId,
      [env.ORG_ROLE_CLAIM || 'org_role']: args.includes('--admin') ? 'admin' : 'member',
    }
  : {};
let jwt = new SignJWT(orgClaims)
  .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
  .setSubject(userId)
  .setIssuedAt()
  .setExpirationTime(ttl);
if (env.JWT_ISSUER) jwt = jwt.setIssuer(env.JWT_ISSUER);
if (env.JWT_AUDIENCE) jwt = jwt.setAudience(env.JWT_AUDIENCE);
process.stdout.write(`${await jwt.sign(new TextEncoder().encode(env.JWT_SECRET))}\n`);
