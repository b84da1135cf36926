import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatHarness, createChatHarness, userMessage } from '../../helpers/chat-harness.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';

/**
 * Organisations from JWT claims, on both databases: who may read `/api/org/usage`, the
 * organisation a gateway token carries (and loses when its user's JWT stops naming it), and the
 * organisation recorded on usage rows. ORG_CLAIM/ORG_ROLE_CLAIM are renamed here to show they are
 * read by name.
 */
describe.each(DATABASE_KINDS)('organisation claims on %s', (kind) => {
  let h: ChatHarness;
  const jwt = (user: string, claims: Record<string, unknown> = {}) => h.t.jwt(user, { claims });

  beforeAll(async () => {
    h = await createChatHarness(kind, { ORG_CLAIM: 'tenant', ORG_ROLE_CLAIM: 'tenant_role' });
  });
  afterAll(async () => h.close());

  const orgUsage = async (token: string, query = '') => {
    const res = await h.t.request(`/api/org/usage${query}`, { token });
    return { status: res.status, body: await res.json() };
  };

  it('lets only an admin of an organisation read its usage', async () => {
    const none = await orgUsage(await jwt('nobody'));
    expect(none.status).toBe(403);
    expect(none.body.error.code).toBe('org_required');
    // The default claim names mean nothing here: ORG_CLAIM is `tenant`.
    expect((await orgUsage(await jwt('nobody', { org_id: 'acme', org_role: 'admin' }))).body.error.code).toBe(
      'org_required',
    );
    for (const role of ['member', 'Admin', 'owner', true, undefined]) {
      const res = await orgUsage(await jwt('mia', { tenant: 'acme', tenant_role: role }));
      expect(res.status, String(role)).toBe(403);
      expect(res.body.error.code).toBe('org_admin_required');
    }
    const admin = await orgUsage(await jwt('ada', { tenant: 'acme', tenant_role: 'admin' }));
    expect(admin.status).toBe(200);
    expect(admin.body).toMatchObject({ object: 'list', data: [], total: { requests: 0 } });
  });

  it('never makes a gateway token an admin, whatever the JWT that minted it', async () => {
    const ada = await jwt('ada', { tenant: 'acme', tenant_role: 'admin' });
    const minted = await h.t.request('/api/user/tokens', {
      method: 'POST',
      token: ada,
      json: { name: 'ada-laptop', scopes: ['chat', 'usage:read'] },
    });
    const token = await minted.json();
    expect(token.orgId).toBe('acme');
    const res = await orgUsage(token.token);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('org_admin_required');
  });

  it('aggregates the usage of the organisation’s own keys only, per member with groupBy=user', async () => {
    const row = (id: string, user: string, org: string | null, source: string) => ({
      id: `${kind}-${id}`,
      request_id: 'req_x',
      user_id: user,
      key_id: source === 'system' ? null : 'k',
      key_source: source,
      provider: 'openai',
      model: 'openai/gpt-4o-mini',
      upstream_model: 'gpt-4o-mini',
      prompt_tokens: 10,
      completion_tokens: 5,
      cached_tokens: 0,
      reasoning_tokens: 0,
      cost_usd: 0.001,
      cost_source: 'priced',
      estimated: 0,
      status: 200,
      latency_ms: 1,
      ttft_ms: null,
      created_at: new Date().toISOString(),
      org_id: org,
    });
    await h.t.deps.db
      .insertInto('usage_events')
      .values([
        row('a1', 'ada', 'acme', 'org'),
        row('a2', 'mia', 'acme', 'org'),
        row('a3', 'mia', 'acme', 'org'),
        // A member's call on their own key, and another organisation's key: not acme's keys.
        row('a4', 'mia', 'acme', 'user'),
        row('g1', 'gus', 'globex', 'org'),
      ])
      .execute();
    const ada = await jwt('ada', { tenant: 'acme', tenant_role: 'admin' });
    const byUser = await orgUsage(ada, '?groupBy=user');
    expect(byUser.status).toBe(200);
    expect(byUser.body.data.map((g: { group: string; requests: number }) => [g.group, g.requests])).toEqual([
      ['ada', 1],
      ['mia', 2],
    ]);
    expect(byUser.body.total.requests).toBe(3);
    const globex = await orgUsage(await jwt('gia', { tenant: 'globex', tenant_role: 'admin' }));
    expect(globex.body.total.requests).toBe(1);
  });

  it('records the caller’s organisation on usage rows, for a JWT and for a token minted in it', async () => {
    const mia = await jwt('mia2', { tenant: 'acme', tenant_role: 'member' });
    await h.storeKey(mia, 'openai', 'own');
    const token = await (
      await h.t.request('/api/user/tokens', { method: 'POST', token: mia, json: { name: 'sdk' } })
    ).json();
    for (const credential of [mia, token.token]) {
      const res = await h.chat(credential, { model: 'openai/gpt-4o-mini', messages: userMessage('hi') });
      expect(res.status).toBe(200);
      await res.text();
    }
    await h.t.drain();
    const rows = await h.t.deps.db
      .selectFrom('usage_events')
      .select(['org_id', 'key_source'])
      .where('user_id', '=', 'mia2')
      .execute();
    expect(rows).toEqual([
      { org_id: 'acme', key_source: 'user' },
      { org_id: 'acme', key_source: 'user' },
    ]);
  });

  it('takes the organisation from a user’s tokens as soon as a JWT of theirs names another or none', async () => {
    const inAcme = await jwt('sam', { tenant: 'acme' });
    await h.storeKey(inAcme, 'openai', 'own');
    const token = await (
      await h.t.request('/api/user/tokens', {
        method: 'POST',
        token: inAcme,
        json: { name: 'sdk', scopes: ['chat', 'keys:read'] },
      })
    ).json();
    expect(token.orgId).toBe('acme');
    const tokens = async (credential: string) =>
      (await (await h.t.request('/api/user/tokens', { token: credential })).json()).data;
    // The same organisation again: nothing changes.
    expect((await tokens(await jwt('sam', { tenant: 'acme' })))[0].orgId).toBe('acme');
    // A JWT without the claim: the token loses acme at once, and keeps working for sam's own key.
    const left = await jwt('sam');
    expect((await tokens(left))[0].orgId).toBeNull();
    const chat = await h.chat(token.token, { model: 'openai/gpt-4o-mini', messages: userMessage('hi') });
    expect(chat.status).toBe(200);
    await chat.text();
    await h.t.drain();
    const row = await h.t.deps.db
      .selectFrom('usage_events')
      .select('org_id')
      .where('user_id', '=', 'sam')
      .executeTakeFirstOrThrow();
    expect(row.org_id).toBeNull();
    const log = (await (await h.t.request('/api/user/audit-log', { token: left })).json()).data;
    expect(log[0]).toMatchObject({
      action: 'token.org_detached',
      orgId: 'acme',
      target: { type: 'access_token', id: token.id, preview: token.tokenPreview },
    });
  });
});
