import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { type FakeProvider, startFakeOpenAICompatible } from '../../fakes/openai-compatible-server.js';
import type { Env, LogLevel } from '../../src/config.js';
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

export async function createChatHarness(
  kind: DatabaseKind,
  env: Env = {},
  testOptions: { clock?: () => Date; logLevel?: LogLevel } = {},
): Promise<ChatHarness> {
  const [openai, openrouter, meta] = await Promise.all([
    startFakeOpenAICompatible({ flavour: 'openai' }),
    startFakeOpenAICompatible({ flavour: 'openrouter' }),
    startFakeOpenAICompatible({ flavour: 'meta' }),
  ]);
  const systemKey = fakeKey('openrouter');
  const t = await createTestApp(
    kind,
    {
      OPENAI_BASE_URL: openai.baseUrl,
      OPENROUTER_BASE_URL: openrouter.baseUrl,
      META_BASE_URL: meta.baseUrl,
      OPENROUTER_API_KEY: systemKey,
      RATE_LIMIT_RPM: '0',
      ...env,
    },
    {},
    testOptions,
  );
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

interface Fake {
  clear(): void;
  close(): Promise<void>;
}

/** A test app (SQLite) wired to the fakes of one native adapter, one user holding one stored key. */
export interface NativeChat<F> {
  /** The fakes returned by `startFakes`, once `beforeAll` has run. */
  readonly fakes: F;
  readonly t: TestApp;
  /** The user's JWT. */
  readonly token: string;
  /** The provider key the user stored. */
  readonly apiKey: string;
  /** The stored key's view (`status` shows whether chat marked it rejected). */
  keyView(): Promise<Record<string, unknown>>;
  /** PATCHes the key active again: a key the provider rejected during chat is routed once more. */
  reactivateKey(): Promise<void>;
  /** POST /v1/chat/completions as the user, `model` defaulting to the harness's. */
  chat(body: Record<string, unknown>): Promise<Response>;
  /** `chat` with one user message. */
  say(text: string, extra?: Record<string, unknown>): Promise<Response>;
}

/** Registers beforeAll/afterAll/beforeEach hooks for a `NativeChat`, clearing the fakes before each test. */
export function useNativeChat<F extends Record<string, Fake>>(opts: {
  /** JWT subject. */
  user: string;
  key: { provider: KeyProvider; keyName: string };
  model: string;
  startFakes(): Promise<F>;
  /** App env beyond `RATE_LIMIT_RPM: '0'`. */
  env(fakes: F): Env;
}): NativeChat<F> {
  const apiKey = fakeKey(opts.key.provider);
  let fakes: F | undefined;
  let t: TestApp | undefined;
  let token: string | undefined;
  let keyId: string | undefined;
  const ready = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('native chat harness not started (use inside tests)');
    return v;
  };

  beforeAll(async () => {
    fakes = await opts.startFakes();
    t = await createTestApp('sqlite', { RATE_LIMIT_RPM: '0', ...opts.env(fakes) });
    token = await t.jwt(opts.user);
    const res = await t.request('/api/user/api-keys', {
      method: 'POST',
      token,
      json: { provider: opts.key.provider, apiKey, keyName: opts.key.keyName },
    });
    expect(res.status).toBe(201);
    keyId = (await res.json()).id;
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all(Object.values(fakes ?? {}).map((f) => f.close()));
  });
  beforeEach(() => {
    for (const f of Object.values(fakes ?? {})) f.clear();
  });

  const h: NativeChat<F> = {
    get fakes() {
      return ready(fakes);
    },
    get t() {
      return ready(t);
    },
    get token() {
      return ready(token);
    },
    apiKey,
    chat: (body) =>
      h.t.request('/v1/chat/completions', {
        method: 'POST',
        token: h.token,
        json: { model: opts.model, ...body },
      }),
    say: (text, extra = {}) => h.chat({ messages: [{ role: 'user', content: text }], ...extra }),
    keyView: async () => (await h.t.request(`/api/user/api-keys/${ready(keyId)}`, { token: h.token })).json(),
    async reactivateKey() {
      const res = await h.t.request(`/api/user/api-keys/${ready(keyId)}`, {
        method: 'PATCH',
        token: h.token,
        json: { isActive: true },
      });
      expect(res.status).toBe(200);
    },
  };
  return h;
}
