import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS, secretsOnDisk } from '../helpers/databases.js';
import { fakeKey } from '../helpers/keys.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const PUBLIC_FIELDS = [
  'createdAt',
  'exclusive',
  'expiresAt',
  'id',
  'isActive',
  'keyName',
  'keyPreview',
  'lastError',
  'lastErrorAt',
  'lastUsedAt',
  'monthSpendUsd',
  'monthlyBudgetUsd',
  'priority',
  'provider',
  'rotateAfterDays',
  'rotationDue',
  'status',
  'updatedAt',
  'verifiedAt',
];

describe.each(DATABASE_KINDS)('key API on %s', (kind) => {
  let t: TestApp;
  let alice: string;
  let bob: string;
  const stored: string[] = [];

  beforeAll(async () => {
    t = await createTestApp(kind);
    alice = await t.jwt('alice');
    bob = await t.jwt('bob');
  });
  afterAll(async () => t.close());

  async function store(token: string, provider: string, apiKey: string, keyName?: string) {
    stored.push(apiKey);
    return t.request('/api/user/api-keys', { method: 'POST', token, json: { provider, apiKey, keyName } });
  }

  it('stores a key and answers with its public view only', async () => {
    const apiKey = fakeKey('openrouter');
    const res = await store(alice, 'openrouter', apiKey, 'personal');
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(Object.keys(body).sort()).toEqual(PUBLIC_FIELDS);
    expect(body).toMatchObject({
      provider: 'openrouter',
      keyName: 'personal',
      isActive: true,
      lastUsedAt: null,
    });
    expect(body.keyPreview).toBe(`${apiKey.slice(0, 4)}…${apiKey.slice(-4)}`);
    expect(JSON.stringify(body)).not.toContain(apiKey.slice(8, 30));
    expect(new Date(body.createdAt).toISOString()).toBe(body.createdAt);
  });

  it('lists only the caller’s own keys, newest first', async () => {
    await store(alice, 'openai', fakeKey('openai'));
    await store(bob, 'anthropic', fakeKey('anthropic'));
    const aliceList = await (await t.request('/api/user/api-keys', { token: alice })).json();
    const bobList = await (await t.request('/api/user/api-keys', { token: bob })).json();
    expect(aliceList.data.map((k: { provider: string }) => k.provider)).toEqual(['openai', 'openrouter']);
    expect(bobList.data.map((k: { provider: string }) => k.provider)).toEqual(['anthropic']);
    for (const k of [...aliceList.data, ...bobList.data])
      expect(Object.keys(k).sort()).toEqual(PUBLIC_FIELDS);
  });

  it('refuses a second key with the same provider and name, and a second unnamed one, with 409', async () => {
    const named = await store(alice, 'openrouter', fakeKey('openrouter'), 'personal');
    expect(named.status).toBe(409);
    expect((await named.json()).error).toMatchObject({ code: 'duplicate_key', param: 'keyName' });
    const unnamed = await store(alice, 'openai', fakeKey('openai'));
    expect(unnamed.status).toBe(409);
    const otherName = await store(alice, 'openai', fakeKey('openai'), 'work');
    expect(otherName.status).toBe(201);
    const otherUser = await store(bob, 'openrouter', fakeKey('openrouter'), 'personal');
    expect(otherUser.status).toBe(201);
  });

  it.each([
    [{ provider: 'mistral', apiKey: 'sk-xxxxxxxxxxxxxxxxxxxxxxxxxxx' }, 'provider'],
    [{ provider: 'openai' }, 'apiKey'],
    [{ provider: 'openai', apiKey: 42 }, 'apiKey'],
    [{ provider: 'openai', apiKey: fakeKey('openai'), keyName: '' }, 'keyName'],
    [{ provider: 'openai', apiKey: fakeKey('openai'), keyName: 'x'.repeat(101) }, 'keyName'],
    [{ provider: 'openai', apiKey: fakeKey('openai'), userId: 'bob' }, 'userId'],
    [{ provider: 'openai', apiKey: fakeKey('openai'), isActive: false }, 'isActive'],
  ])('rejects %j with 400 naming %s', async (json, param) => {
    const res = await t.request('/api/user/api-keys', { method: 'POST', token: alice, json });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.param).toBe(param);
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.fields.length).toBeGreaterThan(0);
  });

  it('rejects a key of another provider with a hint and never echoes it', async () => {
    const apiKey = fakeKey('anthropic');
    const res = await store(alice, 'openai', apiKey, 'wrong');
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text).error).toMatchObject({ param: 'apiKey', code: 'invalid_api_key_format' });
    expect(text).toContain('anthropic');
    expect(text).not.toContain(apiKey.slice(10, 40));
  });

  it('rejects malformed JSON, an empty body and a JSON array with an OpenAI-shaped 400', async () => {
    for (const body of ['{"provider":', '', '[1,2]']) {
      const res = await t.request('/api/user/api-keys', {
        method: 'POST',
        token: alice,
        body,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(400);
      const json = await res.json();
      expect(json.error).toMatchObject({ type: 'invalid_request_error' });
      expect(typeof json.error.message).toBe('string');
    }
  });

  it('renames and deactivates a key with PATCH', async () => {
    const created = await (await store(alice, 'google', fakeKey('google'), 'g1')).json();
    const res = await t.request(`/api/user/api-keys/${created.id}`, {
      method: 'PATCH',
      token: alice,
      json: { keyName: 'gemini', isActive: false },
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      id: created.id,
      keyName: 'gemini',
      isActive: false,
      keyPreview: created.keyPreview,
    });
    expect(body.updatedAt >= created.updatedAt).toBe(true);
    expect(Object.keys(body).sort()).toEqual(PUBLIC_FIELDS);
  });

  it.each([
    [{ provider: 'openai' }, 'provider'],
    [{ userId: 'bob' }, 'userId'],
    [{ encryptedKey: 'v1.abc.def' }, 'encryptedKey'],
    [{ apiKey: 'sk-or-v1-1234567890123456789012345678901234' }, 'apiKey'],
    [{ isActive: 'yes' }, 'isActive'],
  ])('PATCH with %j is 400 naming %s and changes nothing', async (json, param) => {
    const created = await (await store(alice, 'meta', fakeKey('meta'), `m-${param}`)).json();
    const res = await t.request(`/api/user/api-keys/${created.id}`, { method: 'PATCH', token: alice, json });
    expect(res.status).toBe(400);
    expect((await res.json()).error.param).toBe(param);
    const after = await (await t.request(`/api/user/api-keys/${created.id}`, { token: alice })).json();
    expect(after).toEqual(created);
  });

  it('PATCH with no field is 400', async () => {
    const created = await (await store(alice, 'meta', fakeKey('meta'), 'empty-patch')).json();
    const res = await t.request(`/api/user/api-keys/${created.id}`, {
      method: 'PATCH',
      token: alice,
      json: {},
    });
    expect(res.status).toBe(400);
  });

  it('answers 404 to another user’s key id on every verb and leaves the row untouched', async () => {
    const created = await (await store(alice, 'openrouter', fakeKey('openrouter'), 'private')).json();
    const before = await t.deps.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirst();
    const path = `/api/user/api-keys/${created.id}`;
    const attempts = [
      t.request(path, { token: bob }),
      t.request(path, { method: 'PATCH', token: bob, json: { isActive: false } }),
      t.request(path, { method: 'DELETE', token: bob }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe('key_not_found');
    }
    const unknown = await t.request(`/api/user/api-keys/${crypto.randomUUID()}`, {
      method: 'DELETE',
      token: bob,
    });
    expect(unknown.status).toBe(404);
    const after = await t.deps.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirst();
    expect(after).toEqual(before);
  });

  it('deletes a key with 204, after which it is gone', async () => {
    const created = await (await store(alice, 'anthropic', fakeKey('anthropic'), 'temp')).json();
    const del = await t.request(`/api/user/api-keys/${created.id}`, { method: 'DELETE', token: alice });
    expect(del.status).toBe(204);
    expect(await del.text()).toBe('');
    expect((await t.request(`/api/user/api-keys/${created.id}`, { token: alice })).status).toBe(404);
    const list = await (await t.request('/api/user/api-keys', { token: alice })).json();
    expect(list.data.map((k: { id: string }) => k.id)).not.toContain(created.id);
  });

  it('stores the key sealed, bound to its owner, and opens it through the vault', async () => {
    const apiKey = fakeKey('openai');
    const created = await (await store(alice, 'openai', apiKey, 'sealed')).json();
    const row = await t.deps.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.encrypted_key).toMatch(/^v1\.[0-9a-f]{12}\./);
    expect(row.encrypted_key).not.toContain(apiKey);
    const binding = { userId: 'alice', keyId: created.id, provider: 'openai' };
    expect(await t.deps.vault.open(row.encrypted_key, binding)).toBe(apiKey);
    await expect(t.deps.vault.open(row.encrypted_key, { ...binding, userId: 'bob' })).rejects.toThrow();
  });

  it('logs one line per request without keys or authorization', async () => {
    const apiKey = fakeKey('openrouter');
    await store(alice, 'openrouter', apiKey, 'logged');
    const joined = t.logs.join('\n');
    expect(joined).toContain('"path":"/api/user/api-keys"');
    for (const secret of stored) expect(joined).not.toContain(secret);
    expect(joined).not.toContain(alice);
  });

  it('keeps every stored plaintext key out of the database files', () => {
    expect(stored.length).toBeGreaterThan(5);
    if (kind === 'sqlite') {
      expect(t.database.files.length).toBe(2);
      expect(secretsOnDisk(t.database.files, stored)).toEqual([]);
    }
  });
});
