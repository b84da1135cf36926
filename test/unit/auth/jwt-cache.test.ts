import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createJwtVerifier } from '../../../src/auth/jwt.js';
import { GatewayError } from '../../../src/errors.js';

const secret = 'jwt-cache-test-secret-that-is-long-enough-0123';
const sign = (sub: string, exp: string | number) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));

describe('the verified-token cache', () => {
  afterEach(() => vi.useRealTimers());

  it('answers a repeated token with the same subject', async () => {
    const verify = createJwtVerifier({ secret, maxAgeSeconds: 86_400 });
    const token = await sign('alice', '5m');
    expect((await verify(token)).sub).toBe('alice');
    expect((await verify(token)).sub).toBe('alice');
  });

  it('stops accepting a cached token once it has expired beyond the clock tolerance', async () => {
    const verify = createJwtVerifier({ secret, maxAgeSeconds: 86_400 });
    const token = await sign('alice', '2m');
    expect((await verify(token)).sub).toBe('alice');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 10 * 60_000);
    await expect(verify(token)).rejects.toBeInstanceOf(GatewayError);
  });

  it('never lets a forged token in because a valid one is cached', async () => {
    const verify = createJwtVerifier({ secret, maxAgeSeconds: 86_400 });
    const good = await sign('alice', '5m');
    await verify(good);
    const [header, payload] = good.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(43)}`;
    await expect(verify(forged)).rejects.toBeInstanceOf(GatewayError);
  });
});
