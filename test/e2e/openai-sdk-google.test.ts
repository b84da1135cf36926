import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeGemini, startFakeGemini } from '../fakes/gemini-server.js';
import { TEST_ENCRYPTION_SECRET, TEST_JWT_SECRET } from '../helpers/config.js';
import { fakeKey } from '../helpers/keys.js';
import { baseEnv, type GatewayProcess, startGatewayProcess } from '../helpers/spawn-gateway.js';
import { signTestJwt } from '../helpers/test-app.js';

type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk;

/** The real server process and a fake Gemini, driven by the official openai SDK. */
describe('the official openai SDK against Gemini through the gateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'byok-sdk-google-'));
  let fake: FakeGemini;
  let gw: GatewayProcess;
  let n = 0;

  beforeAll(async () => {
    fake = await startFakeGemini();
    gw = await startGatewayProcess({
      cwd: dir,
      env: baseEnv({
        API_KEY_ENCRYPTION_SECRET: TEST_ENCRYPTION_SECRET,
        JWT_SECRET: TEST_JWT_SECRET,
        DATABASE_URL: `file:${join(dir, 'gateway.db')}`,
        GOOGLE_BASE_URL: fake.baseUrl,
        RATE_LIMIT_RPM: '0',
        LOG_LEVEL: 'debug',
      }),
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => fake.clear());

  async function newUser() {
    const jwt = await signTestJwt(`sdk-google-user-${++n}`);
    const apiKey = fakeKey('google');
    const res = await fetch(`${gw.url}/api/user/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'google', apiKey, keyName: 'sdk' }),
    });
    expect(res.status).toBe(201);
    return { apiKey, client: new OpenAI({ apiKey: jwt, baseURL: `${gw.url}/v1`, maxRetries: 0 }) };
  }

  async function collect(stream: AsyncIterable<Chunk>) {
    const chunks: Chunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    return { chunks, text: chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('') };
  }

  it('answers and streams with the caller’s Google key', async () => {
    const { client, apiKey } = await newUser();
    const { data, response } = await client.chat.completions
      .create({ model: 'google/gemini-2.5-flash', messages: [{ role: 'user', content: 'plain google' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: plain google');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage?.total_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-gateway-provider')).toBe('google');

    const stream = await client.chat.completions.create({
      model: 'gemini-2.5-flash',
      stream: true,
      messages: [{ role: 'user', content: 'streamed google' }],
    });
    const { text, chunks } = await collect(stream);
    expect(text).toBe('echo: streamed google');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(fake.requests.map((r) => [r.key, r.query])).toEqual([
      [apiKey, ''],
      [apiKey, '?alt=sse'],
    ]);
  });

  it('honours stream_options.include_usage with exactly one usage chunk', async () => {
    const { client } = await newUser();
    const stream = await client.chat.completions.create({
      model: 'google/gemini-2.5-flash',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'usage please' }],
    });
    const withUsage = (await collect(stream)).chunks.filter((c) => c.usage);
    expect(withUsage).toHaveLength(1);
    expect(withUsage[0]?.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('completes a tool round trip through the stream helper, thought signature included', async () => {
    const { client } = await newUser();
    const model = 'google/gemini-3-pro-preview';
    const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
      {
        type: 'function',
        function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
      },
    ];
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'find cats' },
    ];
    const first = await client.chat.completions.stream({ model, tools, messages }).finalChatCompletion();
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    const message = first.choices[0]!.message;
    const call = message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function).toEqual({
      name: 'lookup',
      arguments: '{"q":"find cats"}',
    });

    messages.push(message, { role: 'tool', tool_call_id: call!.id, content: 'tabby' });
    const answer = await client.chat.completions.stream({ model, tools, messages }).finalChatCompletion();
    expect(answer.choices[0]?.message.content).toBe('tool said: tabby');
    expect(answer.choices[0]?.finish_reason).toBe('stop');
    const sent = fake.requests[1]?.body as { contents: { parts: { thoughtSignature?: string }[] }[] };
    expect(fake.issuedSignatures.has(sent.contents[1]?.parts[0]?.thoughtSignature ?? '')).toBe(true);

    const plain = await client.chat.completions.create({ model, tools, messages });
    expect(plain.choices[0]?.message.content).toBe('tool said: tabby');
  });

  it('raises RateLimitError with Google’s retry delay, and AuthenticationError on a rejected key', async () => {
    const { client, apiKey } = await newUser();
    const ask = (text: string) =>
      client.chat.completions.create({
        model: 'google/gemini-2.5-flash',
        messages: [{ role: 'user', content: text }],
      });
    const limited = await ask('!scenario error 429').catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')).toBe('7');

    fake.rejectedKeys.add(apiKey);
    const rejected = await ask('hi').catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(OpenAI.AuthenticationError);
    const err = rejected as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(err.code).toBe('provider_key_rejected');
    expect(JSON.stringify(err.error)).not.toContain(apiKey);
    expect(err.message).not.toContain(apiKey);
    expect(gw.output()).not.toContain(apiKey);
  });

  it('surfaces a cut stream and an in-stream error as errors in the SDK, never as a clean finish', async () => {
    const { client } = await newUser();
    for (const scenario of ['cut', 'midstream-error']) {
      const stream = await client.chat.completions.create({
        model: 'google/gemini-2.5-flash',
        stream: true,
        messages: [{ role: 'user', content: `!scenario ${scenario}` }],
      });
      await expect(collect(stream)).rejects.toThrow(
        scenario === 'cut' ? /upstream connection was lost/ : /overloaded/,
      );
    }
    const helper = client.chat.completions.stream({
      model: 'google/gemini-2.5-flash',
      messages: [{ role: 'user', content: '!scenario cut' }],
    });
    await expect(helper.finalChatCompletion()).rejects.toThrow();
  });
});
