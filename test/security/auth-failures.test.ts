import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_JWT_SECRET } from '../helpers/config.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Every way in without a valid credential is a 401 with one body shape, on every authenticated
 * route the app serves (read from the app itself, so a new route is covered without a new case).
 */
const secret = new TextEncoder().encode(TEST_JWT_SECRET);
const now = () => Math.floor(Date.now() / 1000);
const hs = (build: (j: SignJWT) => SignJWT, key: Uint8Array = secret) =>
  build(new SignJWT({}).setProtectedHeader({ alg: 'HS256' })).sign(key);
const valid = (j: SignJWT) => j.setSubject('alice').setIssuedAt().setExpirationTime('5m');

/** OpenAI's error shape everywhere; Anthropic's on /v1/messages, whose clients read only that. */
function expectUnauthorized(
  res: Response,
  body: { type?: string; error: Record<string, unknown> },
  what: string,
  path = '',
): void {
  expect(res.status, what).toBe(401);
  if (path.startsWith('/v1/messages')) {
    expect(body.type, what).toBe('error');
    expect(Object.keys(body.error).sort(), what).toEqual(['code', 'message', 'type']);
  } else {
    expect(Object.keys(body.error).sort(), what).toEqual(['code', 'message', 'param', 'type']);
    expect(body.error.param, what).toBeNull();
  }
  expect(body.error.type, what).toBe('authentication_error');
  expect(res.headers.get('x-should-retry'), what).toBe('false');
}

/** Every endpoint behind authentication, with a sample path. */
function protectedEndpoints(t: TestApp): { method: string; path: string }[] {
  return t.routes
    .filter((r) => r.path.startsWith('/api/') || r.path.startsWith('/v1/'))
    .map((r) => ({ method: r.method, path: r.path.replace(/:\w+/g, crypto.randomUUID()) }));
}

describe.each(DATABASE_KINDS)('authentication failures on %s', (kind) => {
  let t: TestApp;
  let revoked = '';
  let expired = '';

  beforeAll(async () => {
    t = await createTestApp(kind);
    const jwt = await t.jwt('alice');
    const created = await (
      await t.request('/api/user/tokens', { method: 'POST', token: jwt, json: { name: 'r' } })
    ).json();
    revoked = created.token;
    await t.request(`/api/user/tokens/${created.id}`, { method: 'DELETE', token: jwt });
    // A token past its expiresAt (set in the past directly: the API only accepts future times).
    const old = await (
      await t.request('/api/user/tokens', { method: 'POST', token: jwt, json: { name: 'e' } })
    ).json();
    expired = old.token;
    await t.deps.db
      .updateTable('access_tokens')
      .set({ expires_at: new Date(Date.now() - 60_000).toISOString() })
      .where('id', '=', old.id)
      .execute();
  });
  afterAll(async () => t.close());

  const headerCases: [string, string | undefined][] = [
    ['no Authorization header', undefined],
    ['an empty header', ''],
    ['Bearer and nothing', 'Bearer '],
    ['Basic credentials', `Basic ${btoa('alice:password')}`],
    ['garbage', 'Bearer !!!not-a-token!!!'],
    ['a 100 KB token', `Bearer ${'A'.repeat(100 * 1024)}`],
    ['two tokens', 'Bearer a.b.c d.e.f'],
  ];
  const tokenCases: [string, () => Promise<string>][] = [
    [
      'alg none',
      async () => new UnsecuredJWT({ sub: 'alice' }).setIssuedAt().setExpirationTime('5m').encode(),
    ],
    [
      'a wrong secret',
      () => hs(valid, new TextEncoder().encode('another-secret-that-is-long-enough-012345')),
    ],
    [
      'HS512 with the right secret',
      () => valid(new SignJWT({}).setProtectedHeader({ alg: 'HS512' })).sign(secret),
    ],
    [
      'an expired token',
      () =>
        hs((j) =>
          j
            .setSubject('alice')
            .setIssuedAt(now() - 7200)
            .setExpirationTime(now() - 3600),
        ),
    ],
    ['nbf ahead', () => hs((j) => valid(j).setNotBefore(now() + 3600))],
    ['no exp', () => hs((j) => j.setSubject('alice').setIssuedAt())],
    ['no sub', () => hs((j) => j.setIssuedAt().setExpirationTime('5m'))],
    ['an empty sub', () => hs((j) => valid(j).setSubject(''))],
    [
      'a lifetime over JWT_MAX_AGE',
      () => hs((j) => j.setSubject('alice').setIssuedAt().setExpirationTime('30d')),
    ],
    [
      'a tampered payload',
      async () => {
        const [h, , s] = (await hs(valid)).split('.');
        return `${h}.${btoa(JSON.stringify({ sub: 'bob', exp: now() + 300 })).replace(/=+$/, '')}.${s}`;
      },
    ],
    ['a revoked gwt_ token', async () => revoked],
    ['an expired gwt_ token', async () => expired],
    ['a gwt_ token of the right shape and a wrong body', async () => `gwt_${'x'.repeat(43)}`],
    ['a gwt_ token too short', async () => 'gwt_abc'],
  ];

  it.each(headerCases)('answers %s with 401 on every protected route', async (what, header) => {
    for (const e of protectedEndpoints(t)) {
      const headers: Record<string, string> = header === undefined ? {} : { authorization: header };
      const res = await t.request(e.path, {
        method: e.method,
        headers,
        json: e.method === 'GET' || e.method === 'DELETE' ? undefined : {},
      });
      expectUnauthorized(res, await res.json(), `${what}: ${e.method} ${e.path}`, e.path);
    }
  });

  it.each(tokenCases)('answers %s with 401 on every protected route', async (what, make) => {
    const token = await make();
    for (const e of protectedEndpoints(t)) {
      const res = await t.request(e.path, {
        method: e.method,
        token,
        json: e.method === 'GET' || e.method === 'DELETE' ? undefined : {},
      });
      expectUnauthorized(res, await res.json(), `${what}: ${e.method} ${e.path}`, e.path);
      if (!e.path.startsWith('/v1/messages')) continue;
      // Anthropic's clients send the credential in x-api-key: refused there the same way.
      const viaApiKey = await t.request(e.path, {
        method: e.method,
        headers: { 'x-api-key': token },
        json: {},
      });
      expectUnauthorized(viaApiKey, await viaApiKey.json(), `${what} in x-api-key: ${e.path}`, e.path);
    }
  });

  it('takes a credential from x-api-key on /v1/messages only', async () => {
    const jwt = await t.jwt('alice');
    for (const e of protectedEndpoints(t)) {
      const res = await t.request(e.path, {
        method: e.method,
        headers: { 'x-api-key': jwt },
        json: e.method === 'GET' || e.method === 'DELETE' ? undefined : {},
      });
      if (e.path.startsWith('/v1/messages')) expect(res.status, e.path).not.toBe(401);
      else expectUnauthorized(res, await res.json(), `x-api-key on ${e.method} ${e.path}`, e.path);
    }
  });
});

