import type { Env } from '../../src/config.js';
import { type FakeProvider, startFakeOpenAICompatible } from '../fakes/openai-compatible-server.js';
import type { DatabaseKind } from './databases.js';
import { fakeKey, type KeyProvider } from './keys.js';
import { createTestApp, type TestApp } from './test-app.js';

/** A test app wired to fake OpenAI, OpenRouter and Meta servers, plus helpers to store keys and chat. */
export interface ChatHarness {
  t: TestApp;
  fakes: { openai: FakeProvider; openrouter: FakeProvider; meta: FakeProvider };
  systemKey: string;
  storeKey(token: string, provider: KeyProvider, keyName?: string): Promise<{ id: string; apiKey: string }>;
  chat(token: string, body: Record<string, unknown>, headers?: Record<string, string>): Promise<Response>;
  clearFakes(): void;
  close(): Promise<void>;
}

export function userMessage(text: string) {
  return [{ role: 'user', content: text }];
}

export async function createChatHarness(kind: DatabaseKind, env: Env = {}): Promise<ChatHarness> {
  const [openai, openrouter, meta] = await Promise.all([
    startFakeOpenAICompatible({ flavour: 'openai' }),
    startFakeOpenAICompatible({ flavour: 'openrouter' }),
    startFakeOpenAICompatible({ flavour: 'meta' }),
  ]);
  const systemKey = fakeKey('openrouter');
  const t = await createTestApp(kind, {
    OPENAI_BASE_URL: openai.baseUrl,
    OPENROUTER_BASE_URL: openrouter.baseUrl,
    META_BASE_URL: meta.baseUrl,
    OPENROUTER_API_KEY: systemKey,
    RATE_LIMIT_RPM: '0',
    ...env,
  });
  const fakes = { openai, openrouter, meta };
  return {
    t,
    fakes,
    systemKey,
    async storeKey(token, provider, keyName) {
      const apiKey = fakeKey(provider);
      const res = await t.request('/api/user/api-keys', {
        method: 'POST',
        token,
        json: { provider, apiKey, keyName },
      });
      if (res.status !== 201) throw new Error(`storing a key failed: ${res.status} ${await res.text()}`);
      return { id: (await res.json()).id, apiKey };
    },
    chat(token, body, headers = {}) {
      return t.request('/v1/chat/completions', { method: 'POST', token, json: body, headers });
    },
    clearFakes() {
      for (const f of Object.values(fakes)) f.clear();
    },
    async close() {
      await t.close();
      await Promise.all(Object.values(fakes).map((f) => f.close()));
    },
  };
}
