import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { startFakeGemini } from '../../fakes/gemini-server.js';
import { collectStream as collect, expectPlainAndStreamed, useSdkGateway } from '../helpers/sdk-gateway.js';

/** The real server process and a fake Gemini, driven by the official openai SDK. */
describe('the official openai SDK against Gemini through the gateway', () => {
  const sdk = useSdkGateway({
    tmpPrefix: 'byok-sdk-google-',
    userPrefix: 'sdk-google-user-',
    startFakes: async () => ({ google: await startFakeGemini() }),
    env: ({ google }) => ({ GOOGLE_BASE_URL: google.baseUrl }),
  });

  const newUser = () => sdk.userWithKey('google', 'sdk');

  it('answers and streams with the caller’s Google key', async () => {
    const { client, apiKey } = await newUser();
    await expectPlainAndStreamed(client, {
      provider: 'google',
      model: 'google/gemini-2.5-flash',
      streamModel: 'gemini-2.5-flash',
      word: 'google',
    });
    expect(sdk.fakes.google.requests.map((r) => [r.key, r.query])).toEqual([
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
    const sent = sdk.fakes.google.requests[1]?.body as {
      contents: { parts: { thoughtSignature?: string }[] }[];
    };
    expect(sdk.fakes.google.issuedSignatures.has(sent.contents[1]?.parts[0]?.thoughtSignature ?? '')).toBe(
      true,
    );

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

    sdk.fakes.google.rejectedKeys.add(apiKey);
    const rejected = await ask('hi').catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(OpenAI.AuthenticationError);
    const err = rejected as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(err.code).toBe('provider_key_rejected');
    expect(JSON.stringify(err.error)).not.toContain(apiKey);
    expect(err.message).not.toContain(apiKey);
    expect(sdk.gw.output()).not.toContain(apiKey);
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
