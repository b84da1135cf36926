import { describe, expect, it } from 'vitest';
import { startFakeAnthropic } from '../../fakes/anthropic-server.js';
import { useNativeChat } from '../helpers/chat-harness.js';

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const TOOLS = [
  {
    type: 'function',
    function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
  },
];

function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice('data: '.length));
}

describe('chat completions through the native Anthropic adapter', () => {
  const h = useNativeChat({
    user: 'anthropic-api-user',
    key: { provider: 'anthropic', keyName: 'claude work' },
    model: 'anthropic/claude-sonnet-4-5',
    startFakes: async () => ({ anthropic: await startFakeAnthropic() }),
    env: ({ anthropic }) => ({ ANTHROPIC_BASE_URL: anthropic.baseUrl, UPSTREAM_TIMEOUT_MS: '2000' }),
  });
  const { apiKey, chat, say } = h;

  it('answers a plain request in OpenAI’s shape, calling Anthropic with the key as x-api-key only', async () => {
    const res = await say('hi');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('x-gateway-provider')).toBe('anthropic');
    expect(res.headers.get('x-gateway-key-source')).toBe('user');
    const body = await res.json();
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'claude-sonnet-4-5',
      choices: [{ index: 0, message: { role: 'assistant', content: 'echo: hi' }, finish_reason: 'stop' }],
    });
    expect(body.id).toMatch(/^msg_/);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);

    expect(h.fakes.anthropic.requests).toHaveLength(1);
    const sent = h.fakes.anthropic.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v1/messages');
    expect(sent.key).toBe(apiKey);
    expect(sent.headers['anthropic-version']).toBe('2023-06-01');
    expect(sent.headers.authorization).toBeUndefined();
    expect(`${sent.path}${sent.query}`).not.toContain(apiKey);
    expect(sent.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 8192,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    });
  });

  it('streams text as OpenAI chunks ending in [DONE], without usage unless asked', async () => {
    const res = await say('stream me', { stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = sseData(await res.text());
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('echo: stream me');
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(h.fakes.anthropic.requests[0]?.body?.stream).toBe(true);
    expect(h.fakes.anthropic.requests[0]?.headers.accept).toBe('text/event-stream');
  });

  it('adds exactly one usage chunk before [DONE] with include_usage', async () => {
    const res = await say('count me', { stream: true, stream_options: { include_usage: true } });
    const events = sseData(await res.text());
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
    const withUsage = chunks.filter((c) => c.usage);
    expect(withUsage).toHaveLength(1);
    expect(chunks.at(-1)).toBe(withUsage[0]);
    expect(withUsage[0].choices).toEqual([]);
    expect(withUsage[0].usage.total_tokens).toBeGreaterThan(0);
  });

  it('completes a tool round trip: call → tool result → answer, the ids matching at Anthropic', async () => {
    const first = await (await say('find cats', { tools: TOOLS })).json();
    expect(first.choices[0].finish_reason).toBe('tool_calls');
    const call = first.choices[0].message.tool_calls[0];
    expect(call).toMatchObject({
      type: 'function',
      function: { name: 'lookup', arguments: '{"q":"find cats"}' },
    });
    expect(call.id).toMatch(/^toolu_/);

    const res = await chat({
      tools: TOOLS,
      messages: [
        { role: 'user', content: 'find cats' },
        { role: 'assistant', content: null, tool_calls: first.choices[0].message.tool_calls },
        { role: 'tool', tool_call_id: call.id, content: 'tabby' },
      ],
    });
    expect(res.status).toBe(200);
    expect((await res.json()).choices[0].message.content).toBe('tool said: tabby');
    const sent = h.fakes.anthropic.requests.at(-1)?.body?.messages as { role: string; content: unknown[] }[];
    expect(sent.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(sent[2]?.content[0]).toEqual({ type: 'tool_result', tool_use_id: call.id, content: 'tabby' });
  });

  it('streams a tool call with index, id, type and name first, then argument pieces', async () => {
    const res = await say('find dogs', { tools: TOOLS, stream: true });
    const chunks = sseData(await res.text())
      .slice(0, -1)
      .map((e) => JSON.parse(e));
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
    expect(deltas[0]).toMatchObject({
      index: 0,
      type: 'function',
      function: { name: 'lookup', arguments: '' },
    });
    expect(deltas[0].id).toMatch(/^toolu_/);
    expect(
      JSON.parse(deltas.map((d: { function: { arguments: string } }) => d.function.arguments).join('')),
    ).toEqual({
      q: 'find dogs',
    });
    expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
  });

  it('sends images as Anthropic image blocks: data URLs inline, https URLs by reference', async () => {
    const res = await chat({
      messages: [
        { role: 'system', content: 'Look closely.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: '!scenario image' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    });
    expect((await res.json()).choices[0].message.content).toBe(
      'saw image: data:image/png;base64,iVBORw0K, https://example.com/cat.jpg',
    );
    expect(h.fakes.anthropic.requests[0]?.body?.system).toEqual([{ type: 'text', text: 'Look closely.' }]);
  });

  it('answers json_object with the JSON itself as the message text', async () => {
    const body = await (await say('Ada', { response_format: { type: 'json_object' } })).json();
    expect(JSON.parse(body.choices[0].message.content)).toEqual({ q: 'Ada' });
    expect(body.choices[0].finish_reason).toBe('stop');
  });

  it('refuses what Anthropic cannot do with a 400 naming the parameter, without calling it', async () => {
    for (const [extra, param] of [
      [{ n: 2 }, 'n'],
      [{ temperature: 1.7 }, 'temperature'],
      [{ logit_bias: { '1': 5 } }, 'logit_bias'],
    ] as const) {
      const res = await say('x', extra);
      expect(res.status).toBe(400);
      expect((await res.json()).error).toMatchObject({ type: 'invalid_request_error', param });
    }
    const http = await chat({
      messages: [
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://10.0.0.1/x.png' } }] },
      ],
    });
    expect(http.status).toBe(400);
    expect((await http.json()).error.code).toBe('unsupported_image_url');
    expect(h.fakes.anthropic.requests).toHaveLength(0);
  });

  it('turns a rejected key into 401 provider_key_rejected that names the key and never echoes it', async () => {
    h.fakes.anthropic.rejectedKeys.add(apiKey);
    try {
      const res = await say('hi');
      expect(res.status).toBe(401);
      expect(res.headers.get('x-should-retry')).toBe('false');
      const text = await res.text();
      expect(JSON.parse(text).error).toMatchObject({
        code: 'provider_key_rejected',
        type: 'authentication_error',
      });
      expect(text).toContain('claude work');
      // The key is marked rejected (skipped until verified, replaced or PATCHed active).
      expect(await h.keyView()).toMatchObject({ status: 'rejected' });
      expect(text).not.toContain(apiKey);
      expect(text).not.toContain(apiKey.slice(14, 50));
    } finally {
      h.fakes.anthropic.rejectedKeys.delete(apiKey);
      await h.reactivateKey();
    }
  });

  it('maps 429 with its Retry-After, 529 overloaded to 503, 500 to 502 and 404 to model_not_found', async () => {
    const limited = await say('!scenario error 429');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
    expect((await limited.json()).error.type).toBe('rate_limit_error');

    const overloaded = await say('!scenario error 529');
    expect(overloaded.status).toBe(503);
    expect((await overloaded.json()).error).toMatchObject({
      code: 'upstream_overloaded',
      message: 'Anthropic: Overloaded',
    });

    expect((await say('!scenario error 500')).status).toBe(502);
    const missing = await say('!scenario error 404');
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('model_not_found');
  });

  it('scrubs a key Anthropic echoes in an error', async () => {
    const res = await say('!scenario error echo-key');
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toContain(apiKey);
    expect(text).toContain('[REDACTED]');
    expect(h.t.logs.join('\n')).not.toContain(apiKey);
  });

  it('ends a stream hit by a mid-stream overloaded error with an error event and no [DONE]', async () => {
    const events = sseData(await (await say('!scenario midstream-error', { stream: true })).text());
    expect(events).not.toContain('[DONE]');
    expect(JSON.parse(events.at(-1) ?? '{}').error).toMatchObject({
      type: 'service_unavailable',
      code: 'upstream_overloaded',
    });
    expect(
      events
        .slice(0, -1)
        .map((e) => JSON.parse(e).choices[0].delta.content ?? '')
        .join(''),
    ).toBe('tok0 tok1 ');
  });

  it('ends a cut stream with an error event and no [DONE]', async () => {
    const events = sseData(await (await say('!scenario cut', { stream: true })).text());
    expect(events).not.toContain('[DONE]');
    expect(JSON.parse(events.at(-1) ?? '{}').error.type).toBe('upstream_error');
  });

  it('answers a Messages body that is not JSON with 502', async () => {
    const res = await say('!scenario garbage');
    expect(res.status).toBe(502);
    expect((await res.json()).error.code).toBe('upstream_invalid_response');
  });
});
