import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Canary, startCanary } from '../../fakes/canary-server.js';
import { startFakeGemini } from '../../fakes/gemini-server.js';
import { type ChatHarness, createChatHarness, useNativeChat, userMessage } from '../helpers/chat-harness.js';

/**
 * Server-side request forgery: where the gateway connects comes from its configuration only.
 * Nothing in a request body or header redirects it, a model id cannot change the upstream path or
 * query, redirects are not followed, and the Gemini key never travels in a URL. A canary server
 * stands in for every place an attacker would like the gateway to connect to; it must stay unhit.
 */
const BASE_FIELDS = [
  'api_base',
  'base_url',
  'baseURL',
  'api_url',
  'endpoint',
  'url',
  'host',
  'proxy',
  'upstream',
];

describe('SSRF through the OpenAI-compatible path', () => {
  let h: ChatHarness;
  let canary: Canary;
  let alice: string;
  beforeAll(async () => {
    canary = await startCanary();
    h = await createChatHarness('sqlite');
    alice = await h.t.jwt('alice');
    await h.storeKey(alice, 'openai', 'main');
  });
  afterAll(async () => {
    await h.close();
    await canary.close();
  });

  const onlyTheFake = () => {
    expect(canary.hits).toEqual([]);
    expect(h.fakes.openai.requests.map((r) => r.path)).toEqual(['/v1/chat/completions']);
    expect(h.fakes.openai.requests[0]?.query).toBe('');
  };

  it.each(BASE_FIELDS)(
    'ignores a %s field at the top of the body and inside nested objects',
    async (field) => {
      h.clearFakes();
      canary.clear();
      const res = await h.chat(alice, {
        model: 'openai/gpt-4o-mini',
        messages: userMessage('hi'),
        [field]: canary.url,
        metadata: { [field]: canary.url },
        extra_body: { [field]: canary.url },
      });
      expect(res.status).toBe(200);
      onlyTheFake();
    },
  );

  it.each([
    ['host', 'Host'],
    ['x-forwarded-host', 'X-Forwarded-Host'],
    ['forwarded', 'Forwarded'],
    ['x-original-url', 'X-Original-URL'],
    ['x-rewrite-url', 'X-Rewrite-URL'],
    ['openai-base-url', 'OpenAI-Base-URL'],
    ['x-api-base', 'X-Api-Base'],
    ['x-upstream', 'X-Upstream'],
  ])('ignores a %s request header', async (_lower, header) => {
    h.clearFakes();
    canary.clear();
    const value = header === 'Forwarded' ? `host=${new URL(canary.url).host}` : canary.url;
    const res = await h.chat(
      alice,
      { model: 'openai/gpt-4o-mini', messages: userMessage('hi') },
      { [header]: value },
    );
    expect(res.status).toBe(200);
    onlyTheFake();
  });

  it.each([
    'openai/gpt-4o?x=1',
    'openai/gpt-4o#frag',
    'openai/../../admin',
    'openai/gpt-4o/../../x',
    'openai/gpt%2F..%2Fx',
    'openai/gpt 4o',
    'openai/gpt-4o\r\nHost: evil',
    'openai//gpt-4o',
    `openai/${'a'.repeat(300)}`,
  ])('refuses the model id %j before any upstream call', async (model) => {
    h.clearFakes();
    canary.clear();
    const res = await h.chat(alice, { model, messages: userMessage('hi') });
    expect(res.status).toBe(400);
    expect((await res.json()).error.param).toBe('model');
    expect(h.fakes.openai.requests).toEqual([]);
    expect(canary.hits).toEqual([]);
  });

  it('forwards an image URL to the provider without fetching it', async () => {
    h.clearFakes();
    canary.clear();
    const res = await h.chat(alice, {
      model: 'openai/gpt-4o-mini',
      messages: [
        { role: 'user', content: [{ type: 'image_url', image_url: { url: canary.urlFor('/cat.png') } }] },
      ],
    });
    expect(res.status).toBe(200);
    expect(canary.hits).toEqual([]);
  });

  it('does not follow an upstream redirect to another host', async () => {
    h.clearFakes();
    canary.clear();
    h.fakes.openai.next((_req, res) => {
      res.writeHead(307, { location: canary.urlFor('/v1/chat/completions') });
      res.end();
    });
    const res = await h.chat(alice, { model: 'openai/gpt-4o-mini', messages: userMessage('hi') });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(canary.hits).toEqual([]);
  });
});

describe('SSRF through the Gemini path', () => {
  const g = useNativeChat({
    user: 'gemini-ssrf',
    key: { provider: 'google', keyName: 'gemini' },
    model: 'google/gemini-2.5-flash',
    startFakes: async () => {
      const [gemini, canary] = await Promise.all([startFakeGemini(), startCanary()]);
      return { gemini, canary };
    },
    env: ({ gemini }) => ({ GOOGLE_BASE_URL: gemini.baseUrl }),
  });

  it('sends the key in x-goog-api-key only, never in the URL, streamed or not', async () => {
    for (const stream of [false, true]) {
      g.fakes.gemini.clear();
      const res = await g.say('hi', { stream });
      expect(res.status).toBe(200);
      await res.text();
      const rec = g.fakes.gemini.requests[0];
      expect(rec?.headers['x-goog-api-key']).toBe(g.apiKey);
      expect(`${rec?.path}${rec?.query}`).not.toContain(g.apiKey);
      expect(rec?.query).toBe(stream ? '?alt=sse' : '');
    }
  });

  it.each([
    'google/gemini-2.5-flash:streamGenerateContent?key=x',
    'google/gemini-2.5-flash/../../files',
    'google/gemini@evil.test',
    'google/gemini-2.5-flash:generateContent',
  ])('keeps the model id %j from changing the upstream path or query', async (model) => {
    g.fakes.gemini.clear();
    const res = await g.chat({ model, messages: userMessage('hi') });
    for (const rec of g.fakes.gemini.requests) {
      expect(rec.path).toMatch(/^\/v1beta\/models\/[^/?#]+:generateContent$/);
      expect(rec.query).toBe('');
    }
    if (res.status === 200) expect(g.fakes.gemini.requests).toHaveLength(1);
    else expect(res.status).toBe(400);
    expect(g.fakes.canary.hits).toEqual([]);
  });

  it.each(BASE_FIELDS)('refuses or ignores a %s field, never following it', async (field) => {
    g.fakes.gemini.clear();
    const res = await g.chat({ messages: userMessage('hi'), [field]: g.fakes.canary.url });
    expect([200, 400]).toContain(res.status);
    expect(g.fakes.canary.hits).toEqual([]);
  });

  it('refuses an http image URL for Gemini rather than fetching it', async () => {
    const res = await g.chat({
      messages: [
        {
          role: 'user',
          content: [{ type: 'image_url', image_url: { url: g.fakes.canary.urlFor('/x.png') } }],
        },
      ],
    });
    expect(res.status).toBe(400);
    expect(g.fakes.canary.hits).toEqual([]);
  });
});
