import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic } from '../../fakes/anthropic-server.js';
import { startFakeGemini } from '../../fakes/gemini-server.js';
import { type ChatHarness, createChatHarness, useNativeChat, userMessage } from '../helpers/chat-harness.js';

/**
 * A deeply nested body is refused as a 400 naming the field before any validator or converter
 * recurses into it (a 200,000-level body used to end in a 500 RangeError).
 */
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const nestedObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('JSON nesting limit', () => {
  let h: ChatHarness;
  let alice: string;
  beforeAll(async () => {
    h = await createChatHarness('sqlite');
    alice = await h.t.jwt('alice');
  });
  afterAll(async () => h.close());

  const post = (path: string, body: string) =>
    h.t.request(path, {
      method: 'POST',
      token: alice,
      body,
      headers: { 'content-type': 'application/json' },
    });

  it.each([
    [
      '/v1/chat/completions',
      `{"model":"openai/gpt-4o","messages":[{"role":"user","content":"hi"}],"x":${nested(200_000)}}`,
      'x',
    ],
    ['/api/user/api-keys', `{"provider":"openai","apiKey":${nestedObject(50_000)}}`, 'apiKey'],
    ['/api/user/tokens', `{"name":${nested(100_000)}}`, 'name'],
  ])('answers %s with 400 naming the field', async (path, body, field) => {
    const res = await post(path, body);
    expect(res.status).toBe(400);
    const error = (await res.json()).error;
    expect(error.code).toBe('json_too_deep');
    expect(error.param).toMatch(new RegExp(`^${field}`));
  });

  it('still accepts an ordinary tool schema nested a few levels', async () => {
    const parameters = JSON.parse(nestedObject(20).replaceAll('"a":', '"properties":'));
    const res = await h.chat(alice, {
      model: 'openai/gpt-4o-mini',
      messages: userMessage('hi'),
      tools: [{ type: 'function', function: { name: 'f', parameters } }],
    });
    expect(res.status).toBe(200);
  });
});

const natives = {
  anthropic: () =>
    useNativeChat({
      user: 'deep-anthropic',
      key: { provider: 'anthropic', keyName: 'a' },
      model: 'anthropic/claude-sonnet-4-5',
      startFakes: async () => ({ anthropic: await startFakeAnthropic() }),
      env: ({ anthropic }) => ({ ANTHROPIC_BASE_URL: anthropic.baseUrl }),
    }),
  google: () =>
    useNativeChat({
      user: 'deep-google',
      key: { provider: 'google', keyName: 'g' },
      model: 'google/gemini-2.5-flash',
      startFakes: async () => ({ gemini: await startFakeGemini() }),
      env: ({ gemini }) => ({ GOOGLE_BASE_URL: gemini.baseUrl }),
    }),
};

describe.each(['anthropic', 'google'] as const)('deep tool parameters for %s', (provider) => {
  const chat = natives[provider]();
  const model = provider === 'anthropic' ? 'anthropic/claude-sonnet-4-5' : 'google/gemini-2.5-flash';
  it('are a 400 naming tools, not a 500', async () => {
    const body = `{"model":"${model}","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":${nestedObject(20_000)}}}]}`;
    const res = await chat.t.request('/v1/chat/completions', {
      method: 'POST',
      token: chat.token,
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.param).toMatch(/^tools/);
  });
});
