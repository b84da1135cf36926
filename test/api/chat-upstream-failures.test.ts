import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ChatHarness, createChatHarness, userMessage } from '../helpers/chat-harness.js';

function sseEvents(text: string): string[] {
  return text
    .split('\n\n')
    .filter((e) => e.trim() !== '')
    .map((e) => e.replace(/^data: /, ''));
}

describe('upstream failures reach the client as the contract says', () => {
  let h: ChatHarness;
  let token: string;
  let userKey: { id: string; apiKey: string };

  beforeAll(async () => {
    h = await createChatHarness('sqlite', { UPSTREAM_TIMEOUT_MS: '400', STREAM_IDLE_TIMEOUT_MS: '300' });
    token = await h.t.jwt('failing-user');
    userKey = await h.storeKey(token, 'openai', 'work');
  });
  afterAll(async () => h.close());
  beforeEach(() => h.clearFakes());

  const ask = (text: string, extra: Record<string, unknown> = {}) =>
    h.chat(token, { model: 'openai/gpt-4o', messages: userMessage(text), ...extra });
  /** A 401 marks the key rejected (skipped from then on); the owner PATCHing it active routes it again. */
  const reactivate = async () => {
    const res = await h.t.request(`/api/user/api-keys/${userKey.id}`, {
      method: 'PATCH',
      token,
      json: { isActive: true },
    });
    expect((await res.json()).status).toBe('unverified');
  };

  it('turns a rejected user key into 401 provider_key_rejected naming the key, never its value', async () => {
    const res = await ask('!scenario error 401');
    expect(res.status).toBe(401);
    expect(res.headers.get('x-should-retry')).toBe('false');
    expect(res.headers.get('x-gateway-provider')).toBe('openai');
    const text = await res.text();
    const { error } = JSON.parse(text);
    expect(error.code).toBe('provider_key_rejected');
    expect(error.message).toContain('work');
    expect(text).not.toContain(userKey.apiKey);
    expect(text).not.toContain(userKey.apiKey.slice(-12));
    const view = await (await h.t.request(`/api/user/api-keys/${userKey.id}`, { token })).json();
    expect(view).toMatchObject({ status: 'rejected', lastError: expect.stringContaining('work') });
    await reactivate();
  });

  it('keeps 429 with the upstream Retry-After', async () => {
    const res = await ask('!scenario error 429');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect((await res.json()).error.type).toBe('rate_limit_error');
  });

  it('turns an exhausted balance into 429 insufficient_quota that is not retried', async () => {
    const token2 = await h.t.jwt('broke-user');
    await h.storeKey(token2, 'openrouter');
    const res = await h.chat(token2, { model: 'x-ai/grok-4', messages: userMessage('!scenario error 402') });
    expect(res.status).toBe(429);
    expect(res.headers.get('x-should-retry')).toBe('false');
    expect((await res.json()).error.code).toBe('insufficient_quota');
  });

  it('turns an upstream 500 into 502', async () => {
    const res = await ask('!scenario error 500');
    expect(res.status).toBe(502);
    expect((await res.json()).error.type).toBe('upstream_error');
  });

  it('scrubs a key the upstream echoes in its error', async () => {
    const res = await ask('!scenario error echo-key');
    const text = await res.text();
    expect(res.status).toBe(400);
    expect(text).not.toContain(userKey.apiKey);
    expect(text).not.toContain(userKey.apiKey.slice(20, 60));
    expect(h.t.logs.join('\n')).not.toContain(userKey.apiKey);
  });

  it('answers 504 when the upstream sends nothing before UPSTREAM_TIMEOUT_MS', async () => {
    const started = Date.now();
    const res = await ask('!scenario hang');
    expect(res.status).toBe(504);
    expect((await res.json()).error.code).toBe('upstream_timeout');
    expect(Date.now() - started).toBeLessThan(5000);
    await expect.poll(() => h.fakes.openai.aborted).toBe(1);
  });

  it('streams a pass-through answer ending in [DONE]', async () => {
    const res = await ask('hello there', { stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('x-gateway-provider')).toBe('openai');
    const events = sseEvents(await res.text());
    expect(events.at(-1)).toBe('[DONE]');
    const text = events
      .slice(0, -1)
      .map((e) => JSON.parse(e).choices[0]?.delta?.content ?? '')
      .join('');
    expect(text).toBe('echo: hello there');
    // usage was asked of the upstream for counting, but not forwarded to a client that did not ask
    expect(h.fakes.openai.requests[0]?.body?.stream_options).toEqual({ include_usage: true });
    expect(events.some((e) => e !== '[DONE]' && JSON.parse(e).usage)).toBe(false);
  });

  it('forwards the usage chunk when the client asks for it', async () => {
    const res = await ask('count me', { stream: true, stream_options: { include_usage: true } });
    const events = sseEvents(await res.text());
    const usage = events.filter((e) => e !== '[DONE]' && JSON.parse(e).usage);
    expect(usage).toHaveLength(1);
    expect(JSON.parse(usage[0]!).choices).toEqual([]);
  });

  it('ends a cut stream with an error event and no [DONE]', async () => {
    const res = await ask('!scenario cut', { stream: true });
    expect(res.status).toBe(200);
    const events = sseEvents(await res.text());
    expect(events).not.toContain('[DONE]');
    const last = JSON.parse(events.at(-1)!);
    expect(last.error.code).toBe('upstream_stream_interrupted');
  });

  it('ends a stream whose upstream goes quiet with an idle-timeout error event', async () => {
    const res = await ask('!scenario headers-then-hang', { stream: true });
    const events = sseEvents(await res.text());
    expect(events).not.toContain('[DONE]');
    expect(JSON.parse(events.at(-1)!).error.code).toBe('upstream_idle_timeout');
    await expect.poll(() => h.fakes.openai.aborted).toBe(1);
  });

  it('turns a provider’s mid-stream error into a final error event, scrubbed', async () => {
    const token3 = await h.t.jwt('or-user');
    const or = await h.storeKey(token3, 'openrouter');
    const res = await h.chat(token3, {
      model: 'x-ai/grok-4',
      stream: true,
      messages: userMessage('!scenario midstream-error echo-key'),
    });
    const raw = await res.text();
    const events = sseEvents(raw);
    expect(events).not.toContain('[DONE]');
    expect(JSON.parse(events.at(-1)!).error.type).toBe('upstream_error');
    expect(raw).not.toContain(or.apiKey);
    expect(raw).not.toContain('OPENROUTER PROCESSING');
  });

  it('aborts the upstream as soon as the client cancels a stream', async () => {
    const res = await ask('!scenario slow 100', { stream: true });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    await expect.poll(() => h.fakes.openai.aborted, { timeout: 2000 }).toBe(1);
  });

  it('counts an upstream 429 or 401 in byok_chat_requests_total with the status the client got, not 502', async () => {
    expect((await ask('!scenario error 429')).status).toBe(429);
    expect((await ask('!scenario error 401')).status).toBe(401);
    await reactivate();
    const text = await (await h.t.request('/metrics')).text();
    const line = (status: number) =>
      new RegExp(
        `byok_chat_requests_total\\{provider="openai",key_source="user",stream="false",status="${status}"\\} \\d+`,
      );
    expect(text).toMatch(line(429));
    expect(text).toMatch(line(401));
  });

  it('reports metrics in Prometheus text without user ids or keys', async () => {
    await ask('metrics please');
    const res = await h.t.request('/metrics');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/byok_chat_requests_total\{[^}]*provider="openai"/);
    expect(text).toMatch(/byok_tokens_total\{[^}]*direction="prompt"/);
    expect(text).toContain('byok_upstream_ttfb_seconds_bucket');
    expect(text).not.toContain('failing-user');
    expect(text).not.toContain(userKey.apiKey);
  });
});

describe('rate limit', () => {
  let h: ChatHarness;
  beforeAll(async () => {
    h = await createChatHarness('sqlite', { RATE_LIMIT_RPM: '2' });
  });
  afterAll(async () => h.close());

  it('answers the request over RATE_LIMIT_RPM with 429, Retry-After and x-ratelimit headers', async () => {
    const token = await h.t.jwt('busy');
    const other = await h.t.jwt('calm');
    const first = await h.chat(token, { model: 'x-ai/grok-4', messages: userMessage('1') });
    expect(first.headers.get('x-ratelimit-limit-requests')).toBe('2');
    await h.chat(token, { model: 'x-ai/grok-4', messages: userMessage('2') });
    const third = await h.chat(token, { model: 'x-ai/grok-4', messages: userMessage('3') });
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(third.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect((await third.json()).error.code).toBe('rate_limit_exceeded');
    expect(h.fakes.openrouter.requests).toHaveLength(2);
    expect((await h.chat(other, { model: 'x-ai/grok-4', messages: userMessage('1') })).status).toBe(200);
  });
});
