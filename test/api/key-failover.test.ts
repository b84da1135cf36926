import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendJson } from '../../fakes/openai-chat.js';
import { errorAnswer } from '../../fakes/openai-flavours.js';
import { type ChatHarness, createChatHarness, userMessage } from '../helpers/chat-harness.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { fakeKey, type KeyProvider } from '../helpers/keys.js';

const MODEL = 'openai/gpt-4o-mini';

describe.each(DATABASE_KINDS)('several keys per provider, failover, exclusive, expiry on %s', (kind) => {
  let h: ChatHarness;
  let n = 0;
  const freshUser = async () => h.t.jwt(`failover-${kind}-${++n}`);

  let names = 0;
  /** Stores a key with lifecycle settings (named: one user holds one unnamed key per provider). */
  const store = async (token: string, provider: KeyProvider, extra: Record<string, unknown> = {}) => {
    const apiKey = fakeKey(provider);
    const res = await h.t.request('/api/user/api-keys', {
      method: 'POST',
      token,
      json: { provider, apiKey, keyName: `key-${++names}`, ...extra },
    });
    expect(res.status).toBe(201);
    return { id: (await res.json()).id as string, apiKey };
  };
  const view = async (token: string, id: string) =>
    (await h.t.request(`/api/user/api-keys/${id}`, { token })).json();
  /** The next OpenAI call answers OpenAI's own 429 (or `insufficient_quota` for 402), whatever the key. */
  const nextOpenAIFails = (status: 429 | 402) =>
    h.fakes.openai.next((rec, res) => {
      const a = errorAnswer('openai', status, { key: rec.key, model: 'gpt-4o-mini' });
      sendJson(res, a.status, a.body, a.headers);
    });

  beforeAll(async () => {
    h = await createChatHarness(kind);
  });
  afterAll(async () => h.close());
  beforeEach(() => h.clearFakes());

  it('tries keys by priority and moves past a rejected key, marking it rejected for later requests', async () => {
    const token = await freshUser();
    const first = await store(token, 'openai', { priority: 1, keyName: 'first' });
    const second = await store(token, 'openai', { priority: 2 });
    await store(token, 'openai'); // unnumbered: after both, never reached here
    h.fakes.openai.rejectedKeys.add(first.apiKey);

    const res = await h.chat(token, { model: MODEL, messages: userMessage('hi') });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gateway-attempts')).toBe('2');
    expect(res.headers.get('x-gateway-key-id')).toBe(second.id);
    expect(h.fakes.openai.requests.map((r) => r.key)).toEqual([first.apiKey, second.apiKey]);
    const marked = await view(token, first.id);
    expect(marked).toMatchObject({ status: 'rejected', lastError: expect.stringContaining('OpenAI') });
    expect(marked.lastError).not.toContain(first.apiKey.slice(8, 30));
    expect(marked.lastErrorAt).toBeTruthy();

    // The rejected key is skipped at selection now: one attempt, on the second key.
    h.clearFakes();
    const again = await h.chat(token, { model: MODEL, messages: userMessage('again') });
    expect(again.headers.get('x-gateway-attempts')).toBe('1');
    expect(h.fakes.openai.requests.map((r) => r.key)).toEqual([second.apiKey]);

    // PATCHing it active routes it again.
    h.fakes.openai.rejectedKeys.delete(first.apiKey);
    const patched = await h.t.request(`/api/user/api-keys/${first.id}`, {
      method: 'PATCH',
      token,
      json: { isActive: true },
    });
    expect((await patched.json()).status).toBe('unverified');
    h.clearFakes();
    await h.chat(token, { model: MODEL, messages: userMessage('back') });
    expect(h.fakes.openai.requests.map((r) => r.key)).toEqual([first.apiKey]);
  });

  it('moves past a 429 and rests that key (tried after the others) for its Retry-After', async () => {
    const token = await freshUser();
    const first = await store(token, 'openai', { priority: 1 });
    const second = await store(token, 'openai', { priority: 2 });
    nextOpenAIFails(429);
    const res = await h.chat(token, { model: MODEL, messages: userMessage('hi') });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gateway-attempts')).toBe('2');
    expect(res.headers.get('x-gateway-key-id')).toBe(second.id);
    expect((await view(token, first.id)).status).toBe('unverified'); // resting is not rejected

    h.clearFakes();
    const next = await h.chat(token, { model: MODEL, messages: userMessage('next') });
    expect(next.headers.get('x-gateway-key-id')).toBe(second.id);
    expect(h.fakes.openai.requests.map((r) => r.key)).toEqual([second.apiKey]);
  });

  it('moves past exhausted quota; when every key fails, answers the last failure and never leaves the provider', async () => {
    const token = await freshUser();
    await store(token, 'openai', { priority: 1 });
    const second = await store(token, 'openai', { priority: 2 });
    await store(token, 'openrouter'); // would serve the model, but not half-way through a request
    nextOpenAIFails(402);
    h.fakes.openai.rejectedKeys.add(second.apiKey);
    const res = await h.chat(token, { model: MODEL, messages: userMessage('hi') });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-gateway-attempts')).toBe('2');
    expect(res.headers.get('x-gateway-key-id')).toBe(second.id);
    expect((await res.json()).error.code).toBe('provider_key_rejected');
    expect(h.fakes.openrouter.requests).toHaveLength(0);
  });

  it('tries at most 3 keys in one request', async () => {
    const token = await freshUser();
    const keys = [];
    for (let i = 0; i < 4; i++) keys.push(await store(token, 'openai', { priority: i }));
    for (const k of keys) h.fakes.openai.rejectedKeys.add(k.apiKey);
    const res = await h.chat(token, { model: MODEL, messages: userMessage('hi') });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-gateway-attempts')).toBe('3');
    expect(h.fakes.openai.requests).toHaveLength(3);
  });

  it('never fails over once the first streamed byte reached the client', async () => {
    const token = await freshUser();
    await store(token, 'openai', { priority: 1 });
    await store(token, 'openai', { priority: 2 });
    const res = await h.chat(token, {
      model: MODEL,
      stream: true,
      messages: userMessage('!scenario midstream-error'),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gateway-attempts')).toBe('1');
    const text = await res.text();
    expect(text).toContain('"error"');
    expect(h.fakes.openai.requests).toHaveLength(1);
  });

  it('a budget-refused key makes way for the next key of the same provider', async () => {
    const token = await freshUser();
    await store(token, 'openai', { priority: 1, monthlyBudgetUsd: 0 });
    const second = await store(token, 'openai', { priority: 2 });
    const res = await h.chat(token, { model: MODEL, messages: userMessage('hi') });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gateway-attempts')).toBe('1');
    expect(res.headers.get('x-gateway-key-id')).toBe(second.id);
  });

  it('skips rejected, expired and inactive keys at selection, then falls back to OpenRouter', async () => {
    const token = await freshUser();
    const expired = await store(token, 'openai', { expiresAt: '2020-01-01T00:00:00Z' });
    const off = await store(token, 'openai');
    await h.t.request(`/api/user/api-keys/${off.id}`, { method: 'PATCH', token, json: { isActive: false } });
    const or = await store(token, 'openrouter');
    expect((await view(token, expired.id)).status).toBe('expired');
    const res = await h.chat(token, { model: MODEL, messages: userMessage('hi') });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gateway-provider')).toBe('openrouter');
    expect(res.headers.get('x-gateway-key-id')).toBe(or.id);
    expect(h.fakes.openai.requests).toHaveLength(0);
  });

  it('exclusive keys stop the fallback: 403 exclusive_keys_unusable naming the keys, no other key tried', async () => {
    const token = await freshUser();
    const key = await store(token, 'openai', { exclusive: true, keyName: 'only-this' });
    await store(token, 'openrouter');
    await h.t.request(`/api/user/api-keys/${key.id}`, { method: 'PATCH', token, json: { isActive: false } });
    const res = await h.chat(token, { model: MODEL, messages: userMessage('hi') });
    expect(res.status).toBe(403);
    const err = (await res.json()).error;
    expect(err.code).toBe('exclusive_keys_unusable');
    expect(err.message).toContain('"only-this"');
    expect(err.message).toContain('inactive');
    expect(h.fakes.openrouter.requests).toHaveLength(0);
    expect(h.fakes.openai.requests).toHaveLength(0);
    // /v1/models says the same: OpenAI's models are out of reach, the others go via OpenRouter.
    const via = async () => {
      const models = (await (await h.t.request('/v1/models', { token })).json()).data as {
        id: string;
        gateway: { via: string | null; reachable: boolean };
      }[];
      const of = (prefix: string) => models.find((m) => m.id.startsWith(prefix))?.gateway;
      return { openai: of(MODEL), anthropic: of('anthropic/') };
    };
    expect(await via()).toEqual({
      openai: { reachable: false, via: null, provider: null },
      anthropic: { reachable: true, via: 'openrouter', provider: 'openrouter' },
    });

    // Not exclusive any more: the OpenRouter key serves.
    await h.t.request(`/api/user/api-keys/${key.id}`, { method: 'PATCH', token, json: { exclusive: false } });
    const ok = await h.chat(token, { model: MODEL, messages: userMessage('hi') });
    expect(ok.headers.get('x-gateway-provider')).toBe('openrouter');
    expect((await via()).openai).toEqual({ reachable: true, via: 'openrouter', provider: 'openrouter' });
  });

  it('warns in x-gateway-key-warning when the key used expires within 7 days or is due for rotation', async () => {
    const token = await freshUser();
    const soon = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const key = await store(token, 'openai', { expiresAt: soon });
    const res = await h.chat(token, { model: MODEL, messages: userMessage('hi') });
    expect(res.headers.get('x-gateway-key-warning')).toBe(`key ${key.id} expires ${soon}`);
    expect(res.headers.get('x-gateway-key-warning')).not.toContain(key.apiKey);

    const other = await freshUser();
    await store(other, 'openai');
    const fine = await h.chat(other, { model: MODEL, messages: userMessage('hi') });
    expect(fine.headers.get('x-gateway-key-warning')).toBeNull();
  });
});
