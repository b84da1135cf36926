import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ChatHarness, createChatHarness } from '../helpers/chat-harness.js';

/**
 * A chat body is sent to an OpenAI-compatible provider as the client wrote it, with only the model
 * (and a stream's stream_options) swapped in; a body the fast check leaves to the schema, or a
 * request the system key's policy changes, is serialised from the parsed request instead.
 */
describe("the client's chat body, forwarded", () => {
  let h: ChatHarness;
  let token: string;

  beforeAll(async () => {
    h = await createChatHarness('sqlite', { SYSTEM_KEY_ACCESS: 'all', SYSTEM_KEY_MAX_OUTPUT_TOKENS: '500' });
    token = await h.t.jwt('user-client-body');
    await h.storeKey(token, 'openai');
  });
  afterAll(async () => h.close());
  beforeEach(() => h.clearFakes());

  const send = (text: string, jwt = token) =>
    h.t.request('/v1/chat/completions', {
      method: 'POST',
      token: jwt,
      headers: { 'content-type': 'application/json' },
      body: text,
    });

  it('keeps spacing, key order, escapes and number spelling; only the model changes', async () => {
    const text =
      '{ "temperature": 1.0,\n  "messages": [{"content": "caf\\u00e9 \\/", "role": "user"}],\n  "model": "openai/gpt-4o-mini" }';
    expect((await send(text)).status).toBe(200);
    expect(h.fakes.openai.requests[0]?.rawBody).toBe(text.replace('"openai/gpt-4o-mini"', '"gpt-4o-mini"'));
  });

  it('asks a stream for usage by adding stream_options to the client text', async () => {
    const text = '{"model":"openai/gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}';
    const res = await send(text);
    expect(res.status).toBe(200);
    await res.text();
    expect(h.fakes.openai.requests[0]?.rawBody).toBe(
      '{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}],"stream_options":{"include_usage":true}}',
    );
  });

  it('serialises a body with a repeated key, so the provider sees the value the gateway checked', async () => {
    const text = '{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"a","content":"b"}]}';
    expect((await send(text)).status).toBe(200);
    const sent = h.fakes.openai.requests[0];
    expect(sent?.rawBody).toBe('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"b"}]}');
  });

  it('serialises the request the system key policy changed (the cap and the hashed user)', async () => {
    const other = await h.t.jwt('user-client-body-system');
    const text = '{"model":"openai/gpt-4o-mini", "messages":[{"role":"user","content":"hi"}]}';
    expect((await send(text, other)).status).toBe(200);
    const sent = h.fakes.openrouter.requests[0];
    expect(sent?.body).toMatchObject({ model: 'openai/gpt-4o-mini', max_tokens: 500 });
    expect(typeof sent?.body?.user).toBe('string');
  });

  it('still answers the schema error for a body the fast check leaves to the schema', async () => {
    const res = await send('{"model":"openai/gpt-4o-mini","messages":[{"role":"user"}]}');
    expect(res.status).toBe(400);
    expect((await res.json()).error.param).toBe('messages[0].content');
    expect(h.fakes.openai.requests).toHaveLength(0);
  });
});
