import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatHarness, userMessage } from '../helpers/chat-harness.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import type { KeyProvider } from '../helpers/keys.js';
import { leaksOf, seenByClient } from './support/leaks.js';
import { databaseFiles, nativeHarness } from './support/native-harness.js';

/**
 * Secrets at rest and in flight: canary keys (one per provider, plus the system key and a gateway
 * token) are used through every kind of call — success, stream, client errors, upstream errors
 * echoing the key, a rejected key, mid-stream failures, verify and PUT, renames and deletes. Afterwards neither
 * they nor their base64/hex forms appear in the database (SQLite files; PostgreSQL rows), the
 * logs at debug level, the metrics, or anything a client received (bodies and headers).
 */
const PROVIDERS: KeyProvider[] = ['openai', 'anthropic', 'google', 'meta', 'openrouter'];

describe.each(DATABASE_KINDS)('canary keys through the whole gateway on %s', (kind) => {
  let h: ChatHarness;
  let alice: string;
  const canaries: string[] = [];
  const seen: string[] = [];
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ h, close } = await nativeHarness(kind));
    alice = await h.t.jwt('alice');
    canaries.push(h.systemKey);
    const keep = async (res: Response) => {
      seen.push(await seenByClient(res));
    };

    for (const provider of PROVIDERS)
      canaries.push((await h.storeKey(alice, provider, `canary-${provider}`)).apiKey);
    const token = await (
      await h.t.request('/api/user/tokens', {
        method: 'POST',
        token: alice,
        json: { name: 'sdk', scopes: ['chat', 'keys:read'] },
      })
    ).json();
    const gwt = token.token as string;
    // Its first 8 characters are its documented preview (`gwt_AbCd…`), shown and stored on
    // purpose; everything after them is the secret.
    canaries.push(gwt.slice(1));

    const chats: [string, Record<string, unknown>][] = [
      ['openai/gpt-4o-mini', {}],
      ['openai/gpt-4o-mini', { stream: true }],
      ['anthropic/claude-sonnet-4-5', {}],
      ['anthropic/claude-sonnet-4-5', { stream: true }],
      ['google/gemini-2.5-flash', {}],
      ['google/gemini-2.5-flash', { stream: true }],
      ['meta-llama/llama-3.3-70b', {}],
      ['mistralai/mistral-small', {}],
    ];
    for (const [model, extra] of chats) {
      for (const text of [
        'hi',
        '!scenario error echo-key',
        '!scenario error 401',
        '!scenario midstream-error echo-key',
      ]) {
        await keep(await h.chat(alice, { model, messages: userMessage(text), ...extra }));
        await keep(await h.chat(gwt, { model, messages: userMessage(text), ...extra }));
      }
    }
    // The system key: a user without keys of their own.
    await keep(
      await h.chat(await h.t.jwt('bob'), {
        model: 'mistralai/mistral-small',
        messages: userMessage('!scenario error echo-key'),
      }),
    );
    // A stored key the provider refuses.
    h.fakes.openai.rejectedKeys.add(canaries[1] as string);
    await keep(await h.chat(alice, { model: 'openai/gpt-4o-mini', messages: userMessage('hi') }));
    // Client errors, management calls, a rename, a delete.
    await keep(await h.chat(alice, { model: 'openai/gpt-4o-mini', messages: 'nope' }));
    await keep(
      await h.t.request('/api/user/api-keys', {
        method: 'POST',
        token: alice,
        json: { provider: 'openai', apiKey: `${canaries[2]}` },
      }),
    );
    const list = await (await h.t.request('/api/user/api-keys', { token: alice })).json();
    seen.push(JSON.stringify(list));
    await keep(await h.t.request('/api/user/api-keys', { token: gwt }));
    await keep(await h.t.request('/api/user/tokens', { token: alice }));
    await keep(await h.t.request('/v1/models', { token: alice }));
    // Verify every stored key (the rejected one's reason becomes its lastError), and a PUT with
    // `verify` of a secret the provider refuses (422 with the provider's reason).
    for (const k of list.data as { id: string }[])
      await keep(await h.t.request(`/api/user/api-keys/${k.id}/verify`, { method: 'POST', token: alice }));
    const openaiKey = (list.data as { id: string; provider: string }[]).find((k) => k.provider === 'openai');
    await keep(
      await h.t.request(`/api/user/api-keys/${openaiKey?.id}`, {
        method: 'PUT',
        token: alice,
        json: { apiKey: canaries[1], verify: true },
      }),
    );
    seen.push(JSON.stringify(await (await h.t.request('/api/user/api-keys', { token: alice })).json()));
    const first = list.data[0].id;
    await keep(
      await h.t.request(`/api/user/api-keys/${first}`, {
        method: 'PATCH',
        token: alice,
        json: { keyName: 'renamed' },
      }),
    );
    await keep(
      await h.t.request(`/api/user/api-keys/${list.data[1].id}`, { method: 'DELETE', token: alice }),
    );
    await h.t.drain();
  }, 120_000);
  afterAll(async () => close());

  it('used every canary (the checks below can fail)', () => {
    expect(canaries).toHaveLength(PROVIDERS.length + 2);
    const upstreamKeys = new Set(
      [...h.fakes.openai.requests, ...h.fakes.openrouter.requests, ...h.fakes.meta.requests].map(
        (r) => r.key,
      ),
    );
    expect(upstreamKeys.has(h.systemKey)).toBe(true);
    expect(seen.length).toBeGreaterThan(60);
  });

  it('shows no canary to any client, in a body or a header', () => {
    const all = seen.join('\n');
    for (const c of canaries) expect(leaksOf(c, all)).toEqual([]);
  });

  it('logs no canary, at debug level', () => {
    expect(h.t.logs.length).toBeGreaterThan(0);
    const all = h.t.logs.join('\n');
    for (const c of canaries) expect(leaksOf(c, all)).toEqual([]);
  });

  it('exposes no canary in the metrics', () => {
    const text = h.t.metricsText();
    expect(text).toContain('byok_chat_requests_total');
    for (const c of canaries) expect(leaksOf(c, text)).toEqual([]);
  });

  it('stores no canary in the database', async () => {
    const rows = JSON.stringify([
      await h.t.deps.db.selectFrom('api_keys').selectAll().execute(),
      await h.t.deps.db.selectFrom('access_tokens').selectAll().execute(),
    ]);
    expect(rows).toContain('canary-');
    const files = databaseFiles(h);
    for (const c of canaries) {
      expect(leaksOf(c, rows)).toEqual([]);
      for (const file of files) expect(leaksOf(c, file)).toEqual([]);
    }
  });
});
