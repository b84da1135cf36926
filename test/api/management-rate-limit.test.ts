import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKey } from '../helpers/keys.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

describe('MANAGEMENT_RATE_LIMIT_RPM on /api/* writes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite', { MANAGEMENT_RATE_LIMIT_RPM: '3', RATE_LIMIT_RPM: '600' });
  });
  afterAll(() => t.close());

  const storeKey = (token: string, keyName: string) =>
    t.request('/api/user/api-keys', {
      method: 'POST',
      token,
      json: { provider: 'openai', apiKey: fakeKey('openai'), keyName },
    });

  it('refuses the write over the budget with the same 429 and headers as /v1', async () => {
    const jwt = await t.jwt('busy-writer');
    const ok = await storeKey(jwt, 'a');
    expect(ok.status).toBe(201);
    expect(ok.headers.get('x-ratelimit-limit-requests')).toBe('3');
    expect(ok.headers.get('x-ratelimit-remaining-requests')).toBe('2');
    expect(
      (await t.request('/api/user/tokens', { method: 'POST', token: jwt, json: { name: 'x' } })).status,
    ).toBe(201);
    expect((await storeKey(jwt, 'c')).status).toBe(201);
    const refused = await storeKey(jwt, 'd');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const body = await refused.json();
    expect(body.error).toMatchObject({ code: 'rate_limit_exceeded', type: 'rate_limit_error' });
    // Nothing was stored by the refused call.
    const list = await (await t.request('/api/user/api-keys', { token: jwt })).json();
    expect(list.data.map((k: { keyName: string }) => k.keyName).sort()).toEqual(['a', 'c']);
  });

  it('counts neither reads nor other users', async () => {
    const jwt = await t.jwt('reader');
    for (let i = 0; i < 5; i++)
      expect((await t.request('/api/user/api-keys', { token: jwt })).status).toBe(200);
    expect((await storeKey(jwt, 'first')).status).toBe(201);
    expect((await storeKey(await t.jwt('someone-else'), 'first')).status).toBe(201);
  });
});
