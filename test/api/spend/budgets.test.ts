import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { maxCallCost } from '../../../src/usage/budgets.js';
import { createPriceTable } from '../../../src/usage/price-table.js';
import { type ChatHarness, createChatHarness, userMessage } from '../../helpers/chat-harness.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';

const MODEL = 'openai/gpt-4o-mini';

describe.each(DATABASE_KINDS)('budgets on %s', (kind) => {
  let h: ChatHarness;
  let n = 0;
  let now = new Date('2026-11-30T23:59:00Z');
  const freshUser = async () => h.t.jwt(`budget-${kind}-${++n}`);
  const setBudget = async (jwt: string, keyId: string, monthlyBudgetUsd: number | null) => {
    const res = await h.t.request(`/api/user/api-keys/${keyId}`, {
      method: 'PATCH',
      token: jwt,
      json: { monthlyBudgetUsd },
    });
    expect(res.status).toBe(200);
  };
  const spentOf = async (jwt: string, keyId: string) => {
    await h.t.drain();
    return (await (await h.t.request(`/api/user/api-keys/${keyId}`, { token: jwt })).json())
      .monthSpendUsd as number;
  };

  beforeAll(async () => {
    h = await createChatHarness(kind, {}, { clock: () => now });
  });
  afterAll(async () => h.close());
  beforeEach(() => {
    h.clearFakes();
    now = new Date('2026-11-30T23:59:00Z');
  });

  it('refuses a key at its budget with 429 budget_exceeded naming it, never falling back to another key', async () => {
    const jwt = await freshUser();
    // An OpenRouter key and the system key would serve the model too: neither is used instead.
    await h.storeKey(jwt, 'openrouter');
    const created = await h.t.request('/api/user/api-keys', {
      method: 'POST',
      token: jwt,
      json: { provider: 'openai', apiKey: `sk-proj-${'z'.repeat(48)}`, keyName: 'zero', monthlyBudgetUsd: 0 },
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ monthlyBudgetUsd: 0, monthSpendUsd: 0 });
    const res = await h.chat(jwt, { model: MODEL, messages: userMessage('hi') });
    expect(res.status).toBe(429);
    expect(res.headers.get('x-should-retry')).toBe('false');
    expect(res.headers.get('retry-after')).toBe('60');
    const err = (await res.json()).error;
    expect(err.code).toBe('budget_exceeded');
    expect(err.message).toContain('"zero"');
    expect(err.message).toContain('$0');
    expect(h.fakes.openai.requests).toHaveLength(0);
    expect(h.fakes.openrouter.requests).toHaveLength(0);
  });

  it('refuses a budgeted key a model with no price from a provider that reports no cost (403 model_not_priced)', async () => {
    const jwt = await freshUser();
    const key = await h.storeKey(jwt, 'openai');
    await setBudget(jwt, key.id, 10);
    const res = await h.chat(jwt, { model: 'openai/gpt-unreleased', messages: userMessage('hi') });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('model_not_priced');
    expect(h.fakes.openai.requests).toHaveLength(0);
    // OpenRouter reports what a call cost: a budgeted OpenRouter key may call an unpriced model.
    const viaOpenRouter = await freshUser();
    const or = await h.storeKey(viaOpenRouter, 'openrouter');
    await setBudget(viaOpenRouter, or.id, 10);
    expect(
      (await h.chat(viaOpenRouter, { model: 'vendor/unpriced-model', messages: userMessage('x') })).status,
    ).toBe(200);
  });

  it('holds a budget crossed by a burst of 20 parallel requests within one request’s reservation', async () => {
    const jwt = await freshUser();
    const key = await h.storeKey(jwt, 'openai');
    const body = { model: MODEL, max_tokens: 50, messages: userMessage('burst') };
    const price = createPriceTable().find([MODEL])!;
    const bound = maxCallCost(body, price);
    const budget = 3 * bound;
    await setBudget(jwt, key.id, budget);

    const answers = await Promise.all(Array.from({ length: 20 }, () => h.chat(jwt, body)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    expect(await spentOf(jwt, key.id)).toBeLessThanOrEqual(budget + bound);

    // Spending on until refused: the spend reaches the budget and passes it by at most the bound.
    for (let i = 0; i < 200 && (await h.chat(jwt, body)).status === 200; i++) await h.t.drain();
    const spent = await spentOf(jwt, key.id);
    expect(spent).toBeGreaterThanOrEqual(budget);
    expect(spent).toBeLessThanOrEqual(budget + bound);
  });

  it('starts every UTC month afresh', async () => {
    const jwt = await freshUser();
    const key = await h.storeKey(jwt, 'openai');
    await setBudget(jwt, key.id, 0.000001);
    expect((await h.chat(jwt, { model: MODEL, messages: userMessage('one') })).status).toBe(200);
    await h.t.drain();
    expect((await h.chat(jwt, { model: MODEL, messages: userMessage('two') })).status).toBe(429);
    now = new Date('2026-12-01T00:00:00Z');
    expect(await spentOf(jwt, key.id)).toBe(0);
    expect((await h.chat(jwt, { model: MODEL, messages: userMessage('three') })).status).toBe(200);
  });

  it('gives each user their own SYSTEM_KEY_MONTHLY_BUDGET_USD on the system key', async () => {
    const sys = await createChatHarness(kind, { SYSTEM_KEY_MONTHLY_BUDGET_USD: '0.000001' });
    try {
      const alice = await sys.t.jwt('alice');
      expect((await sys.chat(alice, { model: MODEL, messages: userMessage('a') })).status).toBe(200);
      await sys.t.drain();
      const refused = await sys.chat(alice, { model: MODEL, messages: userMessage('b') });
      expect(refused.status).toBe(429);
      const err = (await refused.json()).error;
      expect(err.code).toBe('budget_exceeded');
      expect(err.message).toContain('system OpenRouter key');
      expect(err.message).not.toContain(sys.systemKey);
      const bob = await sys.t.jwt('bob');
      expect((await sys.chat(bob, { model: MODEL, messages: userMessage('c') })).status).toBe(200);
    } finally {
      await sys.close();
    }
  });
});
