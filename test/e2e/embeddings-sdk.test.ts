import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { fakeVector } from '../../fakes/embeddings.js';
import { startFakeGemini } from '../../fakes/gemini-server.js';
import { startFakeOpenAICompatible } from '../../fakes/openai-compatible-server.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { fakeKey } from '../helpers/keys.js';
import { useSdkGateway } from '../helpers/sdk-gateway.js';

/** `POST /v1/embeddings` on the real server through the official openai SDK, on both databases. */
describe.each(DATABASE_KINDS)('embeddings with the official openai SDK (%s)', (database) => {
  const systemKey = fakeKey('openrouter');
  const sdk = useSdkGateway({
    tmpPrefix: 'byok-sdk-embed-',
    userPrefix: `sdk-embed-${database}-`,
    database,
    startFakes: async () => {
      const [openai, openrouter, google] = await Promise.all([
        startFakeOpenAICompatible({ flavour: 'openai' }),
        startFakeOpenAICompatible({ flavour: 'openrouter' }),
        startFakeGemini(),
      ]);
      return { openai, openrouter, google };
    },
    env: ({ openai, openrouter, google }) => ({
      OPENAI_BASE_URL: openai.baseUrl,
      OPENROUTER_BASE_URL: openrouter.baseUrl,
      GOOGLE_BASE_URL: google.baseUrl,
      OPENROUTER_API_KEY: systemKey,
    }),
  });
  sdk.usedKeys.push(systemKey);
  const close = (a: number[], b: number[]) => a.every((x, i) => Math.abs(x - (b[i] ?? Number.NaN)) < 1e-6);

  it('passes OpenAI embeddings through with the caller’s key, floats and base64 (the SDK’s default)', async () => {
    const { client, stored, jwt } = await sdk.newUser(['openai']);
    const { data, response } = await client.embeddings
      .create({ model: 'openai/text-embedding-3-small', input: ['alpha', 'beta'] })
      .withResponse();
    expect(response.headers.get('x-gateway-provider')).toBe('openai');
    expect(data.data.map((d) => d.index)).toEqual([0, 1]);
    expect(close(data.data[1]!.embedding, fakeVector('beta'))).toBe(true);
    expect(data.usage.prompt_tokens).toBeGreaterThan(0);
    const floats = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'gamma',
      encoding_format: 'float',
      dimensions: 4,
    });
    expect(close(floats.data[0]!.embedding, fakeVector('gamma', 4))).toBe(true);
    const seen = sdk.fakes.openai.requests;
    expect(seen.map((r) => [r.path, r.key, r.body?.model])).toEqual([
      ['/v1/embeddings', stored.openai!.apiKey, 'text-embedding-3-small'],
      ['/v1/embeddings', stored.openai!.apiKey, 'text-embedding-3-small'],
    ]);
    expect(seen[0]?.body?.encoding_format).toBe('base64');
    await expect
      .poll(async () => (await sdk.usageByModel(jwt)).map((g) => [g.group, g.requests]))
      .toEqual([
        ['openai/text-embedding-3-small', 1],
        ['text-embedding-3-small', 1],
      ]);
  });

  it('translates google/ embedding models to Gemini batchEmbedContents, key in the header', async () => {
    const { client, stored, jwt } = await sdk.newUser(['google']);
    const res = await client.embeddings.create({
      model: 'google/gemini-embedding-001',
      input: ['one', 'two', 'three'],
      dimensions: 6,
    });
    expect(res.data).toHaveLength(3);
    expect(close(res.data[2]!.embedding, fakeVector('three', 6))).toBe(true);
    const floats = await client.embeddings.create({
      model: 'gemini-embedding-001',
      input: 'four',
      encoding_format: 'float',
    });
    expect(close(floats.data[0]!.embedding, fakeVector('four'))).toBe(true);
    const [first] = sdk.fakes.google.requests;
    expect(first?.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(first?.key).toBe(stored.google!.apiKey);
    expect(first?.query).toBe('');
    expect(first?.body?.requests).toEqual([
      {
        model: 'models/gemini-embedding-001',
        content: { parts: [{ text: 'one' }] },
        outputDimensionality: 6,
      },
      {
        model: 'models/gemini-embedding-001',
        content: { parts: [{ text: 'two' }] },
        outputDimensionality: 6,
      },
      {
        model: 'models/gemini-embedding-001',
        content: { parts: [{ text: 'three' }] },
        outputDimensionality: 6,
      },
    ]);
    await expect.poll(async () => (await sdk.usageByModel(jwt)).reduce((n, g) => n + g.requests, 0)).toBe(2);
  });

  it('falls back to OpenRouter (the user’s key, then the system key) like chat does', async () => {
    const { client, stored } = await sdk.newUser(['openrouter']);
    const { response } = await client.embeddings
      .create({ model: 'openai/text-embedding-3-large', input: 'via or' })
      .withResponse();
    expect(response.headers.get('x-gateway-key-source')).toBe('user');
    const none = await sdk.newUser();
    const { response: sys } = await none.client.embeddings
      .create({ model: 'openai/text-embedding-3-large', input: 'via system' })
      .withResponse();
    expect(sys.headers.get('x-gateway-key-source')).toBe('system');
    const seen = sdk.fakes.openrouter.requests;
    expect(seen.map((r) => [r.path, r.key, r.body?.model])).toEqual([
      ['/api/v1/embeddings', stored.openrouter!.apiKey, 'openai/text-embedding-3-large'],
      ['/api/v1/embeddings', systemKey, 'openai/text-embedding-3-large'],
    ]);
    // On the system key OpenRouter learns a hash of the user, never the id.
    expect(seen[1]?.body?.user).toMatch(/^u_[0-9a-f]{32}$/);
  });

  it('refuses models without embeddings and maps upstream errors to the SDK’s classes', async () => {
    const { client } = await sdk.newUser(['openai', 'anthropic']);
    const refused = await client.embeddings
      .create({ model: 'anthropic/claude-sonnet-4-5', input: 'x' })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('endpoint_not_supported');
    expect((refused as Error).message).toContain('anthropic/claude-sonnet-4-5');
    const limited = await client.embeddings
      .create({ model: 'openai/text-embedding-3-small', input: '!scenario error 429' })
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
  });
});
