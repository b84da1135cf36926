import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatHarness, createChatHarness, userMessage } from '../../helpers/chat-harness.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';
import { fakeKey } from '../../helpers/keys.js';

/**
 * The audit log on both databases: a key's and a token's whole life, found step by step in
 * `GET /api/user/audit-log` (paged with its cursor, newest first), with no secret in any row;
 * scopes, limits and append-only rows (forged and replayed cursors: test/security/audit-log.test.ts).
 * TRUST_PROXY=1, so the IP is the last X-Forwarded-For entry (what the one trusted proxy saw).
 */
interface Entry {
  id: string;
  action: string;
  actor: { userId: string | null; via: string; tokenId: string | null };
  target: { type: string; id: string | null; preview: string | null };
  details: Record<string, unknown>;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

describe.each(DATABASE_KINDS)('audit log on %s', (kind) => {
  let h: ChatHarness;
  let alice: string;
  const from = (ip: string) => ({
    'x-forwarded-for': `198.51.100.250, ${ip}`,
    'user-agent': 'audit-test/1.0',
  });

  /** Every page of the caller's log, following nextCursor, `limit` rows a page. */
  async function wholeLog(token: string, limit = 2): Promise<Entry[]> {
    const all: Entry[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const q: string = cursor ? `?limit=${limit}&cursor=${encodeURIComponent(cursor)}` : `?limit=${limit}`;
      const res = await h.t.request(`/api/user/audit-log${q}`, { token });
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.object).toBe('list');
      expect(body.data.length).toBeLessThanOrEqual(limit);
      all.push(...body.data);
      cursor = body.nextCursor;
      if (!cursor) return all;
    }
    throw new Error('the log never ended');
  }

  beforeAll(async () => {
    h = await createChatHarness(kind, { TRUST_PROXY: '1' });
    alice = await h.t.jwt('alice');
  });
  afterAll(async () => h.close());

  it('walks a key and a token through their lives and finds every step, newest first, with no secret in any row', async () => {
    const apiKey = fakeKey('openai');
    const secrets: string[] = [apiKey];
    const key = await h.t.request('/api/user/api-keys', {
      method: 'POST',
      token: alice,
      headers: from('203.0.113.7'),
      json: { provider: 'openai', apiKey, keyName: 'work' },
    });
    expect(key.status).toBe(201);
    const created = await key.json();
    const keyRow = await h.t.deps.db
      .selectFrom('api_keys')
      .select('encrypted_key')
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    secrets.push(keyRow.encrypted_key);

    const patched = await h.t.request(`/api/user/api-keys/${created.id}`, {
      method: 'PATCH',
      token: alice,
      headers: from('203.0.113.7'),
      json: { keyName: 'work-renamed', monthlyBudgetUsd: 100 },
    });
    expect(patched.status).toBe(200);
    // A new secret under the same id, then a check with the provider.
    const second = fakeKey('openai');
    secrets.push(second);
    const put = await h.t.request(`/api/user/api-keys/${created.id}`, {
      method: 'PUT',
      token: alice,
      headers: from('203.0.113.7'),
      json: { apiKey: second },
    });
    expect(put.status).toBe(200);
    const replacedPreview = (await put.json()).keyPreview;
    const verify = await h.t.request(`/api/user/api-keys/${created.id}/verify`, {
      method: 'POST',
      token: alice,
    });
    expect(verify.status).toBe(200);

    // Two calls from one IP: one "new IP" event; a third from another IP: a second.
    for (const ip of ['203.0.113.7', '203.0.113.7', '192.0.2.44']) {
      const res = await h.chat(alice, { model: 'openai/gpt-4o-mini', messages: userMessage('hi') }, from(ip));
      expect(res.status).toBe(200);
      await res.text();
    }
    // A budget of 0: every call is refused, the log says so once this month.
    await h.t.request(`/api/user/api-keys/${created.id}`, {
      method: 'PATCH',
      token: alice,
      json: { monthlyBudgetUsd: 0 },
    });
    for (let i = 0; i < 3; i++) {
      const res = await h.chat(
        alice,
        { model: 'openai/gpt-4o-mini', messages: userMessage('hi') },
        from('192.0.2.44'),
      );
      expect(res.status).toBe(429);
    }

    const minted = await h.t.request('/api/user/tokens', {
      method: 'POST',
      token: alice,
      json: { name: 'laptop', scopes: ['chat', 'audit:read'] },
    });
    const token = await minted.json();
    secrets.push(token.token);
    // The token reads the log (audit:read): its own request is named by its token id.
    const viaToken = await h.t.request('/api/user/audit-log?limit=1', { token: token.token });
    expect(viaToken.status).toBe(200);
    expect(
      (await h.t.request(`/api/user/tokens/${token.id}`, { method: 'DELETE', token: alice })).status,
    ).toBe(204);
    expect(
      (await h.t.request(`/api/user/api-keys/${created.id}`, { method: 'DELETE', token: alice })).status,
    ).toBe(204);
    await h.t.drain();

    const log = await wholeLog(alice);
    expect(log.map((e) => e.action)).toEqual([
      'key.deleted',
      'token.revoked',
      'token.created',
      'key.budget_reached',
      'key.updated',
      'key.new_ip',
      'key.new_ip',
      'key.verified',
      'key.replaced',
      'key.updated',
      'key.created',
    ]);
    const ids = log.map((e) => e.id);
    expect([...ids].sort().reverse()).toEqual(ids);
    const [
      deleted,
      revoked,
      tokenCreated,
      budget,
      ,
      secondIp,
      firstIp,
      verified,
      replaced,
      renamed,
      keyCreated,
    ] = log as [Entry, Entry, Entry, Entry, Entry, Entry, Entry, Entry, Entry, Entry, Entry];
    const keyTarget = { type: 'api_key', id: created.id, preview: replacedPreview };
    expect(replaced).toMatchObject({
      target: keyTarget,
      details: { previousPreview: created.keyPreview, verified: false },
    });
    expect(verified).toMatchObject({ target: keyTarget, details: { result: 'valid' } });
    expect(keyCreated).toMatchObject({
      actor: { userId: 'alice', via: 'jwt', tokenId: null },
      target: { ...keyTarget, preview: created.keyPreview },
      details: { provider: 'openai', keyName: 'work' },
      ip: '203.0.113.7',
      userAgent: 'audit-test/1.0',
    });
    expect(keyCreated.requestId).toMatch(/^req_/);
    expect(renamed).toMatchObject({
      target: { ...keyTarget, preview: created.keyPreview },
      details: { fields: ['keyName', 'monthlyBudgetUsd'] },
    });
    expect(firstIp).toMatchObject({ target: keyTarget, ip: '203.0.113.7', details: { provider: 'openai' } });
    expect(secondIp).toMatchObject({ target: keyTarget, ip: '192.0.2.44' });
    expect(budget).toMatchObject({ target: keyTarget, ip: '192.0.2.44' });
    expect(budget.details.month).toMatch(/^\d{4}-\d{2}$/);
    expect(tokenCreated).toMatchObject({
      target: { type: 'access_token', id: token.id, preview: token.tokenPreview },
      details: { scopes: ['chat', 'audit:read'], expiresAt: null },
    });
    expect(revoked).toMatchObject({
      target: { type: 'access_token', id: token.id, preview: token.tokenPreview },
    });
    expect(deleted).toMatchObject({ target: keyTarget, details: { provider: 'openai' } });

    // No row holds a secret: the stored key, its ciphertext, the token (past its preview).
    const rows = JSON.stringify(await h.t.deps.db.selectFrom('audit_events').selectAll().execute());
    expect(h.fakes.openai.requests.at(0)?.headers.authorization).toBe(`Bearer ${second}`);
    for (const secret of [...secrets, token.token.slice(8)]) expect(rows).not.toContain(secret);
  });

  it('checks limit and unknown parameters, needs audit:read on a token, and offers no way to change a row', async () => {
    for (const q of ['limit=0', 'limit=101', 'limit=x', 'limit=1.5', 'userId=bob']) {
      const res = await h.t.request(`/api/user/audit-log?${q}`, { token: alice });
      expect(res.status, q).toBe(400);
    }
    const chatOnly = await (
      await h.t.request('/api/user/tokens', { method: 'POST', token: alice, json: { name: 'chat-only' } })
    ).json();
    const refused = await h.t.request('/api/user/audit-log', { token: chatOnly.token });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe('insufficient_scope');
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await h.t.request('/api/user/audit-log', { method, token: alice, json: {} });
      expect(res.status, method).toBe(405);
    }
  });

  it('is append-only in the database too: an UPDATE of a row fails', async () => {
    await expect(sql`UPDATE audit_events SET action = 'key.created'`.execute(h.t.deps.db)).rejects.toThrow(
      /append-only/,
    );
  });
});
