import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic } from '../../fakes/anthropic-server.js';
import { type ChatHarness, createChatHarness, useNativeChat, userMessage } from '../helpers/chat-harness.js';

/**
 * A non-streaming upstream that sends its headers and then stalls mid-body cannot hold the client
 * (and a connection) past UPSTREAM_TIMEOUT_MS: the body read has the same limit (9 s were observed
 * with a 2 s limit before). The call ends as a 504 upstream_timeout.
 */
describe('non-streaming body timeout (OpenAI-compatible)', () => {
  let h: ChatHarness;
  let alice: string;
  beforeAll(async () => {
    h = await createChatHarness('sqlite', { UPSTREAM_TIMEOUT_MS: '300' });
    alice = await h.t.jwt('alice');
    await h.storeKey(alice, 'openai', 'main');
  });
  afterAll(async () => h.close());

  it('ends a response whose headers came but whose body never does with 504', async () => {
    const res = await h.chat(alice, {
      model: 'openai/gpt-4o-mini',
      messages: userMessage('!scenario headers-then-hang'),
    });
    expect(res.status).toBe(504);
    expect((await res.json()).error.code).toBe('upstream_timeout');
  });

  it('ends a body that stalls halfway with 504 and lets go of the upstream', async () => {
    h.fakes.openai.next((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(
        '{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"par',
      );
    });
    const res = await h.chat(alice, { model: 'openai/gpt-4o-mini', messages: userMessage('hi') });
    expect(res.status).toBe(504);
    expect((await res.json()).error.code).toBe('upstream_timeout');
    await expect.poll(() => h.fakes.openai.aborted).toBe(1);
  });

  it('still streams for longer than the limit when chunks keep coming', async () => {
    const res = await h.chat(alice, {
      model: 'openai/gpt-4o-mini',
      stream: true,
      messages: userMessage('!scenario slow 40'),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('[DONE]');
  });
});

describe('non-streaming body timeout (Anthropic)', () => {
  const a = useNativeChat({
    user: 'anthropic-stall',
    key: { provider: 'anthropic', keyName: 'claude' },
    model: 'anthropic/claude-sonnet-4-5',
    startFakes: async () => ({ anthropic: await startFakeAnthropic() }),
    env: ({ anthropic }) => ({ ANTHROPIC_BASE_URL: anthropic.baseUrl, UPSTREAM_TIMEOUT_MS: '300' }),
  });

  it('ends a stalled error body with 504 too', async () => {
    a.fakes.anthropic.next((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.write('{"type":"error","error":{"type":"api_error","message":"Internal');
    });
    const res = await a.say('hi');
    expect(res.status).toBe(504);
    expect((await res.json()).error.code).toBe('upstream_timeout');
  });
});
