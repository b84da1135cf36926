import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeProvider, startFakeOpenAICompatible } from '../../fakes/openai-compatible-server.js';
import { createTestDatabase, PG_ADMIN_URL, type TestDatabase } from '../helpers/databases.js';
import { fakeKey } from '../helpers/keys.js';
import { baseEnv, startGatewayProcess } from '../helpers/spawn-gateway.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** PostgreSQL behind a proxy the test cuts and restores: the gateway's answers while it is away. */
const PASSWORD = 'hunter2-never-logged';

describe('a database that stops answering at run time', () => {
  let proxy: TcpProxy;
  let database: TestDatabase;
  let fake: FakeProvider;
  let t: TestApp;
  let jwt: string;
  let gwt: string;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const pg = new URL(PG_ADMIN_URL);
    proxy = await startTcpProxy({ host: pg.hostname, port: Number(pg.port || 5432) });
    const proxied = new URL(database.url);
    proxied.port = String(proxy.port);
    proxied.password = PASSWORD;
    fake = await startFakeOpenAICompatible({ flavour: 'openai' });
    t = await createTestApp('sqlite', {
      DATABASE_URL: proxied.href,
      OPENAI_BASE_URL: fake.baseUrl,
      KEY_CACHE_TTL_MS: '0',
      RATE_LIMIT_RPM: '0',
    });
    jwt = await t.jwt('outage-user');
    const stored = await t.request('/api/user/api-keys', {
      method: 'POST',
      token: jwt,
      json: { provider: 'openai', apiKey: fakeKey('openai') },
    });
    expect(stored.status).toBe(201);
    const minted = await t.request('/api/user/tokens', { method: 'POST', token: jwt, json: { name: 'sdk' } });
    gwt = (await minted.json()).token;
  });
  afterAll(async () => {
    await proxy.restore();
    await t.close();
    await proxy.close();
    await fake.close();
    await database.drop();
  });

  const chat = (token: string) =>
    t.request('/v1/chat/completions', {
      method: 'POST',
      token,
      json: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] },
    });
  const routes: [string, () => Promise<Response>][] = [
    ['GET /readyz', () => t.request('/readyz')],
    ['GET /api/user/api-keys', () => t.request('/api/user/api-keys', { token: jwt })],
    [
      'POST /api/user/api-keys',
      () =>
        t.request('/api/user/api-keys', {
          method: 'POST',
          token: jwt,
          json: { provider: 'openrouter', apiKey: fakeKey('openrouter') },
        }),
    ],
    ['GET /api/user/tokens', () => t.request('/api/user/tokens', { token: jwt })],
    ['POST /v1/chat/completions with a JWT', () => chat(jwt)],
    ['POST /v1/chat/completions with a gwt_ token', () => chat(gwt)],
    ['GET /v1/models', () => t.request('/v1/models', { token: jwt })],
  ];

  it('answers 503 database_unavailable with Retry-After on every route that needs it, logging why and where', async () => {
    expect((await chat(jwt)).status).toBe(200);
    await proxy.cut();
    for (const [name, call] of routes) {
      const res = await call();
      expect({ name, status: res.status }).toEqual({ name, status: 503 });
      expect(res.headers.get('retry-after')).toBe('5');
      expect((await res.json()).error.code).toBe('database_unavailable');
    }
    const logs = t.logs.join('\n');
    const outage = t.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'database unavailable');
    // Refused when a new connection is tried, terminated when a pooled one was dropped: either way, named.
    expect(outage?.level).toBe('error');
    expect(['ECONNREFUSED', 'connection terminated']).toContain(outage?.cause);
    expect(outage?.target).toMatch(new RegExp(`^127\\.0\\.0\\.1:${proxy.port}`));
    expect(logs).not.toContain(PASSWORD);
    expect(logs).not.toContain('unhandled error');
    expect(fake.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(1);
  });

  it('recovers by itself once the database answers again', async () => {
    await proxy.restore();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await t.request('/api/user/api-keys', { token: jwt })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    expect((await chat(gwt)).status).toBe(200);
    expect((await t.request('/readyz')).status).toBe(200);
    expect(t.logs.some((l) => JSON.parse(l).msg === 'database reachable again')).toBe(true);
  });
});

describe('a database that cannot be reached at start-up', () => {
  it('stops with exit 1 and a message naming DATABASE_URL, the address and the cause, without the password', async () => {
    const failure = await startGatewayProcess({
      cwd: process.cwd(),
      env: baseEnv({
        API_KEY_ENCRYPTION_SECRET: 'test-encryption-secret-long-enough-0123456789',
        JWT_SECRET: 'test-jwt-secret-that-is-long-enough-0123456789',
        DATABASE_URL: `postgres://gateway:${PASSWORD}@127.0.0.1:1/gateway`,
      }),
    }).then(
      () => 'started',
      (err: Error) => err.message,
    );
    expect(failure).toMatch(/exited with 1/);
    expect(failure).toContain('DATABASE_URL: cannot connect to 127.0.0.1:1 (ECONNREFUSED)');
    expect(failure).not.toContain(PASSWORD);
  });
});
