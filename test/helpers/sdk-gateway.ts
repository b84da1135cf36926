import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { TEST_ENCRYPTION_SECRET, TEST_JWT_SECRET } from './config.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.js';
import { fakeKey, type KeyProvider } from './keys.js';
import { baseEnv, type GatewayProcess, startGatewayProcess } from './spawn-gateway.js';
import { signTestJwt } from './test-app.js';

type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk;

interface Fake {
  clear(): void;
  close(): Promise<void>;
}

export interface SdkUser {
  jwt: string;
  stored: Partial<Record<KeyProvider, { id: string; apiKey: string }>>;
  client: OpenAI;
}

export interface SdkGateway<F> {
  /** The fakes returned by `startFakes`, once `beforeAll` has run. */
  readonly fakes: F;
  readonly gw: GatewayProcess;
  /** The gateway's SQLite file (absent on PostgreSQL). */
  readonly dbPath: string;
  /** Every provider key stored through `newUser` (push others that must never leak). */
  readonly usedKeys: string[];
  /** A fresh user (new JWT subject) holding a stored key per provider, and an SDK client for it. */
  newUser(keys?: KeyProvider[], keyName?: string): Promise<SdkUser>;
  /** A fresh user with one stored key for `provider`: that key and the user's SDK client. */
  userWithKey(provider: KeyProvider, keyName: string): Promise<{ apiKey: string; client: OpenAI }>;
  /** An openai SDK client on the gateway's `/v1`, no retries. */
  client(apiKey: string): OpenAI;
  /** The caller's usage rows grouped by model (`GET /api/user/usage?groupBy=model`). */
  usageByModel(jwt: string): Promise<{ group: string; requests: number; promptTokens: number }[]>;
}

/**
 * Registers beforeAll/afterAll/beforeEach hooks that run the real gateway process (SQLite in a temp
 * folder) against fakes started by `startFakes`, clearing the fakes before each test.
 */
export function useSdkGateway<F extends Record<string, Fake>>(opts: {
  /** Temp-folder prefix, e.g. `byok-sdk-`. */
  tmpPrefix: string;
  /** JWT subject prefix, e.g. `sdk-user-`. */
  userPrefix: string;
  startFakes(): Promise<F>;
  /** Gateway env beyond secrets, database, rate limit and log level. */
  env(fakes: F): Record<string, string>;
  /** The gateway's database: a SQLite file in the temp folder (default) or a fresh PostgreSQL schema. */
  database?: DatabaseKind;
}): SdkGateway<F> {
  const dir = mkdtempSync(join(tmpdir(), opts.tmpPrefix));
  const dbPath = join(dir, 'gateway.db');
  const usedKeys: string[] = [];
  let fakes: F | undefined;
  let gw: GatewayProcess | undefined;
  let pg: TestDatabase | undefined;
  let n = 0;

  beforeAll(async () => {
    fakes = await opts.startFakes();
    if (opts.database === 'postgres') pg = await createTestDatabase('postgres');
    gw = await startGatewayProcess({
      cwd: dir,
      env: baseEnv({
        API_KEY_ENCRYPTION_SECRET: TEST_ENCRYPTION_SECRET,
        JWT_SECRET: TEST_JWT_SECRET,
        DATABASE_URL: pg?.url ?? `file:${dbPath}`,
        ...opts.env(fakes),
        RATE_LIMIT_RPM: '0',
        LOG_LEVEL: 'debug',
      }),
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await Promise.all(Object.values(fakes ?? {}).map((f) => f.close()));
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    for (const f of Object.values(fakes ?? {})) f.clear();
  });

  const sdk: SdkGateway<F> = {
    get fakes() {
      if (!fakes) throw new Error('fakes not started (use inside tests)');
      return fakes;
    },
    get gw() {
      if (!gw) throw new Error('gateway not started (use inside tests)');
      return gw;
    },
    dbPath,
    usedKeys,
    async newUser(keys = [], keyName) {
      const jwt = await signTestJwt(`${opts.userPrefix}${++n}`);
      const stored: SdkUser['stored'] = {};
      for (const provider of keys) {
        const apiKey = fakeKey(provider);
        usedKeys.push(apiKey);
        const res = await fetch(`${sdk.gw.url}/api/user/api-keys`, {
          method: 'POST',
          headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
          body: JSON.stringify({ provider, apiKey, keyName }),
        });
        expect(res.status).toBe(201);
        stored[provider] = { id: (await res.json()).id, apiKey };
      }
      return { jwt, stored, client: sdk.client(jwt) };
    },
    async userWithKey(provider, keyName) {
      const { stored, client } = await sdk.newUser([provider], keyName);
      const apiKey = stored[provider]?.apiKey;
      if (!apiKey) throw new Error(`no ${provider} key stored`);
      return { apiKey, client };
    },
    client(apiKey) {
      return new OpenAI({ apiKey, baseURL: `${sdk.gw.url}/v1`, maxRetries: 0 });
    },
    async usageByModel(jwt) {
      const res = await fetch(`${sdk.gw.url}/api/user/usage?groupBy=model`, {
        headers: { authorization: `Bearer ${jwt}` },
      });
      expect(res.status).toBe(200);
      return (await res.json()).data;
    },
  };
  return sdk;
}

/** Reads an SDK chat stream to the end: every chunk, and the text of their first choices. */
export async function collectStream(stream: AsyncIterable<Chunk>) {
  let text = '';
  const chunks: Chunk[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
    text += chunk.choices[0]?.delta?.content ?? '';
  }
  return { text, chunks };
}

/**
 * One plain and one streamed chat through a translating adapter, as the SDK sees them: the fake's
 * echo, finish reason `stop`, usage on the plain answer and none in the stream (not asked for),
 * and `provider` named by the gateway. The caller checks what its fake received.
 */
export async function expectPlainAndStreamed(
  client: OpenAI,
  opts: { provider: string; model: string; streamModel: string; word: string },
): Promise<void> {
  const plain = `plain ${opts.word}`;
  const { data, response } = await client.chat.completions
    .create({ model: opts.model, messages: [{ role: 'user', content: plain }] })
    .withResponse();
  expect(data.choices[0]?.message.content).toBe(`echo: ${plain}`);
  expect(data.choices[0]?.finish_reason).toBe('stop');
  expect(data.usage?.total_tokens).toBeGreaterThan(0);
  expect(response.headers.get('x-gateway-provider')).toBe(opts.provider);

  const streamed = `streamed ${opts.word}`;
  const stream = await client.chat.completions.create({
    model: opts.streamModel,
    stream: true,
    messages: [{ role: 'user', content: streamed }],
  });
  const { text, chunks } = await collectStream(stream);
  expect(text).toBe(`echo: ${streamed}`);
  expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
  expect(chunks.some((c) => c.usage)).toBe(false);
}
