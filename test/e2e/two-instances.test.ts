import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeProvider, startFakeOpenAICompatible } from '../../fakes/openai-compatible-server.js';
import { TEST_ENCRYPTION_SECRET, TEST_JWT_SECRET } from '../helpers/config.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { fakeKey } from '../helpers/keys.js';
import { baseEnv, type GatewayProcess, startGatewayProcess } from '../helpers/spawn-gateway.js';
import { signTestJwt } from '../helpers/test-app.js';

/**
 * Two gateway processes on one PostgreSQL and one Redis, as a fleet behind a load balancer runs:
 * they start together on an empty database, share keys, key changes and the per-user limits.
 */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const KEY_CACHE_TTL_MS = 400;
const RATE_LIMIT_RPM = 6;
const MANAGEMENT_RATE_LIMIT_RPM = 5;

describe('two gateway instances on one PostgreSQL and one Redis', () => {
  let database: TestDatabase;
  let fake: FakeProvider;
  let a: GatewayProcess;
  let b: GatewayProcess;
  const dir = mkdtempSync(join(tmpdir(), 'byok-fleet-'));

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    fake = await startFakeOpenAICompatible({ flavour: 'openai' });
    const env = baseEnv({
      API_KEY_ENCRYPTION_SECRET: TEST_ENCRYPTION_SECRET,
      JWT_SECRET: TEST_JWT_SECRET,
      DATABASE_URL: database.url,
      REDIS_URL,
      OPENAI_BASE_URL: fake.baseUrl,
      KEY_CACHE_TTL_MS: String(KEY_CACHE_TTL_MS),
      RATE_LIMIT_RPM: String(RATE_LIMIT_RPM),
      MANAGEMENT_RATE_LIMIT_RPM: String(MANAGEMENT_RATE_LIMIT_RPM),
    });
    // Both at once, on a database with no tables yet.
    [a, b] = await Promise.all([
      startGatewayProcess({ cwd: dir, env }),
      startGatewayProcess({ cwd: dir, env }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await fake?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A user of our own: Redis is shared with other test runs. */
  const user = async (name: string) => signTestJwt(`${name}-${crypto.randomUUID()}`);
  const call = (gw: GatewayProcess, jwt: string, path: string, method = 'GET', json?: unknown) =>
    fetch(`${gw.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
  const chat = (gw: GatewayProcess, jwt: string) =>
    call(gw, jwt, '/v1/chat/completions', 'POST', {
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
    });
  const store = async (gw: GatewayProcess, jwt: string, keyName: string) => {
    const apiKey = fakeKey('openai');
    const res = await call(gw, jwt, '/api/user/api-keys', 'POST', { provider: 'openai', apiKey, keyName });
    expect(res.status).toBe(201);
    return { id: (await res.json()).id as string, apiKey };
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('both start together on an empty database, each migration applied once', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query(
      'SELECT name, count(*)::int AS n FROM schema_migrations GROUP BY name',
    );
    await client.end();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect((await fetch(`${a.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${b.url}/readyz`)).status).toBe(200);
  });

  it('uses through one instance a key stored through the other', async () => {
    const jwt = await user('shared');
    const { apiKey } = await store(a, jwt, 'k');
    const res = await chat(b, jwt);
    expect(res.status).toBe(200);
    expect(fake.requests.at(-1)?.key).toBe(apiKey);
  });

  it('stops using a key deactivated, or deleted, through the other instance within KEY_CACHE_TTL_MS', async () => {
    const jwt = await user('revoked');
    const first = await store(a, jwt, 'first');
    expect((await chat(b, jwt)).status).toBe(200); // B now holds the user's keys in its cache
    expect((await call(a, jwt, `/api/user/api-keys/${first.id}`, 'PATCH', { isActive: false })).status).toBe(
      200,
    );
    await sleep(KEY_CACHE_TTL_MS + 50);
    expect((await chat(b, jwt)).status).toBe(403);

    const second = await store(a, jwt, 'second');
    await sleep(KEY_CACHE_TTL_MS + 50);
    expect((await chat(b, jwt)).status).toBe(200);
    expect(fake.requests.at(-1)?.key).toBe(second.apiKey);
    expect((await call(a, jwt, `/api/user/api-keys/${second.id}`, 'DELETE')).status).toBe(204);
    await sleep(KEY_CACHE_TTL_MS + 50);
    expect((await chat(b, jwt)).status).toBe(403);
  });

  it('counts one per-user budget across both instances, for /v1 and for key API writes', async () => {
    const jwt = await user('limited');
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT_RPM + 1; i++)
      statuses.push((await call(i % 2 ? b : a, jwt, '/v1/models')).status);
    expect(statuses).toEqual([...Array(RATE_LIMIT_RPM).fill(200), 429]);

    const writes: number[] = [];
    for (let i = 0; i < MANAGEMENT_RATE_LIMIT_RPM + 1; i++) {
      const res = await call(i % 2 ? b : a, jwt, '/api/user/api-keys', 'POST', {
        provider: 'openai',
        apiKey: fakeKey('openai'),
        keyName: `k${i}`,
      });
      writes.push(res.status);
    }
    expect(writes).toEqual([...Array(MANAGEMENT_RATE_LIMIT_RPM).fill(201), 429]);
  });
});
