import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { fakeKey } from '../helpers/keys.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Names are shown to people (lists, error messages naming a key, consoles): format characters
 * (bidi overrides, zero-width) would let a label pretend to be another, so they are refused.
 */
const SPOOFS = [
  ['right-to-left override', 'work\u202Egnp.exe'],
  ['zero-width space', 'pro\u200Bduction'],
  ['zero-width joiner', 'a\u200Db'],
  ['left-to-right isolate', 'x\u2066y'],
  ['byte order mark', 'my\uFEFFkey'],
  ['soft hyphen', 'pay\u00ADroll'],
  ['lone surrogate', 'bad\uD800'],
  ['line separator', 'a\u2028b'],
];

describe.each(DATABASE_KINDS)('names with format characters on %s', (kind) => {
  let t: TestApp;
  let alice: string;
  beforeAll(async () => {
    t = await createTestApp(kind);
    alice = await t.jwt('alice');
  });
  afterAll(async () => t.close());

  it.each(SPOOFS)('refuses a key name with a %s (POST and PATCH)', async (_what, keyName) => {
    const post = await t.request('/api/user/api-keys', {
      method: 'POST',
      token: alice,
      json: { provider: 'openai', apiKey: fakeKey('openai'), keyName },
    });
    expect(post.status).toBe(400);
    expect((await post.json()).error.param).toBe('keyName');

    const ok = await t.request('/api/user/api-keys', {
      method: 'POST',
      token: alice,
      json: { provider: 'google', apiKey: fakeKey('google'), keyName: `plain ${_what}` },
    });
    const { id } = await ok.json();
    const patch = await t.request(`/api/user/api-keys/${id}`, {
      method: 'PATCH',
      token: alice,
      json: { keyName },
    });
    expect(patch.status).toBe(400);
    expect((await patch.json()).error.param).toBe('keyName');
  });

  it.each(SPOOFS)('refuses a token name with a %s', async (_what, name) => {
    const res = await t.request('/api/user/tokens', { method: 'POST', token: alice, json: { name } });
    expect(res.status).toBe(400);
    expect((await res.json()).error.param).toBe('name');
  });

  it('keeps accepting names in any script, with emoji and accents', async () => {
    for (const keyName of ['Büro 東京', 'работа', 'عمل', '🔑 main']) {
      const res = await t.request('/api/user/api-keys', {
        method: 'POST',
        token: alice,
        json: { provider: 'meta', apiKey: fakeKey('meta'), keyName },
      });
      expect(res.status, keyName).toBe(201);
      expect((await res.json()).keyName).toBe(keyName);
    }
  });
});
