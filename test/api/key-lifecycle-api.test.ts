import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ChatHarness, createChatHarness, userMessage } from '../helpers/chat-harness.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { fakeKey } from '../helpers/keys.js';

const DAY = 86_400_000;

describe.each(DATABASE_KINDS)('key settings, filters, rotation and PUT on %s', (kind) => {
  let h: ChatHarness;
  let now: Date;
  let n = 0;
  const freshUser = () => h.t.jwt(`lifecycle-${kind}-${++n}`);
  const create = async (token: string, json: Record<string, unknown>) => {
    const res = await h.t.request('/api/user/api-keys', { method: 'POST', token, json });
    expect(res.status).toBe(201);
    return res.json();
  };
  const list = async (token: string, query = '') => {
    const res = await h.t.request(`/api/user/api-keys${query}`, { token });
    expect(res.status).toBe(200);
    return ((await res.json()).data as { id: string }[]).map((k) => k.id).sort();
  };

  beforeAll(async () => {
    h = await createChatHarness(
      kind,
      { KEY_ROTATION_DAYS: '30', MANAGEMENT_RATE_LIMIT_RPM: '0' },
      { clock: () => now },
    );
  });
  afterAll(async () => h.close());
  beforeEach(() => {
    h.clearFakes();
    now = new Date('2026-12-04T12:00:00Z');
  });

  it('keeps priority, exclusive, expiresAt and rotateAfterDays from POST and PATCH in the view', async () => {
    const token = await freshUser();
    const key = await create(token, {
      provider: 'openai',
      apiKey: fakeKey('openai'),
      priority: 3,
      exclusive: true,
      expiresAt: '2027-01-01T00:00:00+01:00',
      rotateAfterDays: 7,
    });
    expect(key).toMatchObject({
      priority: 3,
      exclusive: true,
      expiresAt: '2026-12-31T23:00:00.000Z',
      rotateAfterDays: 7,
      status: 'unverified',
      verifiedAt: null,
      rotationDue: false,
    });
    const res = await h.t.request(`/api/user/api-keys/${key.id}`, {
      method: 'PATCH',
      token,
      json: { priority: null, exclusive: false, expiresAt: null, rotateAfterDays: null },
    });
    expect(await res.json()).toMatchObject({
      priority: null,
      exclusive: false,
      expiresAt: null,
      rotateAfterDays: null,
    });
  });

  it('refuses settings out of range with 400 naming the field', async () => {
    const token = await freshUser();
    for (const [field, value] of [
      ['priority', 1.5],
      ['rotateAfterDays', 0],
      ['expiresAt', 'next tuesday'],
      ['exclusive', 'yes'],
      ['verify', 1],
    ] as const) {
      const res = await h.t.request('/api/user/api-keys', {
        method: 'POST',
        token,
        json: { provider: 'openai', apiKey: fakeKey('openai'), [field]: value },
      });
      expect(res.status, field).toBe(400);
      expect((await res.json()).error.param).toBe(field);
    }
    expect(await list(token)).toEqual([]);
  });

  it('computes expired and rotationDue from the clock, and filters the list by status, rotationDue and provider', async () => {
    const token = await freshUser();
    const weekly = await create(token, {
      provider: 'openai',
      apiKey: fakeKey('openai'),
      keyName: 'w',
      rotateAfterDays: 7,
    });
    const global = await create(token, { provider: 'openai', apiKey: fakeKey('openai'), keyName: 'g' });
    const expiring = await create(token, {
      provider: 'anthropic',
      apiKey: fakeKey('anthropic'),
      expiresAt: new Date(now.getTime() + 2 * DAY).toISOString(),
    });
    expect(await list(token, '?rotationDue=true')).toEqual([]);

    now = new Date(now.getTime() + 8 * DAY); // past 7 days, not yet 30; the anthropic key expired
    expect(await list(token, '?rotationDue=true')).toEqual([weekly.id]);
    expect(await list(token, '?rotationDue=false')).toEqual([global.id, expiring.id].sort());
    expect(await list(token, '?status=expired')).toEqual([expiring.id]);
    expect(await list(token, '?status=unverified&provider=openai')).toEqual([weekly.id, global.id].sort());
    expect(await list(token, '?provider=google')).toEqual([]);

    now = new Date(now.getTime() + 30 * DAY); // KEY_ROTATION_DAYS=30 now applies to the other key too
    expect(await list(token, '?rotationDue=true')).toEqual([weekly.id, global.id, expiring.id].sort());

    for (const bad of ['?status=gone', '?rotationDue=yes', '?provider=acme', '?owner=me']) {
      const res = await h.t.request(`/api/user/api-keys${bad}`, { token });
      expect(res.status, bad).toBe(400);
    }
  });

  it('names a key due for rotation in x-gateway-key-warning', async () => {
    const token = await freshUser();
    const key = await create(token, { provider: 'openai', apiKey: fakeKey('openai'), rotateAfterDays: 1 });
    now = new Date(now.getTime() + 2 * DAY);
    const res = await h.chat(token, { model: 'openai/gpt-4o-mini', messages: userMessage('hi') });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gateway-key-warning')).toBe(`key ${key.id} is due for rotation`);
  });

  it('PUT replaces the secret under the same id, keeping name, settings, budget and usage history', async () => {
    const token = await freshUser();
    const oldKey = fakeKey('openai');
    const key = await create(token, {
      provider: 'openai',
      apiKey: oldKey,
      keyName: 'prod',
      priority: 2,
      monthlyBudgetUsd: 5,
      rotateAfterDays: 3,
    });
    expect(
      (await h.chat(token, { model: 'openai/gpt-4o-mini', messages: userMessage('before') })).status,
    ).toBe(200);
    await h.t.drain();
    now = new Date(now.getTime() + 5 * DAY);
    expect(
      (await h.t.request(`/api/user/api-keys/${key.id}`, { token }).then((r) => r.json())).rotationDue,
    ).toBe(true);

    const newKey = fakeKey('openai');
    const res = await h.t.request(`/api/user/api-keys/${key.id}`, {
      method: 'PUT',
      token,
      json: { apiKey: newKey, verify: true },
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(newKey);
    const put = JSON.parse(text);
    expect(put).toMatchObject({
      id: key.id,
      keyName: 'prod',
      priority: 2,
      monthlyBudgetUsd: 5,
      rotateAfterDays: 3,
      status: 'valid',
      rotationDue: false,
      createdAt: key.createdAt,
    });
    expect(put.keyPreview).not.toBe(key.keyPreview);

    h.clearFakes();
    expect(
      (await h.chat(token, { model: 'openai/gpt-4o-mini', messages: userMessage('after') })).status,
    ).toBe(200);
    expect(h.fakes.openai.requests.map((r) => r.key)).toEqual([newKey]);
    await h.t.drain();
    const usage = await h.t.request(`/api/user/api-keys/${key.id}/usage?from=2026-12-01&to=2027-01-01`, {
      token,
    });
    expect((await usage.json()).total.requests).toBe(2);
  });

  it('PUT with verify refuses a secret the provider rejects and keeps the old one', async () => {
    const token = await freshUser();
    const oldKey = fakeKey('openai');
    const key = await create(token, { provider: 'openai', apiKey: oldKey });
    const bad = fakeKey('openai');
    h.fakes.openai.rejectedKeys.add(bad);
    const res = await h.t.request(`/api/user/api-keys/${key.id}`, {
      method: 'PUT',
      token,
      json: { apiKey: bad, verify: true },
    });
    expect(res.status).toBe(422);
    expect((await res.json()).error.code).toBe('provider_key_rejected');
    h.clearFakes();
    await h.chat(token, { model: 'openai/gpt-4o-mini', messages: userMessage('still old') });
    expect(h.fakes.openai.requests.map((r) => r.key)).toEqual([oldKey]);
  });

  it('PUT refuses a key in another provider’s format, and a missing apiKey', async () => {
    const token = await freshUser();
    const key = await create(token, { provider: 'openai', apiKey: fakeKey('openai') });
    for (const json of [
      { apiKey: fakeKey('anthropic') },
      {},
      { apiKey: fakeKey('openai'), provider: 'google' },
    ]) {
      const res = await h.t.request(`/api/user/api-keys/${key.id}`, { method: 'PUT', token, json });
      expect(res.status).toBe(400);
    }
  });
});
