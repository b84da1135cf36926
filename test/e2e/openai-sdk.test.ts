import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { startFakeOpenAICompatible } from '../../fakes/openai-compatible-server.js';
import { secretsOnDisk } from '../helpers/databases.js';
import { fakeKey } from '../helpers/keys.js';
import { collectStream as collect, useSdkGateway } from '../helpers/sdk-gateway.js';

/** The real server process, driven by the official openai SDK as users drive it. */
describe('the official openai SDK against the gateway', () => {
  const systemKey = fakeKey('openrouter');
  const sdk = useSdkGateway({
    tmpPrefix: 'byok-sdk-',
    userPrefix: 'sdk-user-',
    startFakes: async () => {
      const [openai, openrouter, meta] = await Promise.all([
        startFakeOpenAICompatible({ flavour: 'openai' }),
        startFakeOpenAICompatible({ flavour: 'openrouter' }),
        startFakeOpenAICompatible({ flavour: 'meta' }),
      ]);
      return { openai, openrouter, meta };
    },
    env: ({ openai, openrouter, meta }) => ({
      OPENAI_BASE_URL: openai.baseUrl,
      OPENROUTER_BASE_URL: openrouter.baseUrl,
      META_BASE_URL: meta.baseUrl,
      OPENROUTER_API_KEY: systemKey,
    }),
  });
  sdk.usedKeys.push(systemKey);
  const newUser = sdk.newUser;

  it.each([
    ['openai', 'openai/gpt-4o-mini', 'gpt-4o-mini'],
    ['meta', 'meta-llama/Llama-3.3-70B-Instruct', 'Llama-3.3-70B-Instruct'],
    ['openrouter', 'openrouter/mistralai/mistral-large', 'mistralai/mistral-large'],
  ] as const)(
    'answers and streams through the caller’s own %s key',
    async (provider, model, upstreamModel) => {
      const { client, stored } = await newUser([provider]);
      const { data, response } = await client.chat.completions
        .create({ model, messages: [{ role: 'user', content: `plain ${provider}` }] })
        .withResponse();
      expect(data.choices[0]?.message.content).toBe(`echo: plain ${provider}`);
      expect(response.headers.get('x-gateway-provider')).toBe(provider);
      expect(response.headers.get('x-gateway-key-source')).toBe('user');

      const stream = await client.chat.completions.create({
        model,
        stream: true,
        messages: [{ role: 'user', content: `streamed ${provider}` }],
      });
      const { text, chunks } = await collect(stream);
      expect(text).toBe(`echo: streamed ${provider}`);
      expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
      expect(chunks.some((c) => c.usage)).toBe(false);
      const seen = sdk.fakes[provider].requests;
      expect(seen.map((r) => r.key)).toEqual([stored[provider]!.apiKey, stored[provider]!.apiKey]);
      expect(seen.every((r) => r.body?.model === upstreamModel)).toBe(true);
    },
  );

  it('follows the routing matrix: own key, own OpenRouter key, system key, inactive and deleted keys skipped', async () => {
    const ask = async (client: OpenAI) =>
      (
        await client.chat.completions
          .create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'route me' }] })
          .withResponse()
      ).response.headers;
    const own = await newUser(['openai', 'openrouter']);
    expect((await ask(own.client)).get('x-gateway-provider')).toBe('openai');
    const viaOr = await newUser(['openrouter']);
    const orHeaders = await ask(viaOr.client);
    expect([orHeaders.get('x-gateway-provider'), orHeaders.get('x-gateway-key-source')]).toEqual([
      'openrouter',
      'user',
    ]);
    const none = await newUser();
    expect((await ask(none.client)).get('x-gateway-key-source')).toBe('system');

    const skipped = await newUser(['openai', 'meta']);
    await fetch(`${sdk.gw.url}/api/user/api-keys/${skipped.stored.openai!.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${skipped.jwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ isActive: false }),
    });
    await fetch(`${sdk.gw.url}/api/user/api-keys/${skipped.stored.meta!.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${skipped.jwt}` },
    });
    expect((await ask(skipped.client)).get('x-gateway-key-source')).toBe('system');
    const metaRes = await skipped.client.chat.completions
      .create({ model: 'meta/Llama-3.3-70B-Instruct', messages: [{ role: 'user', content: 'x' }] })
      .withResponse();
    expect(metaRes.response.headers.get('x-gateway-provider')).toBe('openrouter');
    expect(sdk.fakes.openrouter.requests.at(-1)?.body?.model).toBe('meta-llama/Llama-3.3-70B-Instruct');
  });

  it('accepts a gateway token as the SDK api key', async () => {
    const { jwt } = await newUser();
    const minted = await (
      await fetch(`${sdk.gw.url}/api/user/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'sdk' }),
      })
    ).json();
    sdk.usedKeys.push(minted.token);
    const client = sdk.client(minted.token);
    const res = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'tok' }],
    });
    expect(res.choices[0]?.message.content).toBe('echo: tok');
    const models = await client.models.list();
    expect(models.data.length).toBeGreaterThan(5);
  });

  it('meets a spent budget with RateLimitError that the SDK does not retry, and shows an abandoned stream as estimated usage', async () => {
    const { jwt, stored } = await newUser(['openai']);
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${sdk.gw.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      });
    let attempts = 0;
    const counting = new OpenAI({
      apiKey: jwt,
      baseURL: `${sdk.gw.url}/v1`,
      maxRetries: 3,
      fetch: (url, init) => {
        attempts++;
        return fetch(url, init);
      },
    });

    const stream = await counting.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: '!scenario slow 50' }],
    });
    let seen = 0;
    for await (const _ of stream) if (++seen === 2) break; // leaving the loop aborts the stream
    await expect
      .poll(async () => (await (await api('/api/user/usage')).json()).total.estimatedRequests, {
        timeout: 5_000,
      })
      .toBe(1);

    const patched = await api(`/api/user/api-keys/${stored.openai!.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ monthlyBudgetUsd: 0 }),
    });
    expect(patched.status).toBe(200);
    attempts = 0;
    const refused = await counting.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'over budget' }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect((refused as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('budget_exceeded');
    expect(attempts).toBe(1);
  });

  it('passes tool calls through intact, streamed and not, and completes the round trip', async () => {
    const { client } = await newUser(['openai']);
    const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
      {
        type: 'function',
        function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
      },
    ];
    const first = await client.chat.completions.create({
      model: 'openai/gpt-4o',
      tools,
      messages: [{ role: 'user', content: 'find cats' }],
    });
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && call.function).toMatchObject({
      name: 'lookup',
      arguments: '{"q":"find cats"}',
    });

    const streamed = await client.chat.completions
      .stream({ model: 'openai/gpt-4o', tools, messages: [{ role: 'user', content: 'find dogs' }] })
      .finalChatCompletion();
    const streamedCall = streamed.choices[0]?.message.tool_calls?.[0];
    expect(streamedCall?.type === 'function' && JSON.parse(streamedCall.function.arguments)).toEqual({
      q: 'find dogs',
    });

    const answer = await client.chat.completions.create({
      model: 'openai/gpt-4o',
      tools,
      messages: [
        { role: 'user', content: 'find cats' },
        { role: 'assistant', content: null, tool_calls: first.choices[0]!.message.tool_calls! },
        { role: 'tool', tool_call_id: call!.id, content: 'tabby' },
      ],
    });
    expect(answer.choices[0]?.message.content).toBe('tool said: tabby');
    expect(sdk.fakes.openai.requests.at(-1)?.body?.tools).toEqual(tools);
  });

  it('passes image parts through untouched', async () => {
    const { client } = await newUser(['openai']);
    const image = {
      type: 'image_url' as const,
      image_url: { url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==', detail: 'low' as const },
    };
    const res = await client.chat.completions.create({
      model: 'openai/gpt-4o',
      messages: [{ role: 'user', content: [{ type: 'text', text: '!scenario image' }, image] }],
    });
    expect(res.choices[0]?.message.content).toContain('saw image: data:image/png;base64,iVBORw0K');
    const sentMessages = sdk.fakes.openai.requests[0]?.body?.messages as { content: unknown[] }[];
    expect(sentMessages[0]?.content[1]).toEqual(image);
  });

  it('honours stream_options.include_usage with exactly one usage chunk', async () => {
    const { client } = await newUser(['openrouter']);
    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4o',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'usage please' }],
    });
    const { chunks } = await collect(stream);
    const withUsage = chunks.filter((c) => c.usage);
    expect(withUsage).toHaveLength(1);
    expect(withUsage[0]?.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('raises RateLimitError on an upstream 429 and AuthenticationError on a rejected key', async () => {
    const { client } = await newUser(['openai']);
    const ask = (text: string) =>
      client.chat.completions.create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: text }] });
    const limited = await ask('!scenario error 429').catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as InstanceType<typeof OpenAI.RateLimitError>).headers?.get('retry-after')).toBe('7');
    const rejected = await ask('!scenario error 401').catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((rejected as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('provider_key_rejected');
  });

  it('surfaces a cut stream as an error in the SDK, never as a clean finish', async () => {
    const { client } = await newUser(['openai']);
    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4o',
      stream: true,
      messages: [{ role: 'user', content: '!scenario cut' }],
    });
    await expect(collect(stream)).rejects.toThrow(/upstream/i);
  });

  it('aborts the upstream when the SDK aborts a stream', async () => {
    const { client } = await newUser(['openai']);
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'openai/gpt-4o', stream: true, messages: [{ role: 'user', content: '!scenario slow 200' }] },
      { signal: controller.signal },
    );
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    controller.abort();
    await expect.poll(() => sdk.fakes.openai.aborted, { timeout: 3000 }).toBe(1);
  });

  it('aborts the upstream when the SDK aborts a request still waiting for its answer', async () => {
    const { client } = await newUser(['openai']);
    const before = { aborted: sdk.fakes.openai.aborted, requests: sdk.fakes.openai.requests.length };
    const controller = new AbortController();
    const pending = client.chat.completions
      .create(
        { model: 'openai/gpt-4o', messages: [{ role: 'user', content: '!scenario hang' }] },
        { signal: controller.signal, maxRetries: 0 },
      )
      .catch((e: unknown) => e);
    await expect.poll(() => sdk.fakes.openai.requests.length).toBe(before.requests + 1);
    controller.abort();
    expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
    await expect.poll(() => sdk.fakes.openai.aborted, { timeout: 3000 }).toBe(before.aborted + 1);
  });

  it('completes 200 concurrent streams, each with its own answer', async () => {
    const { client } = await newUser(['openrouter']);
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const stream = await client.chat.completions.create({
          model: 'openai/gpt-4o-mini',
          stream: true,
          messages: [{ role: 'user', content: `stream number ${i}` }],
        });
        return (await collect(stream)).text;
      }),
    );
    expect(results).toEqual(results.map((_, i) => `echo: stream number ${i}`));
  });

  it('never lets a key’s plaintext reach a log line or the database file', async () => {
    await expect.poll(() => sdk.gw.output().includes('chat finished')).toBe(true);
    const output = sdk.gw.output();
    for (const key of sdk.usedKeys) expect(output).not.toContain(key);
    expect(secretsOnDisk([sdk.dbPath, `${sdk.dbPath}-wal`], sdk.usedKeys)).toEqual([]);
  });
});
