import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { fakeKey } from '../helpers/keys.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The audit log's own attack surface: it shows a caller only their own events, and its cursor —
 * the one value a client hands back — cannot be forged, edited or replayed by another user to
 * reach rows (400 invalid_cursor, never data).
 */
interface Entry {
  action: string;
  actor: { userId: string | null };
}

describe.each(DATABASE_KINDS)('audit log cursor and scoping on %s', (kind) => {
  let t: TestApp;
  let alice: string;
  const storeKey = async (jwt: string, provider: 'openrouter' | 'openai', keyName: string) => {
    const res = await t.request('/api/user/api-keys', {
      method: 'POST',
      token: jwt,
      json: { provider, apiKey: fakeKey(provider), keyName },
    });
    expect(res.status).toBe(201);
  };

  async function wholeLog(token: string, limit: number): Promise<Entry[]> {
    const res = await t.request(`/api/user/audit-log?limit=${limit}`, { token });
    expect(res.status).toBe(200);
    return (await res.json()).data;
  }

  beforeAll(async () => {
    t = await createTestApp(kind);
    alice = await t.jwt('alice');
    for (const name of ['a', 'b', 'c']) await storeKey(alice, 'openai', name);
  });
  afterAll(async () => t.close());

  it('shows a caller only their own events', async () => {
    const bob = await t.jwt('bob');
    await storeKey(bob, 'openrouter', 'bobs');
    const bobs = await wholeLog(bob, 50);
    expect(bobs.map((e) => e.action)).toEqual(['key.created']);
    expect(bobs.every((e) => e.actor.userId === 'bob')).toBe(true);
    const alices = await wholeLog(alice, 50);
    expect(alices.some((e) => e.actor.userId !== 'alice')).toBe(false);
  });

  it('refuses a forged cursor and one replayed by another user with 400, never with rows', async () => {
    const page = await (await t.request('/api/user/audit-log?limit=1', { token: alice })).json();
    const cursor: string = page.nextCursor;
    expect(cursor).toEqual(expect.any(String));
    const [id, mac] = cursor.split('.') as [string, string];
    const older = `${id.slice(0, -1)}${id.endsWith('0') ? '1' : '0'}`;
    const flipped = `${mac.slice(0, -2)}${mac.endsWith('AA') ? 'AQ' : 'AA'}`;
    const forged = [
      `${older}.${mac}`,
      `${id}.${flipped}`,
      `${'f'.repeat(26)}.${mac}`,
      id,
      `${id}.${mac}.x`,
      'not-a-cursor',
      '',
      `${id}.${mac}`.repeat(20),
    ];
    for (const c of forged) {
      const res = await t.request(`/api/user/audit-log?cursor=${encodeURIComponent(c)}`, { token: alice });
      expect(res.status, c).toBe(400);
      const body = await res.json();
      expect(body.error.param).toBe('cursor');
      expect(body).not.toHaveProperty('data');
    }
    const bob = await t.jwt('bob');
    const replayed = await t.request(`/api/user/audit-log?cursor=${encodeURIComponent(cursor)}`, {
      token: bob,
    });
    expect(replayed.status).toBe(400);
    expect((await replayed.json()).error.code).toBe('invalid_cursor');
    // The owner's own cursor still works.
    expect(
      (await t.request(`/api/user/audit-log?cursor=${encodeURIComponent(cursor)}`, { token: alice })).status,
    ).toBe(200);
  });

  it('refuses an organisation log’s cursor replayed by another organisation’s admin, or on a user’s log, and the other way round', async () => {
    const admin = (user: string, org: string) => t.jwt(user, { claims: { org_id: org, org_role: 'admin' } });
    const ann = await admin('ann', 'org-a');
    const eve = await admin('eve', 'org-b');
    for (const name of ['x', 'y']) {
      const res = await t.request('/api/org/api-keys', {
        method: 'POST',
        token: ann,
        json: { provider: 'openai', apiKey: fakeKey('openai'), keyName: name },
      });
      expect(res.status).toBe(201);
    }
    await t.drain();
    const orgCursor: string = (await (await t.request('/api/org/audit-log?limit=1', { token: ann })).json())
      .nextCursor;
    const userCursor: string = (await (await t.request('/api/user/audit-log?limit=1', { token: ann })).json())
      .nextCursor;
    expect(orgCursor).toBeTruthy();
    expect(userCursor).toBeTruthy();
    const tries: [string, string, string][] = [
      ['/api/org/audit-log', orgCursor, eve], // another organisation
      ['/api/org/audit-log', userCursor, ann], // a user's log's cursor on the organisation's
      ['/api/user/audit-log', orgCursor, ann], // and the other way round
    ];
    for (const [path, cursor, token] of tries) {
      const res = await t.request(`${path}?cursor=${encodeURIComponent(cursor)}`, { token });
      expect(res.status, path).toBe(400);
      expect((await res.json()).error.code).toBe('invalid_cursor');
    }
    const own = await t.request(`/api/org/audit-log?cursor=${encodeURIComponent(orgCursor)}`, { token: ann });
    expect(own.status).toBe(200);
  });
});
