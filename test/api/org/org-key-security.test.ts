import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ChatHarness, createChatHarness, userMessage } from '../../helpers/chat-harness.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';
import { storeOrgKey } from '../../helpers/org-keys.js';

const MODEL = 'openai/gpt-4o-mini';

/**
 * Who may use an organisation's keys, on both databases: its members only, and only while their
 * credential names it now. Without the system key here, a caller who may not use the organisation's
 * key gets 403 no_key_available, so nothing can hide a wrong fallback.
 */
describe.each(DATABASE_KINDS)('organisation keys: who may use them, on %s', (kind) => {
  let h: ChatHarness;
  let n = 0;
  const fresh = () => `${kind}-${++n}`;
  const jwt = (userId: string, claims: Record<string, unknown> = {}) => h.t.jwt(userId, { claims });
  const chat = async (credential: string) => {
    const res = await h.chat(credential, { model: MODEL, messages: userMessage('hi') });
    return { res, body: await res.json() };
  };

  beforeAll(async () => {
    // No system key: a refused organisation key cannot be masked by the fallback.
    h = await createChatHarness(kind, { OPENROUTER_API_KEY: '' });
  });
  afterAll(async () => h.close());
  beforeEach(() => h.clearFakes());

  it('never lets a member of organisation X use organisation Y’s keys', async () => {
    const id = fresh();
    const y = await storeOrgKey(h.t.deps, `y-${id}`, 'openai');
    const { res, body } = await chat(await jwt(`x-member-${id}`, { org_id: `x-${id}` }));
    expect(res.status).toBe(403);
    expect(body.error.code).toBe('no_key_available');
    expect(JSON.stringify(body)).not.toContain(y.preview);
    expect(h.fakes.openai.requests).toHaveLength(0);
  });

  it('takes the organisation’s keys away at once from a JWT without the claim', async () => {
    const id = fresh();
    const orgId = `acme-${id}`;
    await storeOrgKey(h.t.deps, orgId, 'openai');
    const user = `ann-${id}`;
    expect((await chat(await jwt(user, { org_id: orgId }))).res.status).toBe(200); // cached now
    const { res, body } = await chat(await jwt(user));
    expect(res.status).toBe(403);
    expect(body.error.code).toBe('no_key_available');
  });

  it('stops a token detached from the organisation (its user’s JWT names another) using its keys at once', async () => {
    const id = fresh();
    const orgId = `acme-${id}`;
    const shared = await storeOrgKey(h.t.deps, orgId, 'openai');
    const user = `tom-${id}`;
    const inOrg = await jwt(user, { org_id: orgId });
    const minted = await h.t.request('/api/user/tokens', {
      method: 'POST',
      token: inOrg,
      json: { name: 'sdk' },
    });
    const token = (await minted.json()).token as string;
    const before = await chat(token);
    expect(before.res.headers.get('x-gateway-key-id')).toBe(shared.id);
    // A JWT of the same user naming another organisation detaches the token from acme.
    await h.t.request('/api/user/tokens', { token: await jwt(user, { org_id: `globex-${id}` }) });
    const after = await chat(token);
    expect(after.res.status).toBe(403);
    expect(after.body.error.code).toBe('no_key_available');
    expect(h.fakes.openai.requests.map((r) => r.key)).toEqual([shared.apiKey]);
  });

  it('gives a user whose id equals the organisation’s id none of its keys, with or without another organisation', async () => {
    const orgId = `same-${fresh()}`;
    await storeOrgKey(h.t.deps, orgId, 'openai');
    // Prime the organisation's cache entry first: the user's must not be served from it.
    expect((await chat(await jwt(`m-${orgId}`, { org_id: orgId }))).res.status).toBe(200);
    for (const claims of [{}, { org_id: `other-${orgId}` }]) {
      const { res, body } = await chat(await jwt(orgId, claims));
      expect(res.status).toBe(403);
      expect(body.error.code).toBe('no_key_available');
    }
    const models = await (await h.t.request('/v1/models', { token: await jwt(orgId) })).json();
    expect(models.data.find((m: { id: string }) => m.id === 'openai/gpt-4o').gateway.reachable).toBe(false);
  });

  it('does not open an organisation key’s ciphertext moved to a user’s row: 500 stored_key_unreadable, nothing leaked', async () => {
    const orgId = `moved-${fresh()}`;
    const shared = await storeOrgKey(h.t.deps, orgId, 'openai', { keyName: 'team' });
    const { db } = h.t.deps;
    const row = await db
      .selectFrom('api_keys')
      .select(['encrypted_key', 'key_preview'])
      .where('id', '=', shared.id)
      .executeTakeFirstOrThrow();
    await db.deleteFrom('api_keys').where('id', '=', shared.id).execute();
    // The same id, the same ciphertext, under a user whose id is the organisation's.
    const now = new Date().toISOString();
    await db
      .insertInto('api_keys')
      .values({
        id: shared.id,
        user_id: orgId,
        owner_kind: 'user',
        provider: 'openai',
        encrypted_key: row.encrypted_key,
        key_name: 'team',
        key_preview: row.key_preview,
        is_active: 1,
        created_at: now,
        updated_at: now,
        last_used_at: null,
      })
      .execute();
    const { res, body } = await chat(await jwt(orgId));
    expect(res.status).toBe(500);
    expect(body.error.code).toBe('stored_key_unreadable');
    expect(JSON.stringify(body)).not.toContain(shared.apiKey.slice(8, 30));
    expect(h.fakes.openai.requests).toHaveLength(0);
    expect(h.t.logs.join('\n')).not.toContain(shared.apiKey.slice(8, 30));
  });
});

