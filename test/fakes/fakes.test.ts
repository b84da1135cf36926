import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeProvider,
  type Flavour,
  startFakeOpenAICompatible,
} from '../../fakes/openai-compatible-server.js';

const KEY = 'sk-proj-FAKEKEY0123456789abcdefghijab12';
const MODELS: Record<Flavour, string> = {
  openai: 'gpt-4o-mini',
  openrouter: 'openai/gpt-4o-mini',
  meta: 'Llama-3.3-70B-Instruct',
};
const FLAVOURS: Flavour[] = ['openai', 'openrouter', 'meta'];
const TOOLS: ChatCompletionTool[] = [
  {
    type: 'function',
    function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
  },
  { type: 'function', function: { name: 'clock', parameters: { type: 'object', properties: {} } } },
];

function sdk(fake: FakeProvider, apiKey = KEY): OpenAI {
  return new OpenAI({ apiKey, baseURL: fake.baseUrl, maxRetries: 0 });
}

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const out: ChatCompletionChunk[] = [];
  for await (const c of stream) out.push(c);
  return out;
}

const text = (chunks: ChatCompletionChunk[]) => chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');

describe.each(FLAVOURS)('%s fake through the openai SDK', (flavour) => {
  let fake: FakeProvider;
  const model = MODELS[flavour];
  beforeAll(async () => {
    fake = await startFakeOpenAICompatible({ flavour });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.clear());

  it('answers a non-stream call with echo, the request model and usage; records the request', async () => {
    const r = await sdk(fake).chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'hello there' }],
    });
    expect(r.object).toBe('chat.completion');
    expect(r.model).toBe(model);
    expect(r.choices[0]?.message.content).toBe('echo: hello there');
    expect(r.choices[0]?.finish_reason).toBe('stop');
    expect(r.usage?.total_tokens).toBeGreaterThan(0);
    expect(r.id).toMatch(flavour === 'openrouter' ? /^gen-/ : /^chatcmpl-/);
    expect(fake.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/(v1|api\/v1|compat\/v1)$/);
    const rec = fake.requests[0];
    expect(rec?.method).toBe('POST');
    expect(rec?.path).toBe(`${fake.basePath}/chat/completions`);
    expect(rec?.key).toBe(KEY);
    expect(rec?.headers['x-stainless-lang']).toBe('js');
    expect(rec?.body?.model).toBe(model);
  });

  it('streams role first, ~4-char deltas, finish_reason, usage chunk when include_usage', async () => {
    const stream = await sdk(fake).chat.completions.create({
      model,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: [{ type: 'text', text: 'stream me please' }] }],
    });
    const chunks = await collect(stream);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(text(chunks)).toBe('echo: stream me please');
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBe(6);
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    const last = chunks[chunks.length - 1];
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBeGreaterThan(0);
    expect(new Set(chunks.map((c) => `${c.id}|${c.created}|${c.model}`)).size).toBe(1);
  });

  it(`sends a usage chunk without include_usage ${flavour === 'openrouter' ? 'anyway' : 'never'}`, async () => {
    const stream = await sdk(fake).chat.completions.create({
      model,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const chunks = await collect(stream);
    expect(text(chunks)).toBe('echo: hi');
    expect(chunks.some((c) => c.usage)).toBe(flavour === 'openrouter');
  });

  it('assembles a streamed tool call through the SDK stream helper', async () => {
    const runner = sdk(fake).chat.completions.stream({
      model,
      tools: TOOLS,
      messages: [{ role: 'user', content: 'find cats' }],
    });
    const final = await runner.finalChatCompletion();
    const choice = final.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') throw new Error('no function call');
    expect(call.id).toMatch(/^call_/);
    expect(call.function.name).toBe('lookup');
    expect(JSON.parse(call.function.arguments)).toEqual({ q: 'find cats' });
  });

  it('answers a non-stream tool call, then `tool said:` after a tool message', async () => {
    const client = sdk(fake);
    const first = await client.chat.completions.create({
      model,
      tools: TOOLS,
      messages: [{ role: 'user', content: 'find cats' }],
    });
    const call = first.choices[0]?.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('no function call');
    expect(first.choices[0]?.message.content).toBeNull();
    expect(JSON.parse(call.function.arguments)).toEqual({ q: 'find cats' });
    const second = await client.chat.completions.create({
      model,
      tools: TOOLS,
      messages: [
        { role: 'user', content: 'find cats' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: '{"result":"tabby"}' },
      ],
    });
    expect(second.choices[0]?.message.content).toBe('tool said: {"result":"tabby"}');
  });

  it('streams `chunks N` as tok0..tok(N-1) and `image` lists image parts', async () => {
    const stream = await sdk(fake).chat.completions.create({
      model,
      stream: true,
      messages: [{ role: 'user', content: '!scenario chunks 5' }],
    });
    const chunks = await collect(stream);
    expect(chunks.filter((c) => c.choices[0]?.delta.content).map((c) => c.choices[0]?.delta.content)).toEqual(
      ['tok0 ', 'tok1 ', 'tok2 ', 'tok3 ', 'tok4 '],
    );
    const url = 'https://images.example.com/cats/tabby-cat-picture.png';
    const r = await sdk(fake).chat.completions.create({
      model,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: '!scenario image' },
            { type: 'image_url', image_url: { url } },
          ],
        },
      ],
    });
    expect(r.choices[0]?.message.content).toBe(`saw image: ${url.slice(0, 30)}`);
  });

  it('lists models in OpenAI shape', async () => {
    const page = await sdk(fake).models.list();
    expect(page.data.length).toBeGreaterThan(0);
    expect(page.data.map((m) => m.id)).toContain(model);
    expect(page.data[0]?.object).toBe('model');
  });

  it('rejects a key in rejectedKeys with 401 on chat', async () => {
    fake.rejectedKeys.add('sk-bad-key-000000000000');
    try {
      const err = await sdk(fake, 'sk-bad-key-000000000000')
        .chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
      const models = await fetch(`${fake.baseUrl}/models`, {
        headers: { authorization: 'Bearer sk-bad-key-000000000000' },
      });
      // OpenRouter's /models is public: any key gets 200 (so it cannot validate keys).
      expect(models.status).toBe(flavour === 'openrouter' ? 200 : 401);
    } finally {
      fake.rejectedKeys.clear();
    }
  });
});

