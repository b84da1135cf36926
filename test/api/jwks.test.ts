import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

describe('JWTs verified with a JWKS', () => {
  let server: Server;
  let t: TestApp;
  let privateKey: CryptoKey;
  let jwksHits = 0;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => {
      jwksHits++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    t = await createTestApp('sqlite', {
      JWT_SECRET: undefined,
      JWT_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
    });
  });
  afterAll(async () => {
    await t.close();
    server.close();
  });

  const rs256 = (claims: { sub?: string; exp?: string } = {}) => {
    let jwt = new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuedAt();
    if (claims.sub !== undefined) jwt = jwt.setSubject(claims.sub);
    if (claims.exp !== undefined) jwt = jwt.setExpirationTime(claims.exp);
    return jwt.sign(privateKey);
  };

  it('accepts a token signed by a key in the JWKS, fetching the set once', async () => {
    const token = await rs256({ sub: 'carol', exp: '5m' });
    expect((await t.request('/api/user/api-keys', { token })).status).toBe(200);
    expect((await t.request('/api/user/api-keys', { token })).status).toBe(200);
    expect(jwksHits).toBe(1);
  });

  it('refuses an HS256 token, even one signed with the public key material', async () => {
    const hs = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setSubject('carol')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('any-secret-at-all-that-is-long-enough-123'));
    expect((await t.request('/api/user/api-keys', { token: hs })).status).toBe(401);
  });

  it('refuses a JWKS-signed token without exp or sub', async () => {
    expect((await t.request('/api/user/api-keys', { token: await rs256({ sub: 'carol' }) })).status).toBe(
      401,
    );
    expect((await t.request('/api/user/api-keys', { token: await rs256({ exp: '5m' }) })).status).toBe(401);
  });
});

describe('JWKS unreachable', () => {
  it('answers 503, not 401, when the keys cannot be fetched', async () => {
    const t = await createTestApp('sqlite', {
      JWT_SECRET: undefined,
      JWT_JWKS_URL: 'http://127.0.0.1:9/jwks.json',
    });
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('x')
      .setExpirationTime('5m')
      .sign(privateKey);
    const res = await t.request('/api/user/api-keys', { token });
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe('auth_unavailable');
    await t.close();
  });
});
