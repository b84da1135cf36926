import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { startFakeAnthropic } from '../../fakes/anthropic-server.js';
import { secretsOnDisk } from '../helpers/databases.js';
import { collectStream as collect, expectPlainAndStreamed, useSdkGateway } from '../helpers/sdk-gateway.js';

/** The real server process and the official openai SDK, against a wire-accurate fake Anthropic. */
describe('the official openai SDK against Claude models through the native Anthropic adapter', () => {
  const sdk = useSdkGateway({
    tmpPrefix: 'byok-sdk-anthropic-',
    userPrefix: 'sdk-anthropic-user-',
    startFakes: async () => ({ anthropic: await startFakeAnthropic() }),
    env: ({ anthropic }) => ({ ANTHROPIC_BASE_URL: anthropic.baseUrl }),
  });

  const newClient = () => sdk.userWithKey('anthropic', 'claude');

  const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
    {
      type: 'function',
      function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
    },
  ];

  it('answers and streams through the caller’s own Anthropic key', async () => {
    const { client, apiKey } = await newClient();
    await expectPlainAndStreamed(client, {
      provider: 'anthropic',
      model: 'anthropic/claude-sonnet-4-5',
      streamModel: 'claude-sonnet-4-5',
      word: 'claude',
    });
    expect(sdk.fakes.anthropic.requests.map((r) => [r.key, r.body?.model])).toEqual([
      [apiKey, 'claude-sonnet-4-5'],
      [apiKey, 'claude-sonnet-4-5'],
    ]);
    expect(sdk.fakes.anthropic.requests.every((r) => !`${r.path}${r.query}`.includes(apiKey))).toBe(true);
    expect(sdk.fakes.anthropic.requests.every((r) => r.headers['anthropic-version'] === '2023-06-01')).toBe(
      true,
    );
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
    const overloaded = await ask('!scenario error 529').catch((e: unknown) => e);
    expect(overloaded).toBeInstanceOf(OpenAI.InternalServerError);
    expect((overloaded as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    // Last: a rejected key is marked `rejected` and skipped by later requests.
    const rejected = await ask('!scenario error 401').catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((rejected as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('provider_key_rejected');
  });

  it('never lets an Anthropic key reach a log line or the database file', async () => {
    await expect.poll(() => sdk.gw.output().includes('chat finished')).toBe(true);
    const output = sdk.gw.output();
    for (const key of sdk.usedKeys) expect(output).not.toContain(key);
    expect(secretsOnDisk([sdk.dbPath, `${sdk.dbPath}-wal`], sdk.usedKeys)).toEqual([]);
  });
});
