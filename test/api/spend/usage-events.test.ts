import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ChatHarness, createChatHarness, userMessage } from '../../helpers/chat-harness.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';

describe.each(DATABASE_KINDS)('usage events on %s', (kind) => {
  let h: ChatHarness;
  let n = 0;
  const freshUser = async () => {
    const userId = `usage-${kind}-${++n}`;
    return { userId, jwt: await h.t.jwt(userId) };
  };
  const rowsOf = async (userId: string) => {
    await h.t.drain();
    return h.t.deps.db.selectFrom('usage_events').selectAll().where('user_id', '=', userId).execute();
  };

  beforeAll(async () => {
    h = await createChatHarness(kind);
  });
  afterAll(async () => h.close());
  beforeEach(() => h.clearFakes());

  it('records an OpenRouter call with the cost OpenRouter reported', async () => {
    const { userId, jwt } = await freshUser();
    const res = await h.chat(jwt, { model: 'openai/gpt-4o', messages: userMessage('what does it cost?') });
    expect(res.status).toBe(200);
    const rows = await rowsOf(userId);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    // The fake OpenRouter prices at its own rates, unlike the table's gpt-4o: the row takes the report.
    const reported = (row.prompt_tokens * 0.15 + row.completion_tokens * 0.6) / 1_000_000;
    expect(row.cost_source).toBe('reported');
    expect(Number(row.cost_usd)).toBeCloseTo(reported, 12);
    expect(row).toMatchObject({
      key_id: null,
      key_source: 'system',
      provider: 'openrouter',
      model: 'openai/gpt-4o',
      upstream_model: 'openai/gpt-4o',
      estimated: 0,
      status: 200,
      request_id: res.headers.get('x-request-id'),
    });
    expect(row.prompt_tokens).toBeGreaterThan(0);
    expect(row.completion_tokens).toBeGreaterThan(0);
    expect(row.latency_ms).toBeGreaterThanOrEqual(0);
    expect(row.ttft_ms).not.toBeNull();
  });

  it('prices a call on the user’s own OpenAI key from the price table', async () => {
    const { userId, jwt } = await freshUser();
    const key = await h.storeKey(jwt, 'openai');
    await h.chat(jwt, { model: 'openai/gpt-4o-mini', messages: userMessage('price me') });
    const [row] = await rowsOf(userId);
    expect(row?.key_id).toBe(key.id);
    expect(row?.cost_source).toBe('priced');
    const expected = (row!.prompt_tokens * 0.15 + row!.completion_tokens * 0.6) / 1_000_000;
    expect(Number(row?.cost_usd)).toBeCloseTo(expected, 12);
  });

  it('counts a model without a price as unpriced, with no cost rather than $0', async () => {
    const { userId, jwt } = await freshUser();
    await h.storeKey(jwt, 'openai');
    await h.chat(jwt, { model: 'openai/gpt-unreleased', messages: userMessage('who knows') });
    const [row] = await rowsOf(userId);
    expect(row?.cost_source).toBe('unpriced');
    expect(row?.cost_usd).toBeNull();
    const usage = await (await h.t.request('/api/user/usage?groupBy=model', { token: jwt })).json();
    expect(usage.data).toEqual([
      expect.objectContaining({
        group: 'openai/gpt-unreleased',
        requests: 1,
        costUsd: null,
        unpricedRequests: 1,
      }),
    ]);
    expect(usage.total.costUsd).toBeNull();
  });

  it('records a stream the client abandons after two chunks, marked estimated', async () => {
    const { userId, jwt } = await freshUser();
    const res = await h.chat(jwt, {
      model: 'openai/gpt-4o-mini',
      stream: true,
      messages: userMessage('!scenario slow 30'),
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let events = 0;
    while (events < 2) {
      const { value } = await reader.read();
      events += (new TextDecoder().decode(value).match(/^data: /gm) ?? []).length;
    }
    await reader.cancel();
    await expect.poll(async () => (await rowsOf(userId)).length).toBe(1);
    const [row] = await rowsOf(userId);
    expect(row).toMatchObject({ estimated: 1, status: 499, cost_source: 'priced' });
    expect(row!.prompt_tokens).toBeGreaterThan(0);
    expect(row!.completion_tokens).toBeGreaterThan(0);
    expect(Number(row!.cost_usd)).toBeGreaterThan(0);
  });

  it('records a stream the upstream cuts, estimated from the text relayed', async () => {
    const { userId, jwt } = await freshUser();
    const res = await h.chat(jwt, {
      model: 'openai/gpt-4o-mini',
      stream: true,
      messages: userMessage('!scenario cut'),
    });
    await res.text();
    const [row] = await rowsOf(userId);
    expect(row).toMatchObject({ estimated: 1, status: 502 });
    // Three pieces of `tokN ` were relayed before the cut: about one token each.
    expect(row!.completion_tokens).toBeGreaterThanOrEqual(3);
  });

  it('records a stream that ran to the end with the usage the upstream reported', async () => {
    const { userId, jwt } = await freshUser();
    const res = await h.chat(jwt, {
      model: 'openai/gpt-4o-mini',
      stream: true,
      messages: userMessage('whole'),
    });
    await res.text();
    const [row] = await rowsOf(userId);
    expect(row).toMatchObject({ estimated: 0, status: 200, cost_source: 'reported' });
  });

  it('records an upstream refusal with its status and no tokens, and nothing for a request refused before any call', async () => {
    const { userId, jwt } = await freshUser();
    await h.chat(jwt, { model: 'openai/gpt-4o-mini', messages: userMessage('!scenario error 429') });
    await h.chat(jwt, { model: 'nonsense-model', messages: userMessage('x') });
    const rows = await rowsOf(userId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 429, prompt_tokens: 0, completion_tokens: 0, estimated: 0 });
  });
});
