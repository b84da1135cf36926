import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const preflight = (t: TestApp, origin: string) =>
  t.request('/v1/chat/completions', {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,x-stainless-os',
    },
  });

describe('CORS with CORS_ORIGINS set', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite', { CORS_ORIGINS: 'https://app.example, https://admin.example' });
  });
  afterAll(async () => t.close());

  it('answers a preflight from a listed origin before authentication, allowing the SDK’s headers', async () => {
    const res = await preflight(t, 'https://app.example');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(res.headers.get('access-control-allow-headers')).toContain('x-stainless-os');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('gives no allow-origin to an unlisted origin', async () => {
    const res = await preflight(t, 'https://evil.example');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('exposes the gateway headers on real responses', async () => {
    const res = await t.request('/v1/models', {
      token: await t.jwt('browser-user'),
      headers: { origin: 'https://admin.example' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://admin.example');
    expect(res.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });
});

describe('CORS by default', () => {
  it('is off: no CORS headers, and a preflight is treated as an unauthenticated request', async () => {
    const t = await createTestApp('sqlite');
    const res = await preflight(t, 'https://app.example');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.status).toBe(401);
    await t.close();
  });
});
