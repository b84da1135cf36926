import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TOKENS_PER_USER } from '../../src/auth/tokens-routes.js';
import { MAX_KEYS_PER_USER } from '../../src/vault/keys-routes.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { fakeKey } from '../helpers/keys.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Per-user caps hold under parallel requests: count-then-insert raced on PostgreSQL (52 tokens
 * and 101 keys were stored from parallel requests before the caps became atomic).
 */
describe.each(DATABASE_KINDS)('per-user caps under parallel requests on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
  });
  afterAll(async () => t.close());

  it(`stores at most ${MAX_TOKENS_PER_USER} tokens when ${MAX_TOKENS_PER_USER + 20} are asked for at once`, async () => {
    const jwt = await t.jwt('token-racer');
    const results = await Promise.all(
      Array.from({ length: MAX_TOKENS_PER_USER + 20 }, (_, i) =>
        t.request('/api/user/tokens', { method: 'POST', token: jwt, json: { name: `t${i}` } }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(MAX_TOKENS_PER_USER);
    expect(statuses.filter((s) => s === 400)).toHaveLength(20);
    const list = await (await t.request('/api/user/tokens', { token: jwt })).json();
    expect(list.data).toHaveLength(MAX_TOKENS_PER_USER);
  });

  it(`stores at most ${MAX_KEYS_PER_USER} keys when ${MAX_KEYS_PER_USER + 20} are asked for at once`, async () => {
    const jwt = await t.jwt('key-racer');
    const results = await Promise.all(
      Array.from({ length: MAX_KEYS_PER_USER + 20 }, (_, i) =>
        t.request('/api/user/api-keys', {
          method: 'POST',
          token: jwt,
          json: { provider: 'openrouter', apiKey: fakeKey('openrouter'), keyName: `k${i}` },
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(MAX_KEYS_PER_USER);
    expect(statuses.filter((s) => s === 400)).toHaveLength(20);
    const list = await (await t.request('/api/user/api-keys', { token: jwt })).json();
    expect(list.data).toHaveLength(MAX_KEYS_PER_USER);
  });

  it('counts each user on their own: a full user does not block another', async () => {
    const jwt = await t.jwt('someone-else');
    const res = await t.request('/api/user/tokens', { method: 'POST', token: jwt, json: { name: 'first' } });
    expect(res.status).toBe(201);
  });
});
