import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { startFakeAnthropic } from '../../fakes/anthropic-server.js';
import { startFakeOpenAICompatible } from '../../fakes/openai-compatible-server.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { useSdkGateway } from '../helpers/sdk-gateway.js';

/**
 * `POST /v1/responses` on the real server through the official openai SDK (`responses.create` and
 * `.stream`), on both databases: OpenAI models natively on the caller's OpenAI key, other models
 * (here Claude, on the caller's Anthropic key) translated through the chat path.
 */
describe.each(DATABASE_KINDS)('the Responses API with the official openai SDK (%s)', (database) => {
  const sdk = useSdkGateway({
    tmpPrefix: 'byok-sdk-responses-',
    userPrefix: `sdk-responses-${database}-`,
    database,
    startFakes: async () => {
      const [openai, anthropic] = await Promise.all([
        startFakeOpenAICompatible({ flavour: 'openai' }),
        startFakeAnthropic(),
      ]);
      return { openai, anthropic };
    },
    env: ({ openai, anthropic }) => ({
      OPENAI_BASE_URL: openai.baseUrl,
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
    }),
  });

  const tools: OpenAI.Responses.FunctionTool[] = [
    {
      type: 'function',
      name: 'lookup',
      strict: false,
      parameters: { type: 'object', properties: { q: { type: 'string' } } },
    },
  ];
  const MODELS = ['openai/gpt-4o-mini', 'anthropic/claude-sonnet-4-5'];

  it('passes OpenAI through natively with the caller’s key, state included', async () => {
    const { client, stored } = await sdk.newUser(['openai']);
    const { data, response } = await client.responses
      .create({ model: 'openai/gpt-4o-mini', input: 'hello responses' })
      .withResponse();
    expect(data.output_text).toBe('echo: hello responses');
    expect(response.headers.get('x-gateway-provider')).toBe('openai');
    const next = await client.responses.create({
      model: 'gpt-4o-mini',
      previous_response_id: data.id,
      input: 'and again',
    });
    expect(next.previous_response_id).toBe(data.id);
    const seen = sdk.fakes.openai.requests;
    expect(seen.map((r) => [r.path, r.key, r.body?.model])).toEqual([
      ['/v1/responses', stored.openai!.apiKey, 'gpt-4o-mini'],
      ['/v1/responses', stored.openai!.apiKey, 'gpt-4o-mini'],
    ]);
  });

  it('relays a native stream byte for byte', async () => {
    const { jwt } = await sdk.newUser(['openai']);
    const sse =
      'event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","status":"in_progress","output":[]}}\n\n' +
      'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":1,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"exact  é"}\n\n' +
      'event: response.completed\ndata: {"type":"response.completed","sequence_number":2,"response":{"id":"resp_1","object":"response","status":"completed","output":[],"usage":{"input_tokens":3,"output_tokens":2,"total_tokens":5}}}\n\n';
    sdk.fakes.openai.next((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(sse);
    });
    const res = await fetch(`${sdk.gw.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o', input: 'x', stream: true }),
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(await res.text()).toBe(sse);
  });

  it.each(MODELS)('streams %s with responses.stream and the Responses event sequence', async (model) => {
    const { client } = await sdk.newUser(['openai', 'anthropic']);
    const types: string[] = [];
    const stream = client.responses.stream({ model, instructions: 'Be brief.', input: 'stream me' });
    stream.on('event', (e) => types.push(e.type));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('echo: stream me');
    expect(final.status).toBe('completed');
    expect(final.usage?.output_tokens).toBeGreaterThan(0);
    expect(types.slice(0, 2)).toEqual(['response.created', 'response.in_progress']);
    expect(types).toContain('response.output_text.delta');
    expect(types.at(-1)).toBe('response.completed');
  });

  it('translates the stateless subset for Claude: instructions, images, json schema, limits', async () => {
    const { client } = await sdk.newUser(['anthropic']);
    const { data, response } = await client.responses
      .create({
        model: 'anthropic/claude-sonnet-4-5',
        instructions: 'Be brief.',
        input: [
          {
            role: 'user',
            content: [
              { type: 'input_text', text: '!scenario image' },
              { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'auto' },
            ],
          },
        ],
        max_output_tokens: 300,
        text: {
          format: {
            type: 'json_schema',
            name: 'answer',
            schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
          },
        },
      })
      .withResponse();
    expect(response.headers.get('x-gateway-provider')).toBe('anthropic');
    expect(data.object).toBe('response');
    expect(data.output_text).toContain('saw image: data:image/png;base64');
    const sent = sdk.fakes.anthropic.requests[0]?.body;
    expect(sent?.system).toEqual([{ type: 'text', text: 'Be brief.' }]);
    expect(sent?.max_tokens).toBe(300);
  });

  it.each(MODELS)('completes a function-tool round trip on %s', async (model) => {
    const { client } = await sdk.newUser(['openai', 'anthropic']);
    const first = await client.responses.stream({ model, tools, input: 'find cats' }).finalResponse();
    const call = first.output.find((o) => o.type === 'function_call');
    expect(call?.type === 'function_call' && call.name).toBe('lookup');
    expect(call?.type === 'function_call' && JSON.parse(call.arguments)).toEqual({ q: 'find cats' });
    const answer = await client.responses.create({
      model,
      tools,
      store: false,
      input: [
        { role: 'user', content: 'find cats' },
        call as OpenAI.Responses.ResponseFunctionToolCall,
        {
          type: 'function_call_output',
          call_id: (call as OpenAI.Responses.ResponseFunctionToolCall).call_id,
          output: 'tabby',
        },
      ],
    });
    expect(answer.output_text).toBe('tool said: tabby');
  });

  it('refuses, in one 400, every part that needs OpenAI’s server-side state on another provider', async () => {
    const { client } = await sdk.newUser(['anthropic']);
    const refused = await client.responses
      .create({
        model: 'anthropic/claude-sonnet-4-5',
        input: 'x',
        previous_response_id: 'resp_123',
        store: true,
        tools: [{ type: 'web_search' }],
      })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    const err = refused as InstanceType<typeof OpenAI.BadRequestError>;
    expect(err.code).toBe('unsupported_parameter');
    expect(err.message).toContain('previous_response_id, store, tools[0]');
    expect(sdk.fakes.anthropic.requests).toHaveLength(0);
  });

  it.each(MODELS)('raises on a cut stream of %s, never a clean finish', async (model) => {
    const { client } = await sdk.newUser(['openai', 'anthropic']);
    await expect(client.responses.stream({ model, input: '!scenario cut' }).finalResponse()).rejects.toThrow(
      OpenAI.APIError,
    );
    const limited = await client.responses
      .create({ model, input: '!scenario error 429' })
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
  });

  it('records a usage row for each call, native and translated', async () => {
    const { client, jwt } = await sdk.newUser(['openai', 'anthropic']);
    await client.responses.create({ model: 'openai/gpt-4o-mini', input: 'row 1' });
    await client.responses.stream({ model: 'anthropic/claude-sonnet-4-5', input: 'row 2' }).finalResponse();
    await expect
      .poll(async () => (await sdk.usageByModel(jwt)).map((g) => [g.group, g.requests]).sort())
      .toEqual([
        ['anthropic/claude-sonnet-4-5', 1],
        ['openai/gpt-4o-mini', 1],
      ]);
    const rows = await sdk.usageByModel(jwt);
    expect(rows.every((g) => g.promptTokens > 0)).toBe(true);
  });
});
