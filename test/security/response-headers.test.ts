import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatHarness, createChatHarness, userMessage } from '../helpers/chat-harness.js';

/**
 * `nosniff` on every response (an error body echoing input can never be sniffed into HTML), and
 * `no-store` wherever a secret or a list of keys is shown (no proxy or browser cache keeps it).
 */
describe('security headers', () => {
  let h: ChatHarness;
  let alice: string;
  beforeAll(async () => {
    h = await createChatHarness('sqlite');
    alice = await h.t.jwt('alice');
  });
  afterAll(async () => h.close());

  it('puts X-Content-Type-Options: nosniff on every kind of response', async () => {
    const { id } = await h.storeKey(alice, 'openai', 'main');
    const responses = [
      await h.t.request('/healthz'),
      await h.t.request('/metrics'),
      await h.t.request('/nope'),
      await h.t.request('/healthz', { method: 'POST' }),
      await h.t.request('/api/user/api-keys'),
      await h.t.request('/api/user/api-keys', { token: alice }),
      await h.t.request(`/api/user/api-keys/${id}`, { token: alice }),
      await h.t.request('/api/user/api-keys', { method: 'POST', token: alice, json: { provider: 'x' } }),
      await h.t.request('/api/user/tokens', { method: 'POST', token: alice, json: { name: 'n' } }),
      await h.t.request('/v1/models', { token: alice }),
      await h.chat(alice, { model: 'openai/gpt-4o-mini', messages: userMessage('hi') }),
      await h.chat(alice, { model: 'openai/gpt-4o-mini', stream: true, messages: userMessage('hi') }),
      await h.chat(alice, { model: 'openai/gpt-4o-mini', messages: userMessage('!scenario error 500') }),
    ];
    for (const res of responses) {
      expect(res.headers.get('x-content-type-options'), `${res.status} ${res.url}`).toBe('nosniff');
      await res.body?.cancel();
    }
  });

  it('sends Cache-Control: no-store with a new token, token and key lists, and key views', async () => {
    const created = await h.t.request('/api/user/tokens', {
      method: 'POST',
      token: alice,
      json: { name: 'cli' },
    });
    expect(created.status).toBe(201);
    const { id } = await h.storeKey(alice, 'anthropic', 'store-check');
    const responses = [
      created,
      await h.t.request('/api/user/tokens', { token: alice }),
      await h.t.request('/api/user/api-keys', { token: alice }),
      await h.t.request(`/api/user/api-keys/${id}`, { token: alice }),
      await h.t.request(`/api/user/api-keys/${id}`, {
        method: 'PATCH',
        token: alice,
        json: { keyName: 'renamed' },
      }),
    ];
    for (const res of responses) expect(res.headers.get('cache-control'), res.url).toBe('no-store');
  });
});
