import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatHarness, createChatHarness, userMessage } from '../helpers/chat-harness.js';

/**
 * One timer serves each upstream call's limits in turn (src/chat/deadline.ts): the first byte
 * within UPSTREAM_TIMEOUT_MS, then the body within UPSTREAM_TIMEOUT_MS of its headers, or a stream's
 * silences within STREAM_IDLE_TIMEOUT_MS. Each limit counts from its own start, never from the
 * call's: the cases here outlast the first limit and must not be cut by it.
 */
const LIMIT_MS = 800;
const ANSWER =
  '{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"late"},"finish_reason":"stop"}]}';
const chunk = (content: string) =>
  `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"${content}"},"finish_reason":null}]}\n\n`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the upstream call’s limits, one after another', () => {
  let h: ChatHarness;
  let alice: string;
  beforeAll(async () => {
    h = await createChatHarness('sqlite', {
      UPSTREAM_TIMEOUT_MS: String(LIMIT_MS),
      STREAM_IDLE_TIMEOUT_MS: '5000',
    });
    alice = await h.t.jwt('alice');
    await h.storeKey(alice, 'openai', 'main');
  });
  afterAll(async () => h.close());

  it('answers 504 when a streamed call gets no first byte in time', async () => {
    const res = await h.chat(alice, {
      model: 'openai/gpt-4o-mini',
      stream: true,
      messages: userMessage('!scenario hang'),
    });
    expect(res.status).toBe(504);
    expect((await res.json()).error.code).toBe('upstream_timeout');
  });

  it('gives a body its own limit from its headers', async () => {
    h.fakes.openai.next(async (_req, res) => {
      await sleep(LIMIT_MS / 2);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      await sleep(LIMIT_MS * 0.7); // past the first limit counted from the call's start
      res.end(ANSWER);
    });
    const res = await h.chat(alice, { model: 'openai/gpt-4o-mini', messages: userMessage('hi') });
    expect(res.status).toBe(200);
    expect((await res.json()).choices[0].message.content).toBe('late');
  });

  it('cuts a body no sooner than its limit after the headers', async () => {
    h.fakes.openai.next(async (_req, res) => {
      await sleep(LIMIT_MS / 2);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
    });
    const started = Date.now();
    const res = await h.chat(alice, { model: 'openai/gpt-4o-mini', messages: userMessage('hi') });
    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(LIMIT_MS * 1.5 - 20);
  });

  it('keeps a stream whose silence outlasts the first-byte limit but not the idle one', async () => {
    h.fakes.openai.next(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(chunk('a'));
      await sleep(LIMIT_MS * 1.3);
      res.write(chunk('b'));
      res.end('data: [DONE]\n\n');
    });
    const res = await h.chat(alice, {
      model: 'openai/gpt-4o-mini',
      stream: true,
      messages: userMessage('hi'),
    });
    const text = await res.text();
    expect(text).toContain('"b"');
    expect(text).toContain('[DONE]');
    expect(text).not.toContain('error');
  });
});
