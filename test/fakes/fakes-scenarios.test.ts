import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCanary } from '../../fakes/canary-server.js';
import {
  type FakeProvider,
  type Flavour,
  startFakeOpenAICompatible,
} from '../../fakes/openai-compatible-server.js';
import { maskKey, parseDirective, waitFor } from '../../fakes/scenario.js';

const KEY = 'sk-proj-FAKEKEY0123456789abcdefghijab12';
const MODELS: Record<Flavour, string> = {
  openai: 'gpt-4o-mini',
  openrouter: 'openai/gpt-4o-mini',
  meta: 'Llama-3.3-70B-Instruct',
};
const FLAVOURS: Flavour[] = ['openai', 'openrouter', 'meta'];

type ErrorClass = abstract new (...args: never[]) => Error;
const EXPECTED: [number, ErrorClass][] = [
  [401, OpenAI.AuthenticationError],
  [403, OpenAI.PermissionDeniedError],
  [404, OpenAI.NotFoundError],
  [429, OpenAI.RateLimitError],
  [500, OpenAI.InternalServerError],
  [503, OpenAI.InternalServerError],
];

function sdk(fake: FakeProvider): OpenAI {
  return new OpenAI({ apiKey: KEY, baseURL: fake.baseUrl, maxRetries: 0 });
}