describe('flavour details on the wire', () => {
  it('openai: every chunk carries usage:null with include_usage; x-request-id', async () => {
    const fake = await startFakeOpenAICompatible({ flavour: 'openai' });
    try {
      const res = await fetch(`${fake.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'gpt-4o-mini',
          stream: true,
          stream_options: { include_usage: true },
          messages: [{ role: 'user', content: 'hi' }],
        }),
      });
      expect(res.headers.get('content-type')).toBe('text/event-stream');
      expect(res.headers.get('x-request-id')).toMatch(/^req_/);
      const events = (await res.text()).split('\n\n').filter(Boolean);
      expect(events[events.length - 1]).toBe('data: [DONE]');
      const chunks = events
        .slice(0, -1)
        .map((e) => JSON.parse(e.slice('data: '.length)) as Record<string, unknown>);
      expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
      expect(chunks[chunks.length - 1]?.usage).toMatchObject({ total_tokens: expect.any(Number) });
    } finally {
      await fake.close();
    }
  });

  it('openrouter: comment lines, gen- ids, provider field, always usage; GET /key', async () => {
    const fake = await startFakeOpenAICompatible({ flavour: 'openrouter' });
    try {
      const res = await fetch(`${fake.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'openai/gpt-4o-mini',
          stream: true,
          messages: [{ role: 'user', content: 'hey you' }],
        }),
      });
      const events = (await res.text()).split('\n\n').filter(Boolean);
      expect(events[0]).toBe(': OPENROUTER PROCESSING');
      expect(events.filter((e) => e === ': OPENROUTER PROCESSING').length).toBe(2);
      const data = events
        .filter((e) => e.startsWith('data: {'))
        .map((e) => JSON.parse(e.slice(6)) as Record<string, unknown>);
      expect(data.every((c) => String(c.id).startsWith('gen-') && c.provider === 'OpenAI')).toBe(true);
      expect(data[data.length - 1]).toMatchObject({ choices: [], usage: { cost: expect.any(Number) } });

      const key = await fetch(`${fake.baseUrl}/key`, { headers: { authorization: `Bearer ${KEY}` } });
      expect(key.status).toBe(200);
      expect(await key.json()).toMatchObject({ data: { limit: 50, usage: 8.8, is_free_tier: false } });
      fake.rejectedKeys.add(KEY);
      const bad = await fetch(`${fake.baseUrl}/key`, { headers: { authorization: `Bearer ${KEY}` } });
      expect(bad.status).toBe(401);
      expect(await bad.json()).toEqual({ error: { code: 401, message: 'User not found.' } });
      const none = await fetch(`${fake.baseUrl}/key`);
      expect(none.status).toBe(401);
    } finally {
      await fake.close();
    }
  });

  it('honours a custom basePath', async () => {
    const fake = await startFakeOpenAICompatible({ flavour: 'meta', basePath: '/custom/v9/' });
    try {
      expect(fake.baseUrl).toBe(`${fake.origin}/custom/v9`);
      const page = await sdk(fake).models.list();
      expect(page.data.length).toBe(2);
      const miss = await fetch(`${fake.origin}/compat/v1/models`, {
        headers: { authorization: `Bearer ${KEY}` },
      });
      expect(miss.status).toBe(404);
    } finally {
      await fake.close();
    }
  });
});
