import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeAnthropic, startFakeAnthropic } from '../fakes/anthropic-server.js';
import { TEST_ENCRYPTION_SECRET, TEST_JWT_SECRET } from '../helpers/config.js';
import { secretsOnDisk } from '../helpers/databases.js';
import { fakeKey } from '../helpers/keys.js';
import { baseEnv, type GatewayProcess, startGatewayProcess } from '../helpers/spawn-gateway.js';
import { signTestJwt } from '../helpers/test-app.js';

type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk;

/** The real server process and the official openai SDK, against a wire-accurate fake Anthropic. */
describe('the official openai SDK against Claude models through the native Anthropic adapter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'byok-sdk-anthropic-'));
  const dbPath = join(dir, 'gateway.db');
  const usedKeys: string[] = [];
  let fake: FakeAnthropic;
  let gw: GatewayProcess;
  let n = 0;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    gw = await startGatewayProcess({
      cwd: dir,
      env: baseEnv({
        API_KEY_ENCRYPTION_SECRET: TEST_ENCRYPTION_SECRET,
        JWT_SECRET: TEST_JWT_SECRET,
        DATABASE_URL: `file:${dbPath}`,
        ANTHROPIC_BASE_URL: fake.baseUrl,
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

  async function newClient() {
    const jwt = await signTestJwt(`sdk-anthropic-user-${++n}`);
    const apiKey = fakeKey('anthropic');
    usedKeys.push(apiKey);
    const res = await fetch(`${gw.url}/api/user/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'anthropic', apiKey, keyName: 'claude' }),
    });
    expect(res.status).toBe(201);
    return { apiKey, client: new OpenAI({ apiKey: jwt, baseURL: `${gw.url}/v1`, maxRetries: 0 }) };
  }

  async function collect(stream: AsyncIterable<Chunk>) {
    let text = '';
    const chunks: Chunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    return { text, chunks };
  }

  const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
    {
      type: 'function',
      function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
    },
  ];

  it('answers and streams through the caller’s own Anthropic key', async () => {
    const { client, apiKey } = await newClient();
    const { data, response } = await client.chat.completions
      .create({ model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'plain claude' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: plain claude');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage?.total_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-gateway-provider')).toBe('anthropic');

    const stream = await client.chat.completions.create({
      model: 'claude-sonnet-4-5',
      stream: true,
      messages: [{ role: 'user', content: 'streamed claude' }],
    });
    const { text, chunks } = await collect(stream);
    expect(text).toBe('echo: streamed claude');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(fake.requests.map((r) => [r.key, r.body?.model])).toEqual([
      [apiKey, 'claude-sonnet-4-5'],
      [apiKey, 'claude-sonnet-4-5'],
    ]);
    expect(fake.requests.every((r) => !`${r.path}${r.query}`.includes(apiKey))).toBe(true);
    expect(fake.requests.every((r) => r.headers['anthropic-version'] === '2023-06-01')).toBe(true);
  });

  it('accumulates a streamed answer with the SDK’s stream helper', async () => {
    const { client } = await newClient();
    const final = await client.chat.completions
      .stream({ model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: 'helper text' }] })
      .finalChatCompletion();
    expect(final.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'echo: helper text' });
  });

  it('completes a tool round trip, the call streamed and accumulated by the SDK', async () => {
    const { client } = await newClient();
    const first = await client.chat.completions
      .stream({
        model: 'anthropic/claude-sonnet-4-5',
        tools,
        messages: [{ role: 'user', content: 'find cats' }],
      })
      .finalChatCompletion();
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('lookup');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ q: 'find cats' });

    const answer = await client.chat.completions.create({
      model: 'anthropic/claude-sonnet-4-5',
      tools,
      messages: [
        { role: 'user', content: 'find cats' },
        { role: 'assistant', content: null, tool_calls: first.choices[0]!.message.tool_calls! },
        { role: 'tool', tool_call_id: call!.id, content: 'tabby' },
      ],
    });
    expect(answer.choices[0]?.message.content).toBe('tool said: tabby');

    const nonStreamed = await client.chat.completions.create({
      model: 'anthropic/claude-sonnet-4-5',
      tools,
      messages: [{ role: 'user', content: 'find dogs' }],
    });
    const dogs = nonStreamed.choices[0]?.message.tool_calls?.[0];
    expect(dogs?.type === 'function' && dogs.function.arguments).toBe('{"q":"find dogs"}');
  });

  it('honours stream_options.include_usage with exactly one usage chunk', async () => {
    const { client } = await newClient();
    const stream = await client.chat.completions.create({
      model: 'anthropic/claude-sonnet-4-5',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'usage please' }],
    });
    const withUsage = (await collect(stream)).chunks.filter((c) => c.usage);
    expect(withUsage).toHaveLength(1);
    expect(withUsage[0]?.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('surfaces a cut stream and a mid-stream overloaded error as errors in the SDK, never a clean finish', async () => {
    const { client } = await newClient();
    const ask = (content: string) =>
      client.chat.completions.create({
        model: 'anthropic/claude-sonnet-4-5',
        stream: true,
        messages: [{ role: 'user', content }],
      });
    await expect(collect(await ask('!scenario cut'))).rejects.toThrow(/upstream/i);
    await expect(collect(await ask('!scenario midstream-error'))).rejects.toThrow(/Overloaded/);
    await expect(
      client.chat.completions
        .stream({
          model: 'anthropic/claude-sonnet-4-5',
          messages: [{ role: 'user', content: '!scenario cut' }],
        })
        .finalChatCompletion(),
    ).rejects.toThrow();
  });

  it('raises the SDK’s error classes: RateLimitError, AuthenticationError, 503 for overloaded', async () => {
    const { client } = await newClient();
    const ask = (content: string) =>
      client.chat.completions.create({
        model: 'anthropic/claude-sonnet-4-5',
        messages: [{ role: 'user', content }],
      });
    const limited = await ask('!scenario error 429').catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')).toBe('7');
    const rejected = await ask('!scenario error 401').catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((rejected as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('provider_key_rejected');
    const overloaded = await ask('!scenario error 529').catch((e: unknown) => e);
    expect(overloaded).toBeInstanceOf(OpenAI.InternalServerError);
    expect((overloaded as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
  });

  it('never lets an Anthropic key reach a log line or the database file', async () => {
    await expect.poll(() => gw.output().includes('chat finished')).toBe(true);
    const output = gw.output();
    for (const key of usedKeys) expect(output).not.toContain(key);
    expect(secretsOnDisk([dbPath, `${dbPath}-wal`], usedKeys)).toEqual([]);
  });
});
