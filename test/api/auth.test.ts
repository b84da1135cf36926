import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_JWT_SECRET } from '../helpers/config.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const secretBytes = new TextEncoder().encode(TEST_JWT_SECRET);
const base = () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuedAt();

describe.each(DATABASE_KINDS)('callers on %s', (kind) => {
  let t: TestApp;
  let alice: string;

  beforeAll(async () => {
    t = await createTestApp(kind);
    alice = await t.jwt('alice');
  });
  afterAll(async () => t.close());

  const badCredentials: [string, () => Promise<string | undefined>][] = [
    ['no header', async () => undefined],
    ['a wrong secret', () => t.jwt('alice', { secret: 'another-secret-that-is-long-enough-012345' })],
    [
      'an expired token',
      () =>
        base()
          .setExpirationTime(Math.floor(Date.now() / 1000) - 120)
          .sign(secretBytes),
    ],
    ['no exp claim', () => base().sign(secretBytes)],
    [
      'no sub claim',
      () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(secretBytes),
    ],
    ['alg none', async () => new UnsecuredJWT({ sub: 'alice' }).setExpirationTime('5m').encode()],
    [
      'HS512',
      () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS512' })
          .setSubject('alice')
          .setExpirationTime('5m')
          .sign(secretBytes),
    ],
    ['garbage', async () => 'not-a-jwt'],
    ['a made-up gateway token', async () => `gwt_${'A'.repeat(43)}`],
  ];

  it.each(badCredentials)('answers 401 in OpenAI shape to %s', async (_name, make) => {
    const token = await make();
    for (const path of ['/api/user/api-keys', '/api/user/tokens']) {
      const res = await t.request(path, token ? { token } : {});
      expect(res.status).toBe(401);
      expect(res.headers.get('x-request-id')).toBeTruthy();
      const body = await res.json();
      expect(body.error).toMatchObject({ type: 'authentication_error', param: null });
      expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    }
  });

  it('mints a gateway token shown once, which then authenticates the key API', async () => {
    const res = await t.request('/api/user/tokens', {
      method: 'POST',
      token: alice,
      json: { name: 'laptop', scopes: ['keys:read'] },
    });
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created.token).toMatch(/^gwt_[A-Za-z0-9_-]{43}$/);
    expect(created.tokenPreview).toBe(`${created.token.slice(0, 8)}…${created.token.slice(-4)}`);
    expect(Object.keys(created).sort()).toEqual([
      'createdAt',
      'expiresAt',
      'id',
      'name',
      'orgId',
      'scopes',
      'token',
      'tokenPreview',
    ]);

    const list = await (await t.request('/api/user/tokens', { token: alice })).json();
    expect(list.data).toHaveLength(1);
    expect(Object.keys(list.data[0]).sort()).toEqual([
      'createdAt',
      'expiresAt',
      'id',
      'lastUsedAt',
      'name',
      'orgId',
      'scopes',
      'tokenPreview',
    ]);
    expect(JSON.stringify(list)).not.toContain(created.token);

    const viaToken = await t.request('/api/user/api-keys', { token: created.token });
    expect(viaToken.status).toBe(200);

    const row = await t.deps.db
      .selectFrom('access_tokens')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(created.token);
  });

  it('records when a gateway token was last used', async () => {
    const created = await (
      await t.request('/api/user/tokens', { method: 'POST', token: alice, json: { name: 'used' } })
    ).json();
    await t.request('/api/user/api-keys', { token: created.token });
    await expect
      .poll(async () => {
        const list = await (await t.request('/api/user/tokens', { token: alice })).json();
        return list.data.find((x: { id: string }) => x.id === created.id).lastUsedAt;
      })
      .not.toBeNull();
  });

  it('does not let a gateway token manage tokens', async () => {
    const created = await (
      await t.request('/api/user/tokens', { method: 'POST', token: alice, json: { name: 'ci' } })
    ).json();
    const mint = await t.request('/api/user/tokens', {
      method: 'POST',
      token: created.token,
      json: { name: 'more' },
    });
    expect(mint.status).toBe(403);
    expect((await mint.json()).error.code).toBe('jwt_required');
    expect((await t.request('/api/user/tokens', { token: created.token })).status).toBe(403);
  });

  it('revokes a token with DELETE, after which it is refused', async () => {
    const created = await (
      await t.request('/api/user/tokens', { method: 'POST', token: alice, json: { name: 'old' } })
    ).json();
    const del = await t.request(`/api/user/tokens/${created.id}`, { method: 'DELETE', token: alice });
    expect(del.status).toBe(204);
    expect((await t.request('/api/user/api-keys', { token: created.token })).status).toBe(401);
    expect(
      (await t.request(`/api/user/tokens/${created.id}`, { method: 'DELETE', token: alice })).status,
    ).toBe(404);
  });

  it('answers 404 when another user revokes someone’s token, and the token keeps working', async () => {
    const created = await (
      await t.request('/api/user/tokens', {
        method: 'POST',
        token: alice,
        json: { name: 'mine', scopes: ['keys:read'] },
      })
    ).json();
    const bob = await t.jwt('bob');
    expect((await t.request(`/api/user/tokens/${created.id}`, { method: 'DELETE', token: bob })).status).toBe(
      404,
    );
    expect((await t.request('/api/user/api-keys', { token: created.token })).status).toBe(200);
  });

  it.each([[{}], [{ name: '' }], [{ name: 'x', scope: 'all' }], [{ name: 7 }]])(
    'refuses token body %j with 400',
    async (json) => {
      const res = await t.request('/api/user/tokens', { method: 'POST', token: alice, json });
      expect(res.status).toBe(400);
    },
  );
});

describe('JWT issuer and audience', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite', { JWT_ISSUER: 'https://host.example', JWT_AUDIENCE: 'byok-gateway' });
  });
  afterAll(async () => t.close());

  const sign = (iss?: string, aud?: string) => {
    let j = base().setExpirationTime('5m');
    if (iss) j = j.setIssuer(iss);
    if (aud) j = j.setAudience(aud);
    return j.sign(secretBytes);
  };

  it('accepts a token with the configured issuer and audience', async () => {
    const res = await t.request('/api/user/api-keys', {
      token: await sign('https://host.example', 'byok-gateway'),
    });
    expect(res.status).toBe(200);
  });

  it.each([
    ['a wrong issuer', 'https://evil.example', 'byok-gateway'],
    ['a wrong audience', 'https://host.example', 'other'],
    ['no issuer', undefined, 'byok-gateway'],
    ['no audience', 'https://host.example', undefined],
  ])('refuses %s', async (_n, iss, aud) => {
    expect((await t.request('/api/user/api-keys', { token: await sign(iss, aud) })).status).toBe(401);
  });
});