function post(
  fake: FakeProvider,
  userText: string,
  extra: Record<string, unknown> = {},
  signal?: AbortSignal,
) {
  return fetch(`${fake.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: MODELS[fake.flavour],
      messages: [{ role: 'user', content: userText }],
      ...extra,
    }),
    signal: signal ?? null,
  });
}

/** Reads a body to its end; a connection cut mid-body ends the text instead of throwing. */
async function readAll(res: Response): Promise<{ text: string; broken: boolean }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, broken: false };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, broken: true };
  }
}

describe.each(FLAVOURS)('%s fake scenarios', (flavour) => {
  let fake: FakeProvider;
  const model = MODELS[flavour];
  const ask = (content: string) =>
    sdk(fake)
      .chat.completions.create({ model, messages: [{ role: 'user', content }] })
      .catch((e: unknown) => e);
  beforeAll(async () => {
    fake = await startFakeOpenAICompatible({ flavour });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.clear());

  it.each(EXPECTED)('`error %i` gives the SDK the matching error class', async (status, cls) => {
    const err = await ask(`!scenario error ${status}`);
    expect(err).toBeInstanceOf(cls);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
    if (status === 429)
      expect((err as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')).toBe('7');
  });

  it('`error 402` is the flavour’s out-of-credit answer', async () => {
    const err = (await ask('!scenario error 402')) as InstanceType<typeof OpenAI.APIError>;
    if (flavour === 'openai') {
      expect(err).toBeInstanceOf(OpenAI.RateLimitError);
      expect(err.code).toBe('insufficient_quota');
    } else {
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect(err.status).toBe(402);
    }
  });

  it('401 bodies are the flavour’s own; OpenAI masks the key', async () => {
    const res = await post(fake, '!scenario error 401');
    const body = (await res.json()) as Record<string, Record<string, unknown>>;
    expect(res.status).toBe(401);
    if (flavour === 'openai') {
      expect(body.error?.code).toBe('invalid_api_key');
      expect(String(body.error?.message)).toContain(maskKey(KEY));
      expect(maskKey(KEY)).toBe('sk-pr****ab12');
    }
    if (flavour === 'openrouter') expect(body).toEqual({ error: { code: 401, message: 'User not found.' } });
    if (flavour === 'meta') expect(body).toMatchObject({ title: 'Unauthorized', status: 401 });
    expect(JSON.stringify(body)).not.toContain(KEY);
  });

  it('`error echo-key` answers 400 with the full key in the message and metadata.raw', async () => {
    const err = await ask('!scenario error echo-key');
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const res = await post(fake, '!scenario error echo-key');
    const raw = await res.text();
    expect(raw.split(KEY).length - 1).toBe(2);
    expect(raw).toContain('"raw"');
  });

  it('`cut` ends the raw stream after 3 chunks without [DONE] and is not a client abort', async () => {
    const { text, broken } = await readAll(await post(fake, '!scenario cut', { stream: true }));
    expect(broken).toBe(true);
    expect(text).toContain('tok2 ');
    expect(text).not.toContain('tok3');
    expect(text).not.toContain('[DONE]');
    const cutJson = await readAll(await post(fake, '!scenario cut'));
    expect(cutJson.broken).toBe(true);
    expect(() => JSON.parse(cutJson.text)).toThrow();
    await waitFor(() => fake.openStreams === 0);
    expect(fake.aborted).toBe(0);
  });

  it('`midstream-error` sends an error event after 2 chunks and no [DONE]; the SDK throws', async () => {
    const { text, broken } = await readAll(
      await post(fake, '!scenario midstream-error echo-key', { stream: true }),
    );
    expect(broken).toBe(false);
    expect(text).toContain('tok1 ');
    expect(text).not.toContain('tok2');
    expect(text).not.toContain('[DONE]');
    expect(text).toContain(KEY);
    expect(text).toContain(flavour === 'openrouter' ? '"finish_reason":"error"' : '"type":"server_error"');
    const seen: string[] = [];
    const err = await (async () => {
      const stream = await sdk(fake).chat.completions.create({
        model,
        stream: true,
        messages: [{ role: 'user', content: '!scenario midstream-error' }],
      });
      for await (const c of stream) seen.push(c.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(seen.join('')).toBe('tok0 tok1 ');
  });

  it('counts a client that aborts a `slow` stream, and one that gives up on `hang`', async () => {
    const ac = new AbortController();
    const stream = await sdk(fake).chat.completions.create(
      { model, stream: true, messages: [{ role: 'user', content: '!scenario slow 30' }] },
      { signal: ac.signal },
    );
    let n = 0;
    const err = await (async () => {
      for await (const c of stream) {
        if (c.choices[0]?.delta.content && ++n === 2) ac.abort();
      }
    })().catch((e: unknown) => e);
    // openai-node ends the iteration silently on abort (or throws APIUserAbortError if aborted earlier).
    if (err !== undefined) expect(err).toBeInstanceOf(OpenAI.APIUserAbortError);
    expect(n).toBe(2);
    await waitFor(() => fake.aborted === 1 && fake.openStreams === 0, { what: 'slow abort' });

    const hung = await post(fake, '!scenario hang', {}, AbortSignal.timeout(150)).catch((e: unknown) => e);
    expect(hung).toBeInstanceOf(Error);
    await waitFor(() => fake.aborted === 2 && fake.openStreams === 0, { what: 'hang abort' });
  });

  it('`headers-then-hang` sends 200 and one chunk, then nothing', async () => {
    const ac = new AbortController();
    const res = await post(fake, '!scenario headers-then-hang', { stream: true }, ac.signal);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('tok0 ');
    const more = await Promise.race([
      reader.read().then(() => 'data'),
      new Promise((r) => setTimeout(r, 150, 'idle')),
    ]);
    expect(more).toBe('idle');
    expect(fake.openStreams).toBe(1);
    ac.abort();
    await waitFor(() => fake.aborted === 1 && fake.openStreams === 0);
  });

  it('`garbage` breaks JSON parsing, streamed or not', async () => {
    expect(await ask('!scenario garbage')).toBeInstanceOf(Error);
    const raw = await (await post(fake, '!scenario garbage', { stream: true })).text();
    expect(raw).toContain('data: this is not json');
    const err = await (async () => {
      const s = await sdk(fake).chat.completions.create({
        model,
        stream: true,
        messages: [{ role: 'user', content: '!scenario garbage' }],
      });
      for await (const _ of s) {
        /* drain */
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
  });

  it('answers an unknown directive, a missing key and an unknown route with 400/401/404', async () => {
    expect(await ask('!scenario nope')).toBeInstanceOf(OpenAI.BadRequestError);
    const noKey = await fetch(`${fake.baseUrl}/chat/completions`, { method: 'POST', body: '{}' });
    expect(noKey.status).toBe(401);
    const nowhere = await fetch(`${fake.baseUrl}/embeddings`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    expect(nowhere.status).toBe(404);
  });

  it('next() scripts one response, then defaults resume', async () => {
    fake.next((req, res) => {
      res.writeHead(418, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `teapot for ${String(req.body?.model)}` } }));
    });
    const err = (await ask('hi')) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(418);
    expect(err.message).toContain(`teapot for ${model}`);
    const ok = (await ask('hi')) as OpenAI.Chat.ChatCompletion;
    expect(ok.choices[0]?.message.content).toBe('echo: hi');
    expect(fake.requests.length).toBe(2);
  });
});

describe('scenario parser and canary', () => {
  it('parses directives exactly', () => {
    expect(parseDirective('!scenario error 429 please')).toEqual({ kind: 'error', status: 429 });
    expect(parseDirective('!scenario error echo-key')).toEqual({ kind: 'error-echo-key' });
    expect(parseDirective('!scenario chunks 12')).toEqual({ kind: 'chunks', n: 12 });
    expect(parseDirective('!scenario slow 50')).toEqual({ kind: 'slow', ms: 50 });
    expect(parseDirective('!scenario midstream-error')).toEqual({ kind: 'midstream-error', echoKey: false });
    expect(parseDirective('!scenario headers-then-hang')).toEqual({ kind: 'headers-then-hang' });
    expect(parseDirective('hello !scenario cut')).toBeNull();
    expect(parseDirective('!scenario chunks')).toMatchObject({ kind: 'invalid' });
  });

  it('the canary records every hit', async () => {
    const canary = await startCanary();
    try {
      expect(canary.hits).toEqual([]);
      const res = await fetch(canary.urlFor('/cat.png?x=1'), { headers: { 'x-probe': 'yes' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(canary.hits).toHaveLength(1);
      expect(canary.hits[0]).toMatchObject({
        method: 'GET',
        url: '/cat.png?x=1',
        headers: { 'x-probe': 'yes' },
      });
      canary.clear();
      expect(canary.hits).toEqual([]);
    } finally {
      await canary.close();
    }
  });
});