describe('authentication failures with a JWKS', () => {
  let server: Server;
  let t: TestApp;
  let privateKey: CryptoKey;
  let publicJwk: JWK;
  let publicPem: string;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey;
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    publicPem = await exportSPKI(pair.publicKey);
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    t = await createTestApp('sqlite', {
      JWT_SECRET: undefined,
      JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
      JWT_ISSUER: 'https://idp.test',
      JWT_AUDIENCE: 'byok',
    });
  });
  afterAll(async () => {
    await t.close();
    server.close();
  });

  const rs = (build: (j: SignJWT) => SignJWT, header: Record<string, unknown> = {}) =>
    build(new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1', ...header })).sign(privateKey);
  const good = (j: SignJWT) =>
    j
      .setSubject('carol')
      .setIssuer('https://idp.test')
      .setAudience('byok')
      .setIssuedAt()
      .setExpirationTime('5m');

  it('accepts the good token (so the refusals below are about what differs)', async () => {
    expect((await t.request('/api/user/api-keys', { token: await rs(good) })).status).toBe(200);
  });

  it.each([
    [
      'HS256 signed with the public key as PEM (key confusion)',
      () =>
        good(new SignJWT({}).setProtectedHeader({ alg: 'HS256', kid: 'k1' })).sign(
          new TextEncoder().encode(publicPem),
        ),
    ],
    [
      'HS256 signed with the public JWK as JSON',
      () =>
        good(new SignJWT({}).setProtectedHeader({ alg: 'HS256', kid: 'k1' })).sign(
          new TextEncoder().encode(JSON.stringify(publicJwk)),
        ),
    ],
    ['a wrong issuer', () => rs((j) => good(j).setIssuer('https://evil.test'))],
    ['a wrong audience', () => rs((j) => good(j).setAudience('someone-else'))],
    ['an unknown kid', () => rs(good, { kid: 'k2' })],
    ['a jku header pointing elsewhere', () => rs(good, { jku: 'http://127.0.0.1:1/jwks.json', kid: 'k2' })],
    [
      'an embedded jwk header',
      async () => {
        const other = await generateKeyPair('RS256', { extractable: true });
        return good(
          new SignJWT({}).setProtectedHeader({ alg: 'RS256', jwk: await exportJWK(other.publicKey) }),
        ).sign(other.privateKey);
      },
    ],
  ])('answers %s with 401', async (what, make) => {
    const res = await t.request('/api/user/api-keys', { token: await make() });
    expectUnauthorized(res, await res.json(), what);
  });
});
