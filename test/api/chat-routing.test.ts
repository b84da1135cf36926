import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAnthropic } from '../../fakes/anthropic-server.js';
import { type ChatHarness, createChatHarness, userMessage } from '../helpers/chat-harness.js';
import { DATABASE_KINDS } from '../helpers/databases.js';

describe.each(DATABASE_KINDS)('chat routing on %s', (kind) => {
  let h: ChatHarness;
  let n = 0;
  // Each test gets its own user, so keys stored by one test never change another's routing.
  const freshUser = async () => h.t.jwt(`user-${kind}-${++n}`);

  beforeAll(async () => {
    h = await createChatHarness(kind);
  });
  afterAll(async () => h.close());
  beforeEach(() => h.clearFakes());

  it('calls OpenAI with the caller’s own key and the prefix stripped', async () => {
    const token = await freshUser();
    const { apiKey } = await h.storeKey(token, 'openai');
    const res = await h.chat(token, { model: 'openai/gpt-4o-mini', messages: userMessage('hi') });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gateway-provider')).toBe('openai');
    expect(res.headers.get('x-gateway-key-source')).toBe('user');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const body = await res.json();
    expect(body.choices[0].message.content).toBe('echo: hi');
    expect(h.fakes.openai.requests).toHaveLength(1);
    const sent = h.fakes.openai.requests[0]!;
    expect(sent.key).toBe(apiKey);
    expect(sent.body?.model).toBe('gpt-4o-mini');
    expect(h.fakes.openrouter.requests).toHaveLength(0);
  });

  it('routes a bare gpt-* id to OpenAI and a meta-llama/ id to Meta with their own keys', async () => {
    const token = await freshUser();
    await h.storeKey(token, 'openai');
    const meta = await h.storeKey(token, 'meta');
    expect((await h.chat(token, { model: 'gpt-4o', messages: userMessage('a') })).status).toBe(200);
    expect(h.fakes.openai.requests[0]?.body?.model).toBe('gpt-4o');
    const res = await h.chat(token, {
      model: 'meta-llama/Llama-3.3-70B-Instruct',
      messages: userMessage('b'),
    });
    expect(res.headers.get('x-gateway-provider')).toBe('meta');
    expect(h.fakes.meta.requests[0]?.body?.model).toBe('Llama-3.3-70B-Instruct');
    expect(h.fakes.meta.requests[0]?.key).toBe(meta.apiKey);
  });

  it('falls back to the caller’s OpenRouter key with the full vendor/model id', async () => {
    const token = await freshUser();
    const { apiKey } = await h.storeKey(token, 'openrouter');
    const res = await h.chat(token, { model: 'openai/gpt-4o', messages: userMessage('x') });
    expect(res.headers.get('x-gateway-provider')).toBe('openrouter');
    expect(res.headers.get('x-gateway-key-source')).toBe('user');
    const sent = h.fakes.openrouter.requests[0]!;
    expect(sent.key).toBe(apiKey);
    expect(sent.body?.model).toBe('openai/gpt-4o');
    expect(sent.headers['http-referer']).toBeTruthy();
    expect(sent.headers['x-title']).toBe('byok-gateway');
  });

  it('sends a caller with an Anthropic key to Anthropic natively, and one with only an OpenRouter key to OpenRouter with the vendor added', async () => {
    const anthropic = await startFakeAnthropic();
    const own = await createChatHarness(kind, { ANTHROPIC_BASE_URL: anthropic.baseUrl });
    try {
      const native = await own.t.jwt('anthropic-user');
      const key = await own.storeKey(native, 'anthropic');
      await own.storeKey(native, 'openrouter');
      const res = await own.chat(native, {
        model: 'anthropic/claude-sonnet-4-5',
        messages: userMessage('x'),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-gateway-provider')).toBe('anthropic');
      expect(anthropic.requests[0]?.body?.model).toBe('claude-sonnet-4-5');
      expect(anthropic.requests[0]?.key).toBe(key.apiKey);
      expect(own.fakes.openrouter.requests).toHaveLength(0);

      const viaOpenRouter = await own.t.jwt('openrouter-user');
      const or = await own.storeKey(viaOpenRouter, 'openrouter');
      const routed = await own.chat(viaOpenRouter, {
        model: 'claude-sonnet-4-5',
        messages: userMessage('x'),
      });
      expect(routed.headers.get('x-gateway-provider')).toBe('openrouter');
      expect(own.fakes.openrouter.requests[0]?.body?.model).toBe('anthropic/claude-sonnet-4-5');
      expect(own.fakes.openrouter.requests[0]?.key).toBe(or.apiKey);
      expect(anthropic.requests).toHaveLength(1);
    } finally {
      await own.close();
      await anthropic.close();
    }
  });

  it('uses the system OpenRouter key when the caller has no key, and says so', async () => {
    const token = await freshUser();
    const res = await h.chat(token, { model: 'mistralai/mistral-large', messages: userMessage('x') });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gateway-key-source')).toBe('system');
    expect(h.fakes.openrouter.requests[0]?.key).toBe(h.systemKey);
    expect(h.fakes.openrouter.requests[0]?.body?.model).toBe('mistralai/mistral-large');
  });

  it('skips an inactive key and a deleted key', async () => {
    const token = await freshUser();
    const inactive = await h.storeKey(token, 'openai', 'inactive');
    await h.t.request(`/api/user/api-keys/${inactive.id}`, {
      method: 'PATCH',
      token,
      json: { isActive: false },
    });
    const deleted = await h.storeKey(token, 'openai', 'deleted');
    await h.t.request(`/api/user/api-keys/${deleted.id}`, { method: 'DELETE', token });
    const res = await h.chat(token, { model: 'openai/gpt-4o', messages: userMessage('x') });
    expect(res.headers.get('x-gateway-key-source')).toBe('system');
    expect(h.fakes.openai.requests).toHaveLength(0);
    expect(h.fakes.openrouter.requests[0]?.key).toBe(h.systemKey);
  });

  it('uses the most recently created of several active keys', async () => {
    const token = await freshUser();
    await h.storeKey(token, 'openai', 'older');
    await new Promise((r) => setTimeout(r, 5));
    const newer = await h.storeKey(token, 'openai', 'newer');
    await h.chat(token, { model: 'openai/gpt-4o', messages: userMessage('x') });
    expect(h.fakes.openai.requests[0]?.key).toBe(newer.apiKey);
  });

  it('never uses another user’s key', async () => {
    const owner = await freshUser();
    await h.storeKey(owner, 'openai');
    const other = await freshUser();
    const res = await h.chat(other, { model: 'openai/gpt-4o', messages: userMessage('x') });
    expect(res.headers.get('x-gateway-key-source')).toBe('system');
    expect(h.fakes.openai.requests).toHaveLength(0);
  });

  it('advances lastUsedAt of the key it used', async () => {
    const token = await freshUser();
    const { id } = await h.storeKey(token, 'openai');
    await h.chat(token, { model: 'openai/gpt-4o', messages: userMessage('x') });
    await expect
      .poll(async () => (await (await h.t.request(`/api/user/api-keys/${id}`, { token })).json()).lastUsedAt)
      .not.toBeNull();
  });

  it('answers a bare unknown model with 404 model_not_found and calls nobody', async () => {
    const token = await freshUser();
    const res = await h.chat(token, { model: 'mystery-model', messages: userMessage('x') });
    expect(res.status).toBe(404);
    expect((await res.json()).error).toMatchObject({ code: 'model_not_found', param: 'model' });
    expect(h.fakes.openrouter.requests).toHaveLength(0);
  });

  it('lists models in OpenAI’s shape, marked by the keys the caller holds', async () => {
    const token = await freshUser();
    await h.storeKey(token, 'openai');
    const res = await h.t.request('/v1/models', { token });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.object).toBe('list');
    const gpt = body.data.find((m: { id: string }) => m.id === 'openai/gpt-4o');
    expect(gpt).toMatchObject({
      object: 'model',
      owned_by: 'openai',
      gateway: { reachable: true, via: 'user', provider: 'openai' },
    });
    const claude = body.data.find((m: { id: string }) => m.id.startsWith('anthropic/'));
    expect(claude.gateway).toEqual({ reachable: true, via: 'system', provider: 'openrouter' });
  });
});

describe('chat without any key', () => {
  let h: ChatHarness;
  beforeAll(async () => {
    h = await createChatHarness('sqlite', { OPENROUTER_API_KEY: '' });
  });
  afterAll(async () => h.close());

  it('answers 403 no_key_available naming the keys that would work', async () => {
    const token = await h.t.jwt('keyless');
    const res = await h.chat(token, { model: 'openai/gpt-4o', messages: userMessage('x') });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-should-retry')).toBe('false');
    const { error } = await res.json();
    expect(error.code).toBe('no_key_available');
    expect(error.message).toMatch(/OpenAI or OpenRouter/);
    const models = await (await h.t.request('/v1/models', { token })).json();
    expect(models.data.every((m: { gateway: { reachable: boolean } }) => !m.gateway.reachable)).toBe(true);
  });
});

describe('a stored key that cannot be opened', () => {
  let h: ChatHarness;
  beforeAll(async () => {
    h = await createChatHarness('sqlite');
  });
  afterAll(async () => h.close());

  it('answers 500 stored_key_unreadable without crypto detail, logs the key id only, and calls nobody', async () => {
    const token = await h.t.jwt('moved-row');
    const victim = await h.storeKey(token, 'openai', 'victim');
    const donor = await h.storeKey(await h.t.jwt('donor'), 'openai', 'donor');
    // A row copied from another user must not open under this user's binding.
    const donorRow = await h.t.deps.db
      .selectFrom('api_keys')
      .select('encrypted_key')
      .where('id', '=', donor.id)
      .executeTakeFirstOrThrow();
    await h.t.deps.db
      .updateTable('api_keys')
      .set({ encrypted_key: donorRow.encrypted_key })
      .where('id', '=', victim.id)
      .execute();

    const res = await h.chat(token, { model: 'openai/gpt-4o', messages: userMessage('x') });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-should-retry')).toBe('false');
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe('stored_key_unreadable');
    expect(text).toContain('victim');
    expect(text).not.toMatch(/OperationError|decrypt|cipher|tag/i);
    expect(text).not.toContain(donor.apiKey);
    expect(h.fakes.openai.requests).toHaveLength(0);
    const logs = h.t.logs.join('\n');
    expect(logs).toContain(victim.id);
    expect(logs).not.toContain(donor.apiKey);
    expect(await (await h.t.request('/metrics')).text()).toMatch(/byok_stored_key_decrypt_failures_total 1/);
  });
});
