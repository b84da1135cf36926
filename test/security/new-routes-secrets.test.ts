import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatHarness } from '../helpers/chat-harness.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { leaksOf, seenByClient } from './support/leaks.js';
import { databaseFiles, nativeHarness } from './support/native-harness.js';

/**
 * Canary keys through issue 16's routes — embeddings, Responses and Anthropic's Messages, native
 * pass-through and translated, streamed and not — with upstreams that echo the key in an error
 * and in a mid-stream error event. Neither the key nor its encoded forms reach a client, the log,
 * the metrics or the database.
 */
describe.each(DATABASE_KINDS)(
  'canary keys through /v1/embeddings, /v1/responses, /v1/messages on %s',
  (kind) => {
    let h: ChatHarness;
    const canaries: string[] = [];
    const seen: string[] = [];
    let close: () => Promise<void>;

    beforeAll(async () => {
      ({ h, close } = await nativeHarness(kind));
      const alice = await h.t.jwt('alice');
      canaries.push(h.systemKey);
      for (const provider of ['openai', 'anthropic', 'google', 'openrouter'] as const)
        canaries.push((await h.storeKey(alice, provider, `canary-${provider}`)).apiKey);
      const post = async (path: string, body: Record<string, unknown>, token = alice) => {
        const headers: Record<string, string> = path.startsWith('/v1/messages')
          ? { 'x-api-key': token }
          : { authorization: `Bearer ${token}` };
        seen.push(await seenByClient(await h.t.request(path, { method: 'POST', headers, json: body })));
      };
      const texts = ['hi', '!scenario error echo-key', '!scenario midstream-error echo-key'];
      for (const text of texts.slice(0, 2)) {
        for (const model of [
          'openai/text-embedding-3-small',
          'google/gemini-embedding-001',
          'mistralai/mistral-embed',
        ])
          await post('/v1/embeddings', { model, input: [text] });
        await post('/v1/embeddings', { model: 'mistralai/mistral-embed', input: text }, await h.t.jwt('bob'));
      }
      for (const text of texts) {
        for (const stream of [false, true]) {
          for (const model of ['claude-sonnet-4-5', 'openai/gpt-4o-mini']) {
            await post('/v1/messages', {
              model,
              max_tokens: 32,
              stream,
              messages: [{ role: 'user', content: text }],
            });
            await post('/v1/responses', { model, stream, input: text });
          }
          await post('/v1/messages/count_tokens', {
            model: 'claude-sonnet-4-5',
            messages: [{ role: 'user', content: text }],
          });
        }
      }
      await h.t.drain();
    }, 120_000);
    afterAll(async () => close());

    it('used every canary upstream (the checks below can fail)', () => {
      expect(seen).toHaveLength(38);
      expect(seen.some((s) => s.includes('event: error'))).toBe(true);
      expect(h.fakes.openrouter.requests.some((r) => r.key === h.systemKey)).toBe(true);
    });

    it('shows no canary to any client, in a body or a header, nor in the log or the metrics', () => {
      const all = [seen.join('\n'), h.t.logs.join('\n'), h.t.metricsText()].join('\n');
      for (const c of canaries) expect(leaksOf(c, all)).toEqual([]);
    });

    it('stores no canary in the database', async () => {
      const rows = JSON.stringify([
        await h.t.deps.db.selectFrom('api_keys').selectAll().execute(),
        await h.t.deps.db.selectFrom('usage_events').selectAll().execute(),
      ]);
      for (const c of canaries)
        for (const text of [rows, ...databaseFiles(h)]) expect(leaksOf(c, text)).toEqual([]);
    });
  },
);