describe.each(DATABASE_KINDS)('organisation keys: usage, budgets, metrics and /v1/models on %s', (kind) => {
  let h: ChatHarness;
  let n = 0;
  const fresh = () => `${kind}-${++n}`;

  beforeAll(async () => {
    h = await createChatHarness(kind);
  });
  afterAll(async () => h.close());
  beforeEach(() => h.clearFakes());

  it('records key_source org and the organisation on usage rows; GET /api/org/usage aggregates them', async () => {
    const orgId = `acme-${fresh()}`;
    const shared = await storeOrgKey(h.t.deps, orgId, 'openai');
    const ada = await h.t.jwt(`ada-${orgId}`, { claims: { org_id: orgId, org_role: 'admin' } });
    const mia = await h.t.jwt(`mia-${orgId}`, { claims: { org_id: orgId } });
    await h.storeKey(mia, 'openai', 'own'); // mia's own key: not the organisation's usage
    for (const credential of [ada, ada, mia]) {
      const res = await h.chat(credential, { model: MODEL, messages: userMessage('hi') });
      expect(res.status).toBe(200);
      await res.text();
    }
    await h.t.drain();
    const rows = await h.t.deps.db
      .selectFrom('usage_events')
      .select(['user_id', 'key_id', 'key_source', 'org_id'])
      .where('org_id', '=', orgId)
      .orderBy('user_id')
      .execute();
    expect(rows.filter((r) => r.key_source === 'org')).toEqual([
      { user_id: `ada-${orgId}`, key_id: shared.id, key_source: 'org', org_id: orgId },
      { user_id: `ada-${orgId}`, key_id: shared.id, key_source: 'org', org_id: orgId },
    ]);
    const usage = await (await h.t.request('/api/org/usage?groupBy=key', { token: ada })).json();
    expect(usage.data).toEqual([expect.objectContaining({ group: shared.id, requests: 2 })]);
    expect(usage.total.requests).toBe(2);
    expect(h.t.metricsText()).toMatch(
      /byok_chat_requests_total\{provider="openai",key_source="org",[^}]*\} 2/,
    );
    const used = await h.t.deps.db
      .selectFrom('api_keys')
      .select('last_used_at')
      .where('owner_kind', '=', 'org')
      .where('id', '=', shared.id)
      .executeTakeFirstOrThrow();
    expect(used.last_used_at).not.toBeNull();
  });

  it('holds an organisation key to its own monthly budget, whoever spends it, and audits reaching it', async () => {
    const orgId = `thrift-${fresh()}`;
    const shared = await storeOrgKey(h.t.deps, orgId, 'openai', { monthlyBudgetUsd: 0 });
    const bob = await h.t.jwt(`bob-${orgId}`, { claims: { org_id: orgId } });
    const res = await h.chat(bob, { model: MODEL, messages: userMessage('hi') });
    expect(res.status).toBe(429);
    const body = await res.json();
    expect(body.error.code).toBe('budget_exceeded');
    expect(body.error.message).toContain("Your organisation's key");
    expect(h.fakes.openai.requests).toHaveLength(0);
    const log = (await (await h.t.request('/api/user/audit-log', { token: bob })).json()).data;
    expect(log.find((e: { action: string }) => e.action === 'key.budget_reached')).toMatchObject({
      orgId,
      target: { type: 'api_key', id: shared.id, preview: shared.preview },
    });
  });

  it('lists models an organisation key serves in /v1/models, and not those of rejected or expired keys', async () => {
    const orgId = `cat-${fresh()}`;
    const user = `cat-user-${orgId}`;
    const jwt = await h.t.jwt(user, { claims: { org_id: orgId } });
    const via = async (id: string) => {
      const list = await (await h.t.request('/v1/models', { token: jwt })).json();
      return list.data.find((m: { id: string }) => m.id === id).gateway;
    };
    await storeOrgKey(h.t.deps, orgId, 'openai');
    expect(await via('openai/gpt-4o')).toEqual({ reachable: true, via: 'org', provider: 'openai' });
    const own = await h.storeKey(jwt, 'openai', 'own');
    expect(await via('openai/gpt-4o')).toEqual({ reachable: true, via: 'user', provider: 'openai' });
    // The user's key rejected: it no longer counts, the organisation's key does.
    await h.t.deps.db.updateTable('api_keys').set({ status: 'rejected' }).where('id', '=', own.id).execute();
    expect(await via('openai/gpt-4o')).toEqual({ reachable: true, via: 'org', provider: 'openai' });
    // The organisation's OpenRouter key serves other vendors; an expired one would not.
    await storeOrgKey(h.t.deps, orgId, 'openrouter', {
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    expect((await via('anthropic/claude-sonnet-4-5')).via).toBe('system');
    await storeOrgKey(h.t.deps, orgId, 'openrouter');
    expect(await via('anthropic/claude-sonnet-4-5')).toEqual({
      reachable: true,
      via: 'org_openrouter',
      provider: 'openrouter',
    });
  });
});
