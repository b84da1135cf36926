import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatHarness, createChatHarness, userMessage } from '../../helpers/chat-harness.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';

const FIELDS = [
  'cachedTokens',
  'completionTokens',
  'costUsd',
  'estimatedRequests',
  'promptTokens',
  'reasoningTokens',
  'requests',
  'unpricedRequests',
];

describe.each(DATABASE_KINDS)('usage API on %s', (kind) => {
  let h: ChatHarness;
  let jwt: string;
  let key: { id: string };
  // Calls are made "on" these days: the injected clock says when each usage row is written.
  let now = new Date('2026-11-30T23:59:00Z');

  beforeAll(async () => {
    h = await createChatHarness(kind, {}, { clock: () => now });
    jwt = await h.t.jwt(`usage-api-${kind}`);
    key = await h.storeKey(jwt, 'openai', 'work');
    await h.chat(jwt, { model: 'openai/gpt-4o-mini', messages: userMessage('last month') });
    now = new Date('2026-12-01T08:00:00Z');
    await h.chat(jwt, { model: 'openai/gpt-4o-mini', messages: userMessage('first') });
    await h.chat(jwt, { model: 'openai/gpt-4o', messages: userMessage('second') });
    now = new Date('2026-12-02T09:00:00Z');
    await h.chat(jwt, { model: 'mistralai/mistral-large', messages: userMessage('via the system key') });
    now = new Date('2026-12-03T12:00:00Z');
    await h.t.drain();
  });
  afterAll(async () => h.close());

  const get = async (path: string, token = jwt) => {
    const res = await h.t.request(path, { token });
    return { status: res.status, body: await res.json() };
  };

  it('defaults to this UTC month so far, per day', async () => {
    const { status, body } = await get('/api/user/usage');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      object: 'list',
      from: '2026-12-01T00:00:00.000Z',
      to: '2026-12-03T12:00:00.000Z',
      groupBy: 'day',
    });
    expect(body.data.map((g: { group: string }) => g.group)).toEqual(['2026-12-01', '2026-12-02']);
    expect(body.data.map((g: { requests: number }) => g.requests)).toEqual([2, 1]);
    for (const g of body.data) expect(Object.keys(g).sort()).toEqual(['group', ...FIELDS].sort());
    expect(Object.keys(body.total).sort()).toEqual(FIELDS);
    expect(body.total.requests).toBe(3);
    const sum = body.data.reduce((s: number, g: { costUsd: number }) => s + g.costUsd, 0);
    expect(body.total.costUsd).toBeCloseTo(sum, 12);
    expect(body.total.costUsd).toBeGreaterThan(0);
  });

  it('groups by key (the system key as "system"), model and provider', async () => {
    const byKey = (await get('/api/user/usage?groupBy=key')).body;
    expect(
      Object.fromEntries(byKey.data.map((g: { group: string; requests: number }) => [g.group, g.requests])),
    ).toEqual({ [key.id]: 2, system: 1 });
    const byModel = (await get('/api/user/usage?groupBy=model')).body;
    expect(byModel.data.map((g: { group: string }) => g.group)).toEqual([
      'mistralai/mistral-large',
      'openai/gpt-4o',
      'openai/gpt-4o-mini',
    ]);
    const byProvider = (await get('/api/user/usage?groupBy=provider')).body;
    expect(byProvider.data.map((g: { group: string }) => g.group)).toEqual(['openai', 'openrouter']);
  });

  it('takes from and to bounds', async () => {
    const { body } = await get('/api/user/usage?from=2026-11-01&to=2026-12-01T00:00:00Z');
    expect(body.total.requests).toBe(1);
    expect(body.data[0].group).toBe('2026-11-30');
    const empty = (await get('/api/user/usage?from=2025-01-01&to=2025-02-01')).body;
    expect(empty.data).toEqual([]);
    expect(empty.total).toMatchObject({ requests: 0, costUsd: 0 });
  });

  it.each([
    ['groupBy=week', 'groupBy'],
    ['from=yesterday', 'from'],
    ['to=2026-13-01', 'to'],
    ['from=2026-12-02&to=2026-12-01', 'from'],
    ['user=someone-else', 'user'],
  ])('refuses ?%s with 400 naming %s', async (query, param) => {
    const { status, body } = await get(`/api/user/usage?${query}`);
    expect(status).toBe(400);
    expect(body.error.param).toBe(param);
  });

  it('shows one key’s usage, and 404 for another user’s key', async () => {
    const { status, body } = await get(`/api/user/api-keys/${key.id}/usage?groupBy=model`);
    expect(status).toBe(200);
    expect(body.total.requests).toBe(2);
    expect(body.data.map((g: { group: string }) => g.group)).toEqual(['openai/gpt-4o', 'openai/gpt-4o-mini']);
    const mallory = await h.t.jwt(`mallory-${kind}`);
    expect((await get(`/api/user/api-keys/${key.id}/usage`, mallory)).status).toBe(404);
    expect((await get('/api/user/usage', mallory)).body.total.requests).toBe(0);
  });

  it('shows this month’s spend and the budget in the key view', async () => {
    const patched = await h.t.request(`/api/user/api-keys/${key.id}`, {
      method: 'PATCH',
      token: jwt,
      json: { monthlyBudgetUsd: 12.5 },
    });
    expect(patched.status).toBe(200);
    const usage = (await get(`/api/user/api-keys/${key.id}/usage`)).body;
    const list = (await get('/api/user/api-keys')).body;
    expect(list.data[0].monthlyBudgetUsd).toBe(12.5);
    expect(list.data[0].monthSpendUsd).toBeCloseTo(usage.total.costUsd, 12);
    const cleared = await h.t.request(`/api/user/api-keys/${key.id}`, {
      method: 'PATCH',
      token: jwt,
      json: { monthlyBudgetUsd: null },
    });
    expect((await cleared.json()).monthlyBudgetUsd).toBeNull();
  });

  it.each([[-1], ['10'], [{ usd: 5 }], [2e9]])('refuses monthlyBudgetUsd %j with 400', async (value) => {
    const res = await h.t.request(`/api/user/api-keys/${key.id}`, {
      method: 'PATCH',
      token: jwt,
      json: { monthlyBudgetUsd: value },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.param).toBe('monthlyBudgetUsd');
  });
});
