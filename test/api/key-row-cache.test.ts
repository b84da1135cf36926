import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ChatHarness, createChatHarness, userMessage } from '../helpers/chat-harness.js';
import { DATABASE_KINDS } from '../helpers/databases.js';

/**
 * The in-process cache of sealed key rows (KEY_CACHE_TTL_MS): a change made through this
 * instance's key API is honoured by the very next chat request; a change made elsewhere (another
 * instance, straight in the database) within the TTL.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ask = { model: 'openai/gpt-4o', messages: userMessage('hi') };

describe.each(DATABASE_KINDS)('key changes through the API on %s', (kind) => {
  let h: ChatHarness;
  let n = 0;
  const freshUser = async () => h.t.jwt(`cache-${kind}-${++n}`);

  beforeAll(async () => {
    // A TTL far longer than the test: only invalidation can make these pass.
    h = await createChatHarness(kind, { KEY_CACHE_TTL_MS: '60000' });
  });
  afterAll(async () => h.close());
  beforeEach(() => h.clearFakes());

  /** Chats once and says who was called with which key. */
  async function route(token: string) {
    h.clearFakes();
    const res = await h.chat(token, ask);
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const sent = [...h.fakes.openai.requests, ...h.fakes.openrouter.requests];
    expect(sent).toHaveLength(1);
    return {
      provider: res.headers.get('x-gateway-provider'),
      source: res.headers.get('x-gateway-key-source'),
      key: sent[0]?.key,
    };
  }

  it('a key deactivated, then reactivated, is honoured by the very next request', async () => {
    const token = await freshUser();
    const mine = await h.storeKey(token, 'openai');
    expect(await route(token)).toEqual({ provider: 'openai', source: 'user', key: mine.apiKey });
    expect(await route(token)).toEqual({ provider: 'openai', source: 'user', key: mine.apiKey });

    const off = await h.t.request(`/api/user/api-keys/${mine.id}`, {
      method: 'PATCH',
      token,
      json: { isActive: false },
    });
    expect(off.status).toBe(200);
    expect(await route(token)).toEqual({ provider: 'openrouter', source: 'system', key: h.systemKey });

    const on = await h.t.request(`/api/user/api-keys/${mine.id}`, {
      method: 'PATCH',
      token,
      json: { isActive: true },
    });
    expect(on.status).toBe(200);
    expect(await route(token)).toEqual({ provider: 'openai', source: 'user', key: mine.apiKey });
  });

  it('a renamed key is named by its new label at once', async () => {
    const token = await freshUser();
    const mine = await h.storeKey(token, 'openai', 'before');
    expect((await route(token)).key).toBe(mine.apiKey);
    await h.t.request(`/api/user/api-keys/${mine.id}`, {
      method: 'PATCH',
      token,
      json: { keyName: 'after' },
    });
    h.fakes.openai.rejectedKeys.add(mine.apiKey);
    const res = await h.chat(token, ask);
    expect(res.status).toBe(401);
    const message: string = (await res.json()).error.message;
    expect(message).toContain('"after"');
    expect(message).not.toContain('"before"');
    h.fakes.openai.rejectedKeys.delete(mine.apiKey);
  });

  it('a deleted key is never used again', async () => {
    const token = await freshUser();
    const mine = await h.storeKey(token, 'openai');
    expect((await route(token)).key).toBe(mine.apiKey);
    const del = await h.t.request(`/api/user/api-keys/${mine.id}`, { method: 'DELETE', token });
    expect(del.status).toBe(204);
    expect(await route(token)).toEqual({ provider: 'openrouter', source: 'system', key: h.systemKey });
  });

  it('a key added is used by the very next request', async () => {
    const token = await freshUser();
    expect(await route(token)).toEqual({ provider: 'openrouter', source: 'system', key: h.systemKey });
    const router = await h.storeKey(token, 'openrouter');
    expect(await route(token)).toEqual({ provider: 'openrouter', source: 'user', key: router.apiKey });
    const own = await h.storeKey(token, 'openai');
    expect(await route(token)).toEqual({ provider: 'openai', source: 'user', key: own.apiKey });
  });

  it('one user’s change leaves another user’s routing alone', async () => {
    const alice = await freshUser();
    const bob = await freshUser();
    const a = await h.storeKey(alice, 'openai');
    const b = await h.storeKey(bob, 'openai');
    expect((await route(alice)).key).toBe(a.apiKey);
    expect((await route(bob)).key).toBe(b.apiKey);
    await h.t.request(`/api/user/api-keys/${a.id}`, { method: 'DELETE', token: alice });
    expect((await route(bob)).key).toBe(b.apiKey);
    expect((await route(alice)).source).toBe('system');
  });
});

describe('key changes made by another instance (straight in the database)', () => {
  const TTL = 1_000;
  let h: ChatHarness;
  beforeAll(async () => {
    h = await createChatHarness('sqlite', { KEY_CACHE_TTL_MS: String(TTL) });
  });
  afterAll(async () => h.close());

  it('are honoured once KEY_CACHE_TTL_MS has passed', async () => {
    const token = await h.t.jwt('elsewhere');
    const mine = await h.storeKey(token, 'openai');
    expect((await h.chat(token, ask)).headers.get('x-gateway-key-source')).toBe('user');
    const cachedAt = performance.now();

    await h.t.deps.db.updateTable('api_keys').set({ is_active: 0 }).where('id', '=', mine.id).execute();
    const soon = await h.chat(token, ask);
    if (performance.now() - cachedAt < TTL * 0.8) {
      // Still within the TTL: served from the cache, as intended.
      expect(soon.headers.get('x-gateway-key-source')).toBe('user');
    }

    await sleep(TTL + 100);
    const later = await h.chat(token, ask);
    expect(later.status).toBe(200);
    expect(later.headers.get('x-gateway-key-source')).toBe('system');
    expect(later.headers.get('x-gateway-provider')).toBe('openrouter');
  });
});

describe('KEY_CACHE_TTL_MS=0', () => {
  let h: ChatHarness;
  beforeAll(async () => {
    h = await createChatHarness('sqlite', { KEY_CACHE_TTL_MS: '0' });
  });
  afterAll(async () => h.close());

  it('reads the database on every request', async () => {
    const token = await h.t.jwt('no-cache');
    const mine = await h.storeKey(token, 'openai');
    expect((await h.chat(token, ask)).headers.get('x-gateway-key-source')).toBe('user');
    await h.t.deps.db.updateTable('api_keys').set({ is_active: 0 }).where('id', '=', mine.id).execute();
    expect((await h.chat(token, ask)).headers.get('x-gateway-key-source')).toBe('system');
  });
});
