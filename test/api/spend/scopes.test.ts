import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatHarness, createChatHarness, userMessage } from '../../helpers/chat-harness.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';

describe.each(DATABASE_KINDS)('scoped gateway tokens on %s', (kind) => {
  let h: ChatHarness;
  let n = 0;
  const freshUser = async () => h.t.jwt(`scopes-${kind}-${++n}`);
  const mint = async (jwt: string, json: Record<string, unknown>) => {
    const res = await h.t.request('/api/user/tokens', {
      method: 'POST',
      token: jwt,
      json: { name: 'sdk', ...json },
    });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    h = await createChatHarness(kind);
  });
  afterAll(async () => h.close());

  it('mints ["chat"] by default and shows scopes and expiresAt in both views', async () => {
    const jwt = await freshUser();
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const plain = await mint(jwt, {});
    expect(plain.status).toBe(201);
    expect(plain.body.scopes).toEqual(['chat']);
    expect(plain.body.expiresAt).toBeNull();
    const scoped = await mint(jwt, { scopes: ['usage:read', 'keys:read'], expiresAt });
    expect(scoped.body.scopes).toEqual(['keys:read', 'usage:read']);
    expect(scoped.body.expiresAt).toBe(expiresAt);
    const list = await (await h.t.request('/api/user/tokens', { token: jwt })).json();
    const listed = list.data.find((t: { id: string }) => t.id === scoped.body.id);
    expect(listed).toMatchObject({ scopes: ['keys:read', 'usage:read'], expiresAt });
  });

  it.each([
    [{ scopes: ['admin'] }, 'scopes[0]'],
    [{ scopes: [] }, 'scopes'],
    [{ scopes: 'chat' }, 'scopes'],
    [{ expiresAt: 'tomorrow' }, 'expiresAt'],
    [{ expiresAt: '2001-01-01T00:00:00Z' }, 'expiresAt'],
  ])('refuses token body %j with 400 naming %s', async (json, param) => {
    const res = await mint(await freshUser(), json);
    expect(res.status).toBe(400);
    expect(res.body.error.param).toBe(param);
  });

  it('refuses a chat-only token on every key and usage route, naming the scope, and accepts it on /v1', async () => {
    const jwt = await freshUser();
    const key = await h.storeKey(jwt, 'openai', 'mine');
    const { body } = await mint(jwt, {});
    const token = body.token as string;
    const routes: [string, string, string, unknown?][] = [
      ['GET', '/api/user/api-keys', 'keys:read'],
      ['GET', `/api/user/api-keys/${key.id}`, 'keys:read'],
      [
        'POST',
        '/api/user/api-keys',
        'keys:write',
        { provider: 'openrouter', apiKey: `sk-or-v1-${'a'.repeat(64)}` },
      ],
      ['PATCH', `/api/user/api-keys/${key.id}`, 'keys:write', { isActive: false }],
      ['DELETE', `/api/user/api-keys/${key.id}`, 'keys:write'],
      ['GET', '/api/user/usage', 'usage:read'],
      ['GET', `/api/user/api-keys/${key.id}/usage`, 'usage:read'],
    ];
    for (const [method, path, scope, json] of routes) {
      const res = await h.t.request(path, { method, token, json });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.headers.get('x-should-retry')).toBe('false');
      const err = (await res.json()).error;
      expect(err.code).toBe('insufficient_scope');
      expect(err.message).toContain(`'${scope}'`);
    }
    // Nothing changed: the key is still there and active.
    const view = await (await h.t.request(`/api/user/api-keys/${key.id}`, { token: jwt })).json();
    expect(view.isActive).toBe(true);

    const chat = await h.chat(token, { model: 'openai/gpt-4o-mini', messages: userMessage('hi') });
    expect(chat.status).toBe(200);
    expect((await h.t.request('/v1/models', { token })).status).toBe(200);
  });

  it('lets a keys:read token list keys but not change them, and a token without chat not call /v1', async () => {
    const jwt = await freshUser();
    const key = await h.storeKey(jwt, 'openai');
    const token = (await mint(jwt, { scopes: ['keys:read'] })).body.token as string;
    expect((await h.t.request('/api/user/api-keys', { token })).status).toBe(200);
    const patch = await h.t.request(`/api/user/api-keys/${key.id}`, {
      method: 'PATCH',
      token,
      json: { isActive: false },
    });
    expect(patch.status).toBe(403);
    const chat = await h.chat(token, { model: 'openai/gpt-4o-mini', messages: userMessage('hi') });
    expect(chat.status).toBe(403);
    expect((await chat.json()).error.message).toContain("'chat'");
    expect(h.fakes.openai.requests.filter((r) => r.key === key.apiKey)).toHaveLength(0);
  });

  it('lets a keys:write token store and deactivate keys, and a usage:read token read usage', async () => {
    const jwt = await freshUser();
    const token = (await mint(jwt, { scopes: ['keys:write', 'usage:read'] })).body.token as string;
    const created = await h.t.request('/api/user/api-keys', {
      method: 'POST',
      token,
      json: { provider: 'openai', apiKey: `sk-proj-${'k'.repeat(48)}` },
    });
    expect(created.status).toBe(201);
    const id = (await created.json()).id;
    expect((await h.t.request(`/api/user/api-keys/${id}`, { method: 'DELETE', token })).status).toBe(204);
    expect((await h.t.request('/api/user/usage', { token })).status).toBe(200);
  });

  it('answers 401 token_expired once a token is past its expiresAt', async () => {
    const jwt = await freshUser();
    const { body } = await mint(jwt, { expiresAt: new Date(Date.now() + 60_000).toISOString() });
    expect(
      (await h.chat(body.token, { model: 'openai/gpt-4o-mini', messages: userMessage('x') })).status,
    ).not.toBe(401);
    await h.t.deps.db
      .updateTable('access_tokens')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', body.id)
      .execute();
    const res = await h.chat(body.token, { model: 'openai/gpt-4o-mini', messages: userMessage('x') });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('token_expired');
  });

  it('still refuses a gateway token on /api/user/tokens, whatever its scopes', async () => {
    const jwt = await freshUser();
    const token = (await mint(jwt, { scopes: ['chat', 'keys:read', 'keys:write', 'usage:read'] })).body.token;
    const res = await h.t.request('/api/user/tokens', { method: 'POST', token, json: { name: 'more' } });
    expect(res.status).toBe(403);
  });
});
