import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_JWT_SECRET } from '../helpers/config.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** JWT_MAX_AGE bounds how long a stolen JWT is worth anything: a token minted for year 9999 is refused. */
const secret = new TextEncoder().encode(TEST_JWT_SECRET);
const now = () => Math.floor(Date.now() / 1000);
const sign = (claims: { iat?: number; exp: number }) => {
  let jwt = new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('alice')
    .setExpirationTime(claims.exp);
  if (claims.iat !== undefined) jwt = jwt.setIssuedAt(claims.iat);
  return jwt.sign(secret);
};

describe('JWT lifetime', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite', { JWT_MAX_AGE: '1h' });
  });
  afterAll(async () => t.close());

  const status = async (token: string) => (await t.request('/api/user/api-keys', { token })).status;

  it('accepts a token whose exp − iat is within JWT_MAX_AGE', async () => {
    expect(await status(await sign({ iat: now(), exp: now() + 3000 }))).toBe(200);
    expect(await status(await sign({ exp: now() + 3000 }))).toBe(200);
  });

  it('refuses exp − iat above JWT_MAX_AGE, even when issued long ago and still valid', async () => {
    const res = await t.request('/api/user/api-keys', {
      token: await sign({ iat: now() - 60, exp: now() + 3600 }),
    });
    expect(res.status).toBe(401);
    expect((await res.json()).error).toMatchObject({ type: 'authentication_error', param: null });
  });

  it('refuses exp in year 9999 with or without iat', async () => {
    expect(await status(await sign({ iat: now(), exp: 253402300799 }))).toBe(401);
    expect(await status(await sign({ exp: 253402300799 }))).toBe(401);
  });

  it('refuses exp − now above JWT_MAX_AGE when there is no iat', async () => {
    expect(await status(await sign({ exp: now() + 7200 }))).toBe(401);
  });

  it('refuses an iat in the future', async () => {
    expect(await status(await sign({ iat: now() + 600, exp: now() + 1200 }))).toBe(401);
  });

  it('defaults to 24 hours', async () => {
    const d = await createTestApp('sqlite');
    try {
      const ok = await sign({ iat: now(), exp: now() + 23 * 3600 });
      const long = await sign({ iat: now(), exp: now() + 25 * 3600 });
      expect((await d.request('/api/user/api-keys', { token: ok })).status).toBe(200);
      expect((await d.request('/api/user/api-keys', { token: long })).status).toBe(401);
    } finally {
      await d.close();
    }
  });
});
