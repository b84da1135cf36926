/**
 * What the gateway needs before it is measured: its environment (secrets, a database, every base
 * URL at the fake upstream, rate limit off, quiet logs), users with stored keys created through
 * the key API, a gateway token, and for PostgreSQL a fresh schema that is dropped afterwards.
 */
import { join } from 'node:path';
import { SignJWT } from 'jose';
import pg from 'pg';
import { baseChildEnv, makeTempDir, REPO_ROOT, type RunningProcess, startProcess } from './processes.js';

export const BENCH_JWT_SECRET = 'bench-jwt-secret-0123456789abcdef0123456789abcdef';
export const BENCH_ENCRYPTION_SECRET = 'bench-encryption-secret-0123456789abcdef01234567';
export const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function random(alphabet: string, n: number): string {
  let out = '';
  for (const b of crypto.getRandomValues(new Uint8Array(n))) out += alphabet[b % alphabet.length];
  return out;
}

/** Keys in each provider's real format (the key API validates formats). */
export const fakeKeys = {
  openai: () => `sk-proj-${random(ALNUM, 74)}T3BlbkFJ${random(ALNUM, 74)}`,
  anthropic: () => `sk-ant-api03-${random(ALNUM, 93)}AA`,
  openrouter: () => `sk-or-v1-${random('0123456789abcdef', 64)}`,
};

export function gatewayEnv(databaseUrl: string, upstreamOrigin: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    API_KEY_ENCRYPTION_SECRET: BENCH_ENCRYPTION_SECRET,
    JWT_SECRET: BENCH_JWT_SECRET,
    DATABASE_URL: databaseUrl,
    OPENAI_BASE_URL: `${upstreamOrigin}/v1`,
    ANTHROPIC_BASE_URL: `${upstreamOrigin}/v1`,
    GOOGLE_BASE_URL: `${upstreamOrigin}/v1beta`,
    META_BASE_URL: `${upstreamOrigin}/compat/v1`,
    OPENROUTER_BASE_URL: `${upstreamOrigin}/api/v1`,
    OPENROUTER_API_KEY: fakeKeys.openrouter(),
    RATE_LIMIT_RPM: '0',
    MANAGEMENT_RATE_LIMIT_RPM: '0',
    LOG_LEVEL: 'warn',
  };
}

/** `claims` beyond the subject: e.g. `{ org_id: 'acme' }` for a caller in an organisation. */
export function signJwt(userId: string, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(BENCH_JWT_SECRET));
}

async function call(url: string, jwt: string, method: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

export interface BenchUsers {
  /** Has an OpenAI and an Anthropic key. */
  withKeys: { userId: string; jwt: string; gatewayToken: string };
  /** Has no key at all: its calls take the system OpenRouter key. */
  withoutKeys: { userId: string; jwt: string };
}

export async function createBenchUsers(gatewayUrl: string): Promise<BenchUsers> {
  const userId = `bench-user-${random(ALNUM, 8)}`;
  const jwt = await signJwt(userId);
  await call(`${gatewayUrl}/api/user/api-keys`, jwt, 'POST', {
    provider: 'openai',
    apiKey: fakeKeys.openai(),
  });
  await call(`${gatewayUrl}/api/user/api-keys`, jwt, 'POST', {
    provider: 'anthropic',
    apiKey: fakeKeys.anthropic(),
  });
  const minted = (await call(`${gatewayUrl}/api/user/tokens`, jwt, 'POST', { name: 'bench' })) as {
    token?: unknown;
  };
  if (typeof minted.token !== 'string') throw new Error('token API answered without a token');
  const bareId = `bench-bare-${random(ALNUM, 8)}`;
  return {
    withKeys: { userId, jwt, gatewayToken: minted.token },
    withoutKeys: { userId: bareId, jwt: await signJwt(bareId) },
  };
}

/** A pool of JWTs for fresh users, so key creation never reaches the per-user key limit. */
export async function jwtPool(size: number): Promise<string[]> {
  const prefix = `bench-keys-${random(ALNUM, 6)}`;
  return Promise.all(Array.from({ length: size }, (_, i) => signJwt(`${prefix}-${i}`)));
}

export interface PgSchema {
  url: string;
  drop(): Promise<void>;
}

/** A fresh schema in the PostgreSQL `test` database, or the reason it could not be made. */
export async function createPgSchema(): Promise<PgSchema | string> {
  const schema = `bench_${random('abcdefghijklmnopqrstuvwxyz0123456789', 12)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
  } catch (err) {
    return `PostgreSQL not reachable at ${PG_ADMIN_URL} (${err instanceof Error ? err.message : String(err)})`;
  } finally {
    await admin.end().catch(() => undefined);
  }
  let dropped = false;
  return {
    url: `${PG_ADMIN_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    async drop() {
      if (dropped) return;
      dropped = true;
      const c = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3_000 });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

/** The gateway as `npm start` runs it, in its own temp folder (no .env), on the targets' core. */
export function startGatewayTarget(opts: {
  name: string;
  databaseUrl: string;
  upstreamOrigin: string;
  core?: number;
  nodeArgs?: string[];
}): Promise<RunningProcess> {
  return startProcess({
    name: opts.name,
    script: join(REPO_ROOT, 'src/node.ts'),
    env: baseChildEnv(gatewayEnv(opts.databaseUrl, opts.upstreamOrigin)),
    cwd: makeTempDir('byok-bench-gw-'),
    core: opts.core,
    // BENCH_GATEWAY_NODE_ARGS tries runtime flags on the gateway only (e.g. GC sizing).
    nodeArgs: [
      ...(opts.nodeArgs ?? []),
      ...(process.env.BENCH_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    ],
  });
}
