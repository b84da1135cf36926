import { describe, expect, it } from 'vitest';
import { startCanary } from '../../fakes/canary-server.js';
import { startFakeGemini } from '../../fakes/gemini-server.js';
import { useNativeChat } from '../helpers/chat-harness.js';

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/** The `data:` payloads of an OpenAI SSE body, `[DONE]` as a string and the rest parsed. */
function sse(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter((e) => e !== '')
    .map((e) => {
      expect(e.startsWith('data: ')).toBe(true);
      const data = e.slice('data: '.length);
      return data === '[DONE]' ? data : JSON.parse(data);
    });
}

interface Chunk {
  choices: {
    delta: { content?: string; tool_calls?: { id: string; function: { name: string } }[] };
    finish_reason: string | null;
  }[];
  usage?: unknown;
  error?: { code: string; type: string; message: string };
}

describe('chat through the native Google Gemini adapter', () => {
  const h = useNativeChat({
    user: 'gemini-user',
    key: { provider: 'google', keyName: 'gemini work' },
    model: 'google/gemini-2.5-flash',
    startFakes: async () => {
      const [gemini, canary] = await Promise.all([startFakeGemini(), startCanary()]);
      return { gemini, canary };
    },
    env: ({ gemini }) => ({ GOOGLE_BASE_URL: gemini.baseUrl, STREAM_IDLE_TIMEOUT_MS: '500' }),
  });
  const { apiKey, chat } = h;
  const ask = h.say;

  it('answers through Gemini with the caller’s key in x-goog-api-key and nowhere else', async () => {
    const res = await ask('hi', { temperature: 0.3 });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gateway-provider')).toBe('google');
    expect(res.headers.get('x-gateway-key-source')).toBe('user');
    const body = await res.json();
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'gemini-2.5-flash',
      choices: [{ index: 0, message: { role: 'assistant', content: 'echo: hi' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) },
    });
    expect(h.fakes.gemini.requests).toHaveLength(1);
    const sent = h.fakes.gemini.requests[0]!;
    expect([sent.method, sent.path, sent.query]).toEqual([
      'POST',
      '/v1beta/models/gemini-2.5-flash:generateContent',
      '',
    ]);
    expect(sent.key).toBe(apiKey);
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.rawBody).not.toContain(apiKey);
    expect(sent.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      generationConfig: { temperature: 0.3 },
    });
  });

  it('routes a bare gemini-* id to Google natively', async () => {
    const res = await chat({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'bare' }] });
    expect(res.headers.get('x-gateway-provider')).toBe('google');
    expect(h.fakes.gemini.requests[0]?.path).toBe('/v1beta/models/gemini-2.5-pro:generateContent');
  });

  it('streams text as OpenAI chunks ending in [DONE], without usage unless asked', async () => {
    const res = await ask('stream me please', { stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = sse(await res.text());
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1) as Chunk[];
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('echo: stream me please');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
    expect(h.fakes.gemini.requests[0]?.path).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent');
    expect(h.fakes.gemini.requests[0]?.query).toBe('?alt=sse');
    expect(h.fakes.gemini.requests[0]?.key).toBe(apiKey);
  });

  it('adds the usage chunk before [DONE] when include_usage is asked for', async () => {
    const res = await ask('count me', { stream: true, stream_options: { include_usage: true } });
    const events = sse(await res.text());
    expect(events.at(-1)).toBe('[DONE]');
    const usageChunk = events.at(-2) as Chunk;
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toMatchObject({
      prompt_tokens: expect.any(Number),
      total_tokens: expect.any(Number),
    });
    expect((events.slice(0, -2) as Chunk[]).every((c) => c.usage === null)).toBe(true);
  });

  it.each([false, true])(
    'round-trips a tool call with its thought signature (stream: %s)',
    async (stream) => {
      const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
      const model = 'google/gemini-3-pro-preview';
      const first = await chat({
        model,
        stream,
        tools,
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
      });
      expect(first.status).toBe(200);
      let call: { id: string; function: { name: string; arguments?: string } };
      if (stream) {
        const chunks = sse(await first.text()).slice(0, -1) as Chunk[];
        expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
        call = chunks.find((c) => c.choices[0]?.delta.tool_calls)!.choices[0]!.delta.tool_calls![0]!;
      } else {
        const body = await first.json();
        expect(body.choices[0].finish_reason).toBe('tool_calls');
        call = body.choices[0].message.tool_calls[0];
      }
      expect(call.function.name).toBe('get_weather');
      const issued = [...h.fakes.gemini.issuedSignatures].at(-1)!;

      const second = await chat({
        model,
        stream: false,
        tools,
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: call.id,
                type: 'function',
                function: { name: 'get_weather', arguments: '{"q":"Weather in Paris?"}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: call.id, content: 'sunny' },
        ],
      });
      expect(second.status).toBe(200);
      expect((await second.json()).choices[0].message.content).toBe('tool said: sunny');
      const sentBack = h.fakes.gemini.requests[1]?.body as {
        contents: { parts: Record<string, unknown>[] }[];
      };
      expect(sentBack.contents[1]?.parts[0]).toEqual({
        functionCall: { name: 'get_weather', args: { q: 'Weather in Paris?' } },
        thoughtSignature: issued,
      });
      expect(sentBack.contents[2]?.parts[0]).toEqual({
        functionResponse: { name: 'get_weather', response: { output: 'sunny' } },
      });
    },
  );

  it('sends data: images inline', async () => {
    const res = await chat({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: '!scenario image' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
          ],
        },
      ],
    });
    expect((await res.json()).choices[0].message.content).toBe('saw image: data:image/png;base64,iVBORw0K');
  });

  const imageChat = (url: string) =>
    chat({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image_url', image_url: { url } },
          ],
        },
      ],
    });
  const IMAGE_URLS = ['canary', 'http://169.254.169.254/latest/meta-data/', 'https://example.com/cat.png'];
  const urlOf = (which: string) => (which === 'canary' ? h.fakes.canary.urlFor('/x') : which);

  it.each(IMAGE_URLS)(
    'fetches nothing for an image URL (%s): no canary hit, no call to Google',
    async (which) => {
      const res = await imageChat(urlOf(which));
      expect(res.ok).toBe(false);
      await res.text();
      await new Promise((r) => setTimeout(r, 50));
      expect(h.fakes.canary.hits).toHaveLength(0);
      expect(h.fakes.gemini.requests).toHaveLength(0);
    },
  );

  it.each(IMAGE_URLS)('refuses an image URL (%s) with a 400 naming it', async (which) => {
    const res = await imageChat(urlOf(which));
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({
      code: 'unsupported_image_url',
      param: 'messages[0].content[1].image_url.url',
    });
  });

  it('refuses a parameter Gemini cannot honour with a 400 naming it, without calling Google', async () => {
    const res = await ask('x', { logprobs: true });
    expect(h.fakes.gemini.requests).toHaveLength(0);
    expect(res.status).toBe(400);
    expect((await res.json()).error.param).toBe('logprobs');
  });

  it('turns Google’s bad-key 400, which echoes the key, into 401 provider_key_rejected without the key', async () => {
    h.fakes.gemini.rejectedKeys.add(apiKey);
    try {
      const res = await ask('x');
      expect(res.status).toBe(401);
      expect(res.headers.get('x-should-retry')).toBe('false');
      const text = await res.text();
      expect(JSON.parse(text).error).toMatchObject({
        code: 'provider_key_rejected',
        type: 'authentication_error',
      });
      expect(text).toContain('gemini work');
      // The key is marked rejected (skipped until verified, replaced or PATCHed active).
      expect(await h.keyView()).toMatchObject({ status: 'rejected' });
      expect(text).not.toContain(apiKey);
      expect(h.t.logs.join('\n')).not.toContain(apiKey);
    } finally {
      h.fakes.gemini.rejectedKeys.delete(apiKey);
      await h.reactivateKey();
    }
  });

  it('keeps a 429 with Retry-After from Google’s RetryInfo', async () => {
    const res = await ask('!scenario error 429');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect((await res.json()).error.code).toBe('rate_limit_exceeded');
  });

  it.each([
    [400, 400, 'upstream_bad_request'],
    [403, 403, 'upstream_forbidden'],
    [404, 404, 'model_not_found'],
    [500, 502, 'upstream_error'],
    [503, 503, 'upstream_unavailable'],
  ])('maps Google’s %i to %i %s', async (status, expected, code) => {
    const res = await ask(`!scenario error ${status}`);
    expect(res.status).toBe(expected);
    expect((await res.json()).error.code).toBe(code);
  });

  it('scrubs a key Google echoes in an error message', async () => {
    const res = await ask('!scenario error echo-key');
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain(apiKey);
  });

  it('ends a cut stream with an error event and no [DONE]', async () => {
    const res = await ask('!scenario cut', { stream: true });
    expect(res.status).toBe(200);
    const events = sse(await res.text());
    expect(events).not.toContain('[DONE]');
    expect((events.at(-1) as Chunk).error?.code).toBe('upstream_stream_interrupted');
    expect((events.slice(1, -1) as Chunk[]).map((c) => c.choices[0]?.delta.content).join('')).toBe(
      'tok0 tok1 tok2 ',
    );
  });

  it('ends a stream with Google’s in-stream error as the final event, scrubbed', async () => {
    const res = await ask('!scenario midstream-error echo-key', { stream: true });
    const raw = await res.text();
    const events = sse(raw);
    expect(events).not.toContain('[DONE]');
    expect((events.at(-1) as Chunk).error).toMatchObject({
      code: 'upstream_unavailable',
      type: 'service_unavailable',
    });
    expect(raw).not.toContain(apiKey);
  });

  it('ends a stream whose upstream goes quiet with an idle-timeout error event', async () => {
    const res = await ask('!scenario headers-then-hang', { stream: true });
    const events = sse(await res.text());
    expect((events.at(-1) as Chunk).error?.code).toBe('upstream_idle_timeout');
  });

  it('aborts the upstream as soon as the client cancels a stream', async () => {
    const res = await ask('!scenario slow 100', { stream: true });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    await expect.poll(() => h.fakes.gemini.aborted, { timeout: 2000 }).toBe(1);
  });

  it('never puts the key in a URL: the fake refuses ?key= and saw none', async () => {
    await ask('a');
    await ask('b', { stream: true }).then((r) => r.text());
    expect(h.fakes.gemini.requests.length).toBe(2);
    for (const r of h.fakes.gemini.requests) {
      expect(r.query).not.toMatch(/key=/);
      expect(`${r.path}${r.query}`).not.toContain(apiKey);
      expect(r.key).toBe(apiKey);
    }
    const direct = await fetch(
      `${h.fakes.gemini.baseUrl}/models/gemini-2.5-flash:generateContent?key=${apiKey}`,
      {
        method: 'POST',
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'x' }] }] }),
      },
    );
    expect(direct.status).toBe(400);
  });
});
