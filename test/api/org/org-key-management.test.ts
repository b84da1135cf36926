import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ChatHarness, createChatHarness, userMessage } from '../../helpers/chat-harness.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';
import { fakeKey } from '../../helpers/keys.js';

const MODEL = 'openai/gpt-4o-mini';

interface Entry {
  action: string;
  orgId: string | null;
  actor: { userId: string | null; via: string; tokenId: string | null };
  target: { type: string; id: string | null; preview: string | null };
  details: Record<string, unknown>;
}

/**
 * `/api/org/api-keys` on both databases: an organisation's admins manage its keys with the verbs of
 * the user routes; members (and every gateway token) read previews only; a write by a member is
 * 403 org_admin_required and changes nothing; the organisation's audit log holds every step, with
 * no secret in any row; a change reaches routing at once (the organisation's cached rows go).
 */
describe.each(DATABASE_KINDS)('organisation key management on %s', (kind) => {
  let h: ChatHarness;
  let n = 0;
  /** A fresh organisation, with an admin JWT and a member JWT. */
  const team = async () => {
    const orgId = `org-${kind}-${++n}`;
    return {
      orgId,
      admin: await h.t.jwt(`admin-${orgId}`, { claims: { org_id: orgId, org_role: 'admin' } }),
      member: await h.t.jwt(`member-${orgId}`, { claims: { org_id: orgId, org_role: 'member' } }),
    };
  };
  const create = (token: string, json: Record<string, unknown>) =>
    h.t.request('/api/org/api-keys', { method: 'POST', token, json });
  const orgLog = async (token: string): Promise<Entry[]> => {
    await h.t.drain();
    const res = await h.t.request('/api/org/audit-log?limit=100', { token });
    expect(res.status).toBe(200);
    return (await res.json()).data;
  };

  beforeAll(async () => {
    // TRUST_PROXY=1: a chat's X-Forwarded-For names its IP, so a key's first use from it is logged.
    h = await createChatHarness(kind, { OPENROUTER_API_KEY: '', TRUST_PROXY: '1' });
  });
  afterAll(async () => h.close());
  beforeEach(() => h.clearFakes());

  it('lets an admin create, list, read, rename, replace, verify and delete the organisation’s keys', async () => {
    const { admin, member } = await team();
    const apiKey = fakeKey('openai');
    const res = await create(admin, { provider: 'openai', apiKey, keyName: 'shared' });
    expect(res.status).toBe(201);
    const key = await res.json();
    expect(JSON.stringify(key)).not.toContain(apiKey);
    expect(key).toMatchObject({ provider: 'openai', keyName: 'shared', status: 'unverified' });

    for (const token of [admin, member]) {
      const list = await (await h.t.request('/api/org/api-keys', { token })).json();
      expect(list.data.map((k: { id: string }) => k.id)).toEqual([key.id]);
      const one = await h.t.request(`/api/org/api-keys/${key.id}`, { token });
      expect((await one.json()).keyPreview).toBe(key.keyPreview);
    }
    const patch = await h.t.request(`/api/org/api-keys/${key.id}`, {
      method: 'PATCH',
      token: admin,
      json: { keyName: 'team', monthlyBudgetUsd: 50 },
    });
    expect(await patch.json()).toMatchObject({ keyName: 'team', monthlyBudgetUsd: 50 });
    const second = fakeKey('openai');
    const put = await h.t.request(`/api/org/api-keys/${key.id}`, {
      method: 'PUT',
      token: admin,
      json: { apiKey: second, verify: true },
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ id: key.id, keyName: 'team', status: 'valid' });
    h.fakes.openai.rejectedKeys.add(second);
    const verify = await h.t.request(`/api/org/api-keys/${key.id}/verify`, { method: 'POST', token: admin });
    expect((await verify.json()).valid).toBe(false);
    const after = await (await h.t.request(`/api/org/api-keys/${key.id}`, { token: member })).json();
    expect(after.status).toBe('rejected');
    const del = await h.t.request(`/api/org/api-keys/${key.id}`, { method: 'DELETE', token: admin });
    expect(del.status).toBe(204);
    expect((await (await h.t.request('/api/org/api-keys', { token: member })).json()).data).toEqual([]);
  });

  it('refuses every write by a member or a gateway token with 403 org_admin_required and changes nothing', async () => {
    const { orgId, admin, member } = await team();
    const key = await (await create(admin, { provider: 'openai', apiKey: fakeKey('openai') })).json();
    const minted = await h.t.request('/api/user/tokens', {
      method: 'POST',
      token: admin,
      json: { name: 'admin-laptop', scopes: ['keys:read', 'keys:write'] },
    });
    const adminsToken = (await minted.json()).token as string;
    const row = () => h.t.deps.db.selectFrom('api_keys').selectAll().where('user_id', '=', orgId).execute();
    const before = await row();
    const writes: [string, string, unknown][] = [
      ['POST', '/api/org/api-keys', { provider: 'openai', apiKey: fakeKey('openai') }],
      ['PATCH', `/api/org/api-keys/${key.id}`, { keyName: 'mine-now' }],
      ['PUT', `/api/org/api-keys/${key.id}`, { apiKey: fakeKey('openai') }],
      ['POST', `/api/org/api-keys/${key.id}/verify`, undefined],
      ['DELETE', `/api/org/api-keys/${key.id}`, undefined],
      // An unknown id is refused the same way: a member learns nothing about which ids exist.
      ['DELETE', `/api/org/api-keys/${crypto.randomUUID()}`, undefined],
    ];
    for (const token of [member, adminsToken]) {
      for (const [method, path, json] of writes) {
        const res = await h.t.request(path, { method, token, ...(json ? { json } : {}) });
        expect(res.status, `${method} ${path}`).toBe(403);
        expect((await res.json()).error.code).toBe('org_admin_required');
      }
    }
    // The admin's token reads the organisation's keys: a token is a member.
    const read = await h.t.request('/api/org/api-keys', { token: adminsToken });
    expect((await read.json()).data).toHaveLength(1);
    expect(await row()).toEqual(before);
    expect(h.fakes.openai.requests).toHaveLength(0);
  });

  it('answers a caller without an organisation with 403 org_required on every organisation key route', async () => {
    const loner = await h.t.jwt(`loner-${kind}`);
    for (const [method, path] of [
      ['GET', '/api/org/api-keys'],
      ['POST', '/api/org/api-keys'],
      ['GET', `/api/org/api-keys/${crypto.randomUUID()}`],
      ['GET', '/api/org/audit-log'],
    ] as const) {
      const res = await h.t.request(path, { method, token: loner });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect((await res.json()).error.code).toBe('org_required');
    }
  });

  it('routes a member’s chat to a key the moment an admin stores it, and away the moment it is deleted', async () => {
    const { admin, member } = await team();
    const chat = () => h.chat(member, { model: MODEL, messages: userMessage('hi') });
    expect((await chat()).status).toBe(403); // no key anywhere yet; this caches the empty rows
    const apiKey = fakeKey('openai');
    const key = await (await create(admin, { provider: 'openai', apiKey })).json();
    const served = await chat();
    expect(served.status).toBe(200);
    expect(served.headers.get('x-gateway-key-source')).toBe('org');
    expect(served.headers.get('x-gateway-key-id')).toBe(key.id);
    expect(h.fakes.openai.requests.map((r) => r.key)).toEqual([apiKey]);
    await h.t.request(`/api/org/api-keys/${key.id}`, {
      method: 'PATCH',
      token: admin,
      json: { isActive: false },
    });
    expect((await chat()).status).toBe(403);
    await h.t.request(`/api/org/api-keys/${key.id}`, {
      method: 'PATCH',
      token: admin,
      json: { isActive: true },
    });
    expect((await chat()).status).toBe(200);
    await h.t.request(`/api/org/api-keys/${key.id}`, { method: 'DELETE', token: admin });
    expect((await chat()).status).toBe(403);
    await h.t.drain();
    const usage = await h.t.request(`/api/org/api-keys/${key.id}/usage?groupBy=user`, { token: admin });
    expect(usage.status).toBe(404); // deleted: its usage route goes with it
  });

  it('adds up a key’s usage for admins only, per member', async () => {
    const { orgId, admin, member } = await team();
    const key = await (await create(admin, { provider: 'openai', apiKey: fakeKey('openai') })).json();
    for (const token of [member, member, admin])
      expect((await h.chat(token, { model: MODEL, messages: userMessage('hi') })).status).toBe(200);
    await h.t.drain();
    const res = await h.t.request(`/api/org/api-keys/${key.id}/usage?groupBy=user`, { token: admin });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.total.requests).toBe(3);
    expect(body.data.map((g: { group: string; requests: number }) => [g.group, g.requests])).toEqual([
      [`admin-${orgId}`, 1],
      [`member-${orgId}`, 2],
    ]);
    const byMember = await h.t.request(`/api/org/api-keys/${key.id}/usage`, { token: member });
    expect((await byMember.json()).error.code).toBe('org_admin_required');
  });

  it('keeps a user’s keys and the organisation’s apart: same provider and name, separate caps and lists', async () => {
    const { admin } = await team();
    const json = { provider: 'openai', apiKey: fakeKey('openai'), keyName: 'main' };
    expect((await create(admin, json)).status).toBe(201);
    const own = await h.t.request('/api/user/api-keys', { method: 'POST', token: admin, json });
    expect(own.status).toBe(201);
    const again = await create(admin, { ...json, apiKey: fakeKey('openai') });
    expect(again.status).toBe(409);
    expect((await again.json()).error.code).toBe('duplicate_key');
  });

  it('writes every step of an organisation key’s life to the organisation’s audit log, with no secret in any row', async () => {
    const { orgId, admin, member } = await team();
    const first = fakeKey('openai');
    const key = await (await create(admin, { provider: 'openai', apiKey: first, keyName: 'k' })).json();
    await h.t.request(`/api/org/api-keys/${key.id}`, {
      method: 'PATCH',
      token: admin,
      json: { priority: 1 },
    });
    // A member's first call from an address: the key's new-IP event is the organisation's too.
    const from = { 'x-forwarded-for': '203.0.113.9' };
    expect((await h.chat(member, { model: MODEL, messages: userMessage('hi') }, from)).status).toBe(200);
    const second = fakeKey('openai');
    await h.t.request(`/api/org/api-keys/${key.id}`, {
      method: 'PUT',
      token: admin,
      json: { apiKey: second },
    });
    await h.t.request(`/api/org/api-keys/${key.id}/verify`, { method: 'POST', token: admin });
    // A member's chat finds the key refused: the mark and its audit row are the organisation's.
    h.fakes.openai.rejectedKeys.add(second);
    expect((await h.chat(member, { model: MODEL, messages: userMessage('hi') })).status).toBe(401);
    await h.t.request(`/api/org/api-keys/${key.id}`, { method: 'DELETE', token: admin });

    const log = await orgLog(admin);
    expect(log.map((e) => e.action)).toEqual([
      'key.deleted',
      'key.rejected',
      'key.verified',
      'key.replaced',
      'key.new_ip',
      'key.updated',
      'key.created',
    ]);
    for (const e of log) {
      expect(e.orgId).toBe(orgId);
      expect(e.target.id).toBe(key.id);
    }
    const byAdmin = log.filter((e) => e.action !== 'key.rejected' && e.action !== 'key.new_ip');
    expect(byAdmin.every((e) => e.actor.userId === `admin-${orgId}` && e.actor.via === 'jwt')).toBe(true);
    expect(log.find((e) => e.action === 'key.rejected')?.actor.userId).toBe(`member-${orgId}`);
    expect(log.find((e) => e.action === 'key.updated')?.details).toEqual({ fields: ['priority'] });
    const rows = JSON.stringify(await h.t.deps.db.selectFrom('audit_events').selectAll().execute());
    for (const secret of [first, second]) expect(rows).not.toContain(secret);
    // Members do not read the organisation's log; another organisation's admin never sees these rows.
    const asMember = await h.t.request('/api/org/audit-log', { token: member });
    expect((await asMember.json()).error.code).toBe('org_admin_required');
    const other = await team();
    expect(JSON.stringify(await orgLog(other.admin))).not.toContain(key.id);
  });
});
