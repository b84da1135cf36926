import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ChatHarness, createChatHarness, userMessage } from '../../helpers/chat-harness.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';

const MODEL = 'openai/gpt-4o-mini';

async function errorOf(res: Response) {
  return (await res.json()).error as { code: string; param: string | null; message: string };
}

describe.each(DATABASE_KINDS)('system key policy on %s', (kind) => {
  describe('SYSTEM_KEY_ACCESS=claim', () => {
    let h: ChatHarness;
    beforeAll(async () => {
      h = await createChatHarness(kind, { SYSTEM_KEY_ACCESS: 'claim' });
    });
    afterAll(async () => h.close());
    beforeEach(() => h.clearFakes());

    it('refuses a never-seen user whose JWT lacks the claim with 403 system_key_not_allowed', async () => {
      const res = await h.chat(await h.t.jwt('stranger'), { model: MODEL, messages: userMessage('hi') });
      expect(res.status).toBe(403);
      expect(res.headers.get('x-should-retry')).toBe('false');
      expect((await errorOf(res)).code).toBe('system_key_not_allowed');
      expect(h.fakes.openrouter.requests).toHaveLength(0);
    });

    it('refuses a claim that is not exactly true', async () => {
      const jwt = await h.t.jwt('almost', { claims: { byok_system: 'true' } });
      expect((await h.chat(jwt, { model: MODEL, messages: userMessage('hi') })).status).toBe(403);
    });

    it('serves a JWT whose byok_system claim is true', async () => {
      const jwt = await h.t.jwt('trusted', { claims: { byok_system: true } });
      const res = await h.chat(jwt, { model: MODEL, messages: userMessage('hi') });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-gateway-key-source')).toBe('system');
    });

    it('never lets a gateway token reach the system key, even one minted by a trusted user', async () => {
      const jwt = await h.t.jwt('trusted-sdk', { claims: { byok_system: true } });
      const minted = await h.t.request('/api/user/tokens', {
        method: 'POST',
        token: jwt,
        json: { name: 'sdk' },
      });
      const { token } = await minted.json();
      const res = await h.chat(token, { model: MODEL, messages: userMessage('hi') });
      expect(res.status).toBe(403);
      expect((await errorOf(res)).code).toBe('system_key_not_allowed');
    });

    it('lists models as reachable through the system key only for a caller the policy lets use it', async () => {
      const via = async (jwt: string) => {
        const list = await (await h.t.request('/v1/models', { token: jwt })).json();
        return list.data.find((m: { id: string }) => m.id === MODEL).gateway;
      };
      expect(await via(await h.t.jwt('stranger-list'))).toEqual({
        reachable: false,
        via: null,
        provider: null,
      });
      const trusted = await h.t.jwt('trusted-list', { claims: { byok_system: true } });
      expect(await via(trusted)).toEqual({ reachable: true, via: 'system', provider: 'openrouter' });
    });

    it('still serves a user with a key of their own', async () => {
      const jwt = await h.t.jwt('own-key');
      await h.storeKey(jwt, 'openai');
      expect((await h.chat(jwt, { model: MODEL, messages: userMessage('hi') })).status).toBe(200);
    });
  });

  describe('SYSTEM_KEY_ACCESS=none', () => {
    let h: ChatHarness;
    beforeAll(async () => {
      h = await createChatHarness(kind, { SYSTEM_KEY_ACCESS: 'none' });
    });
    afterAll(async () => h.close());

    it('refuses a never-seen user with 403 no_key_available, even with the claim', async () => {
      const jwt = await h.t.jwt('stranger', { claims: { byok_system: true } });
      const res = await h.chat(jwt, { model: MODEL, messages: userMessage('hi') });
      expect(res.status).toBe(403);
      expect((await errorOf(res)).code).toBe('no_key_available');
      expect(h.fakes.openrouter.requests).toHaveLength(0);
    });
  });

  describe('limits on the system key', () => {
    let h: ChatHarness;
    let jwt: string;
    beforeAll(async () => {
      h = await createChatHarness(kind, {
        SYSTEM_KEY_MODELS: 'openai/gpt-4o-mini, meta-llama/*',
        SYSTEM_KEY_MAX_OUTPUT_TOKENS: '500',
      });
      jwt = await h.t.jwt('system-user');
    });
    afterAll(async () => h.close());
    beforeEach(() => h.clearFakes());

    it('serves the listed models and wildcard matches, bare ids by their vendor/model id', async () => {
      for (const model of ['openai/gpt-4o-mini', 'gpt-4o-mini', 'meta-llama/llama-3.3-70b-instruct']) {
        expect((await h.chat(jwt, { model, messages: userMessage('hi') })).status, model).toBe(200);
      }
    });

    it('lists a model outside SYSTEM_KEY_MODELS as unreachable through the system key', async () => {
      const list = await (await h.t.request('/v1/models', { token: jwt })).json();
      const gw = (id: string) => list.data.find((m: { id: string }) => m.id === id).gateway;
      expect(gw('openai/gpt-4o-mini').via).toBe('system');
      expect(gw('meta-llama/Llama-3.3-70B-Instruct').via).toBe('system');
      expect(gw('openai/gpt-4o')).toEqual({ reachable: false, via: null, provider: null });
    });

    it('refuses another model with 403 model_not_allowed', async () => {
      const res = await h.chat(jwt, { model: 'openai/o1-pro', messages: userMessage('hi') });
      expect(res.status).toBe(403);
      expect(res.headers.get('x-should-retry')).toBe('false');
      expect((await errorOf(res)).code).toBe('model_not_allowed');
      expect(h.fakes.openrouter.requests).toHaveLength(0);
    });

    it.each([
      [{ max_tokens: 501 }, 'max_tokens'],
      [{ max_completion_tokens: 100_000_000 }, 'max_completion_tokens'],
      [{ n: 2 }, 'n'],
      [{ models: ['openai/o1-pro'] }, 'models'],
      [{ route: 'fallback' }, 'route'],
      [{ plugins: [{ id: 'web' }] }, 'plugins'],
      [{ web_search_options: { search_context_size: 'high' } }, 'web_search_options'],
    ])('refuses %j with 400 system_key_limit naming %s', async (extra, param) => {
      const res = await h.chat(jwt, { model: MODEL, messages: userMessage('hi'), ...extra });
      expect(res.status).toBe(400);
      expect(res.headers.get('x-should-retry')).toBe('false');
      const err = await errorOf(res);
      expect(err.code).toBe('system_key_limit');
      expect(err.param).toBe(param);
      expect(err.message).toContain(param);
      expect(h.fakes.openrouter.requests).toHaveLength(0);
    });

    it('sends the cap upstream when the caller set none, and the caller’s own lower cap unchanged', async () => {
      await h.chat(jwt, { model: MODEL, messages: userMessage('a') });
      expect(h.fakes.openrouter.requests[0]?.body?.max_tokens).toBe(500);
      await h.chat(jwt, { model: MODEL, messages: userMessage('b'), max_completion_tokens: 20 });
      const sent = h.fakes.openrouter.requests[1]?.body;
      expect(sent?.max_completion_tokens).toBe(20);
      expect(sent?.max_tokens).toBeUndefined();
    });

    it('sends OpenRouter a stable user id that does not reveal the user id', async () => {
      await h.chat(jwt, { model: MODEL, messages: userMessage('a') });
      await h.chat(jwt, { model: MODEL, messages: userMessage('b'), user: 'caller-chosen' });
      await h.chat(await h.t.jwt('someone-else'), { model: MODEL, messages: userMessage('c') });
      const users = h.fakes.openrouter.requests.map((r) => r.body?.user);
      expect(users[0]).toMatch(/^u_[0-9a-f]{32}$/);
      expect(users[1]).toBe(users[0]);
      expect(users[2]).not.toBe(users[0]);
      expect(JSON.stringify(users)).not.toContain('system-user');
    });

    it('leaves a request on the user’s own key alone', async () => {
      const own = await h.t.jwt('own-openrouter');
      await h.storeKey(own, 'openrouter');
      const res = await h.chat(own, {
        model: 'openai/o1-pro',
        messages: userMessage('x'),
        n: 2,
        max_tokens: 9000,
      });
      expect(res.status).toBe(200);
      const sent = h.fakes.openrouter.requests[0]?.body;
      expect(sent?.n).toBe(2);
      expect(sent?.max_tokens).toBe(9000);
      expect(sent?.user).toBeUndefined();
    });
  });
});
