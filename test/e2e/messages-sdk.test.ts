import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { startFakeAnthropic } from '../../fakes/anthropic-server.js';
import { startFakeOpenAICompatible } from '../../fakes/openai-compatible-server.js';
import { DATABASE_KINDS, secretsOnDisk } from '../helpers/databases.js';
import { useSdkGateway } from '../helpers/sdk-gateway.js';

/**
 * `POST /v1/messages` (and count_tokens) on the real server, driven by the official
 * @anthropic-ai/sdk as Claude Code and other Anthropic clients drive it, on both databases: Claude
 * models natively on the caller's Anthropic key, other models translated through the chat path.
 */
describe.each(DATABASE_KINDS)('the official Anthropic SDK against /v1/messages (%s)', (database) => {
  const sdk = useSdkGateway({
    tmpPrefix: 'byok-sdk-messages-',
    userPrefix: `sdk-messages-${database}-`,
    database,
    startFakes: async () => {
      const [anthropic, openai] = await Promise.all([
        startFakeAnthropic(),
        startFakeOpenAICompatible({ flavour: 'openai' }),
      ]);
      return { anthropic, openai };
    },
    env: ({ anthropic, openai }) => ({
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      OPENAI_BASE_URL: openai.baseUrl,
    }),
  });

  /** A user with the given keys and an Anthropic client on the gateway: a gateway token in x-api-key. */
  async function newClient(keys: ('anthropic' | 'openai')[]) {
    const user = await sdk.newUser(keys);
    const res = await fetch(`${sdk.gw.url}/api/user/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user.jwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'claude-code', scopes: ['chat'] }),
    });
    const { token } = await res.json();
    const client = new Anthropic({ apiKey: token, baseURL: sdk.gw.url, maxRetries: 0 });
    return { ...user, token, anthropic: client };
  }

  const tools: Anthropic.Tool[] = [
    {
      name: 'lookup',
      description: 'Search',
      input_schema: { type: 'object', properties: { q: { type: 'string' } } },
    },
  ];
  const say = (content: string): Anthropic.MessageParam[] => [{ role: 'user', content }];

  it('serves Claude natively with the caller’s Anthropic key, streamed and not', async () => {
    const { anthropic, stored } = await newClient(['anthropic']);
    const { data, response } = await anthropic.messages
      .create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: say('hello claude') })
      .withResponse();
    expect(data.content).toEqual([expect.objectContaining({ type: 'text', text: 'echo: hello claude' })]);
    expect(data.stop_reason).toBe('end_turn');
    expect(data.usage.input_tokens).toBeGreaterThan(0);
    expect(response.headers.get('x-gateway-provider')).toBe('anthropic');

    const final = await anthropic.messages
      .stream({ model: 'anthropic/claude-haiku-4-5', max_tokens: 100, messages: say('streamed claude') })
      .finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'echo: streamed claude' });
    expect(final.usage.output_tokens).toBeGreaterThan(0);
    const seen = sdk.fakes.anthropic.requests;
    expect(seen.map((r) => [r.path, r.key, r.body?.model])).toEqual([
      ['/v1/messages', stored.anthropic!.apiKey, 'claude-sonnet-4-5'],
      ['/v1/messages', stored.anthropic!.apiKey, 'claude-haiku-4-5'],
    ]);
    // The client's own anthropic-version goes along (the SDK's, whatever its release sends).
    expect(seen.every((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.headers['anthropic-version'] ?? ''))).toBe(true);
  });

  it('relays a native stream byte for byte', async () => {
    const { token } = await newClient(['anthropic']);
    const sse =
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_fixed","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":7,"output_tokens":1}}}\n\n' +
      'event: ping\ndata: {"type": "ping"}\n\n' +
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"exact  bytes é"}}\n\n' +
      'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n' +
      'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":4}}\n\n' +
      'event: message_stop\ndata: {"type":"message_stop"}\n\n';
    sdk.fakes.anthropic.next((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(sse);
    });
    const res = await fetch(`${sdk.gw.url}/v1/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': token,
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'fine-grained-tool-streaming-2025-05-14',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 10, stream: true, messages: say('x') }),
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(await res.text()).toBe(sse);
    const sent = sdk.fakes.anthropic.requests[0]!;
    expect([sent.headers['anthropic-version'], sent.headers['anthropic-beta']]).toEqual([
      '2023-06-01',
      'fine-grained-tool-streaming-2025-05-14',
    ]);
    expect(sent.headers.authorization).toBeUndefined();
  });

  it('completes a tool round trip natively and through the chat path', async () => {
    const { anthropic } = await newClient(['anthropic', 'openai']);
    for (const model of ['claude-sonnet-4-5', 'openai/gpt-4o-mini']) {
      const first = await anthropic.messages
        .stream({ model, max_tokens: 200, tools, messages: say('find cats') })
        .finalMessage();
      expect(first.stop_reason, model).toBe('tool_use');
      const use = first.content.find((b) => b.type === 'tool_use');
      expect(use?.type === 'tool_use' && use.name, model).toBe('lookup');
      expect(use?.type === 'tool_use' && use.input, model).toEqual({ q: 'find cats' });
      const answer = await anthropic.messages.create({
        model,
        max_tokens: 200,
        tools,
        messages: [
          ...say('find cats'),
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: use!.id, content: 'tabby' }] },
        ],
      });
      expect(answer.content[0], model).toMatchObject({ type: 'text', text: 'tool said: tabby' });
    }
  });

  it('translates other models: system, text, images, streamed as Anthropic events with usage', async () => {
    const { anthropic, stored } = await newClient(['openai']);
    const { data, response } = await anthropic.messages
      .create({
        model: 'openai/gpt-4o-mini',
        max_tokens: 50,
        system: 'Be terse.',
        messages: say('hi gpt'),
      })
      .withResponse();
    expect(response.headers.get('x-gateway-provider')).toBe('openai');
    expect(data).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'openai/gpt-4o-mini',
      stop_reason: 'end_turn',
    });
    expect(data.content).toEqual([expect.objectContaining({ type: 'text', text: 'echo: hi gpt' })]);
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    const sent = sdk.fakes.openai.requests[0]?.body;
    expect(sent?.messages).toEqual([
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'hi gpt' },
    ]);
    expect(sent?.max_tokens).toBe(50);
    expect(sdk.fakes.openai.requests[0]?.key).toBe(stored.openai!.apiKey);

    const events: string[] = [];
    const stream = anthropic.messages.stream({
      model: 'gpt-4o-mini',
      max_tokens: 50,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: '!scenario image' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          ],
        },
      ],
    });
    stream.on('streamEvent', (e) => events.push(e.type));
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({
      type: 'text',
      text: 'saw image: data:image/png;base64,iVBORw0K',
    });
    expect(final.usage.output_tokens).toBeGreaterThan(0);
    expect(events[0]).toBe('message_start');
    expect(events.slice(-2)).toEqual(['message_delta', 'message_stop']);
  });

  it('raises on a cut stream, natively and translated, never a clean finish', async () => {
    const { anthropic } = await newClient(['anthropic', 'openai']);
    for (const model of ['claude-sonnet-4-5', 'openai/gpt-4o-mini']) {
      await expect(
        anthropic.messages.stream({ model, max_tokens: 50, messages: say('!scenario cut') }).finalMessage(),
        model,
      ).rejects.toThrow(Anthropic.APIError);
    }
    await expect(
      anthropic.messages
        .stream({ model: 'claude-sonnet-4-5', max_tokens: 50, messages: say('!scenario midstream-error') })
        .finalMessage(),
    ).rejects.toThrow(/Overloaded/);
  });

  it('counts tokens through Anthropic, and estimates them for other providers', async () => {
    const { anthropic } = await newClient(['anthropic', 'openai']);
    const native = await anthropic.messages.countTokens({
      model: 'claude-sonnet-4-5',
      messages: say('count me'),
    });
    expect(native.input_tokens).toBeGreaterThan(0);
    expect(sdk.fakes.anthropic.requests.at(-1)?.path).toBe('/v1/messages/count_tokens');
    const estimate = await anthropic.messages.countTokens({
      model: 'openai/gpt-4o-mini',
      messages: say('count me'),
    });
    expect(estimate.input_tokens).toBeGreaterThan(0);
  });

  it('answers errors in Anthropic’s shape and the SDK’s classes; x-api-key or a Bearer JWT', async () => {
    const { anthropic, jwt } = await newClient(['anthropic']);
    const limited = await anthropic.messages
      .create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: say('!scenario error 429') })
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(Anthropic.RateLimitError);
    expect((limited as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      type: 'error',
      error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
    });
    const stranger = new Anthropic({ apiKey: 'gwt_not-a-real-token', baseURL: sdk.gw.url, maxRetries: 0 });
    const denied = await stranger.messages
      .create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: say('x') })
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(Anthropic.AuthenticationError);
    const bad = await anthropic.messages
      .create({ model: 'claude-sonnet-4-5', max_tokens: 0, messages: say('x') })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(Anthropic.BadRequestError);
    expect((bad as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      error: { type: 'invalid_request_error', code: 'invalid_value' },
    });
    const bearer = new Anthropic({ authToken: jwt, apiKey: null, baseURL: sdk.gw.url, maxRetries: 0 });
    const ok = await bearer.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 10,
      messages: say('jwt'),
    });
    expect(ok.content[0]).toMatchObject({ text: 'echo: jwt' });
  });

  it('records a usage row per call and never lets a key reach the log or the database', async () => {
    const { anthropic, jwt } = await newClient(['anthropic', 'openai']);
    await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: say('row 1') });
    await anthropic.messages
      .stream({ model: 'openai/gpt-4o-mini', max_tokens: 10, messages: say('row 2') })
      .finalMessage();
    await expect
      .poll(async () => (await sdk.usageByModel(jwt)).map((g) => [g.group, g.requests]).sort())
      .toEqual([
        ['claude-sonnet-4-5', 1],
        ['openai/gpt-4o-mini', 1],
      ]);
    const output = sdk.gw.output();
    for (const key of sdk.usedKeys) expect(output).not.toContain(key);
    if (database === 'sqlite')
      expect(secretsOnDisk([sdk.dbPath, `${sdk.dbPath}-wal`], sdk.usedKeys)).toEqual([]);
  });
});
