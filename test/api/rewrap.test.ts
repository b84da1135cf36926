import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVault } from '../../src/vault/index.js';
import { rewrapAll } from '../../src/vault/rewrap.js';
import { TEST_ENCRYPTION_SECRET } from '../helpers/config.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { fakeKey } from '../helpers/keys.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const NEW_SECRET = 'a-brand-new-encryption-secret-0123456789-abcdef';

describe.each(DATABASE_KINDS)('rotating the encryption secret on %s', (kind) => {
  let t: TestApp;
  const stored: { id: string; apiKey: string }[] = [];

  beforeAll(async () => {
    t = await createTestApp(kind);
    const token = await t.jwt('rotator');
    for (const provider of ['openai', 'openrouter', 'google'] as const) {
      const apiKey = fakeKey(provider);
      const res = await t.request('/api/user/api-keys', {
        method: 'POST',
        token,
        json: { provider, apiKey },
      });
      stored.push({ id: (await res.json()).id, apiKey });
    }
  });
  afterAll(async () => t.close());

  it('moves every row to the new secret, keeping each key readable, and is a no-op the second time', async () => {
    const rotated = await createVault(NEW_SECRET, [TEST_ENCRYPTION_SECRET]);
    expect(await rewrapAll(t.deps.db, rotated)).toEqual({
      rewrapped: 3,
      alreadyCurrent: 0,
      unreadable: 0,
      unreadableIds: [],
      unknownKids: [],
      skipped: 0,
    });
    const rows = await t.deps.db.selectFrom('api_keys').selectAll().execute();
    for (const row of rows) {
      expect(rotated.kidOf(row.encrypted_key)).toBe(rotated.currentKid);
      const binding = { userId: row.user_id, keyId: row.id, provider: row.provider };
      expect(await rotated.open(row.encrypted_key, binding)).toBe(
        stored.find((s) => s.id === row.id)?.apiKey,
      );
    }
    const onlyNew = await createVault(NEW_SECRET);
    expect(await rewrapAll(t.deps.db, onlyNew)).toEqual({
      rewrapped: 0,
      alreadyCurrent: 3,
      unreadable: 0,
      unreadableIds: [],
      unknownKids: [],
      skipped: 0,
    });
  });

  it('reports rows it cannot read, by id and with the secret they need, without touching them', async () => {
    const unrelated = await createVault('an-unrelated-secret-that-opens-nothing-0123456');
    const before = await t.deps.db.selectFrom('api_keys').selectAll().orderBy('id').execute();
    const rotated = await createVault(NEW_SECRET);
    expect(await rewrapAll(t.deps.db, unrelated)).toEqual({
      rewrapped: 0,
      alreadyCurrent: 0,
      unreadable: 3,
      unreadableIds: stored.map((s) => s.id).sort(),
      unknownKids: [rotated.currentKid],
      skipped: 0,
    });
    expect(await t.deps.db.selectFrom('api_keys').selectAll().orderBy('id').execute()).toEqual(before);
  });

  it('resumes where a stopped run left off, in batches, reporting progress after each', async () => {
    const third = await createVault('a-third-secret-for-the-resume-test-0123456789', [NEW_SECRET]);
    const stop = new Error('stopped');
    const seen: number[] = [];
    await expect(
      rewrapAll(t.deps.db, third, {
        batchSize: 2,
        onBatch: (p) => {
          seen.push(p.done);
          expect(p.total).toBe(3);
          throw stop;
        },
      }),
    ).rejects.toBe(stop);
    expect(seen).toEqual([2]);
    const progress: string[] = [];
    const rest = await rewrapAll(t.deps.db, third, {
      batchSize: 2,
      onBatch: (p) => progress.push(`${p.batch}:${p.done}/${p.total}`),
    });
    expect(rest).toMatchObject({ rewrapped: 1, alreadyCurrent: 2, unreadable: 0, skipped: 0 });
    expect(progress).toEqual(['1:1/1']);
  });
});

describe.each(DATABASE_KINDS)('a rewrap run in the audit log on %s', (kind) => {
  let t: TestApp;
  afterAll(async () => t.close());

  it('records key.rewrapped for each key it moved, by the operator, in its owner’s log, with no secret', async () => {
    t = await createTestApp(kind);
    const user = await t.jwt('rewrapped-user');
    const admin = await t.jwt('rewrapped-admin', { claims: { org_id: 'rewrap-org', org_role: 'admin' } });
    const secrets = [fakeKey('openai'), fakeKey('anthropic')];
    const own = await t.request('/api/user/api-keys', {
      method: 'POST',
      token: user,
      json: { provider: 'openai', apiKey: secrets[0] },
    });
    const shared = await t.request('/api/org/api-keys', {
      method: 'POST',
      token: admin,
      json: { provider: 'anthropic', apiKey: secrets[1] },
    });
    const ids = [(await own.json()).id, (await shared.json()).id];
    const rotated = await createVault(NEW_SECRET, [TEST_ENCRYPTION_SECRET]);
    const oldKid = (await createVault(TEST_ENCRYPTION_SECRET)).currentKid;
    expect((await rewrapAll(t.deps.db, rotated)).rewrapped).toBe(2);
    await rewrapAll(t.deps.db, rotated); // nothing left to move: no second row
    await t.drain();

    const rewrapped = async (path: string, token: string) => {
      const body = await (await t.request(path, { token })).json();
      return body.data.filter((e: { action: string }) => e.action === 'key.rewrapped');
    };
    const [mine] = await rewrapped('/api/user/audit-log', user);
    const [ours] = await rewrapped('/api/org/audit-log', admin);
    expect(mine).toMatchObject({
      actor: { userId: null, via: 'operator', tokenId: null },
      orgId: null,
      target: { type: 'api_key', id: ids[0] },
      details: { fromKid: oldKid, toKid: rotated.currentKid },
      ip: null,
    });
    expect(ours).toMatchObject({ orgId: 'rewrap-org', target: { id: ids[1] }, actor: { via: 'operator' } });
    expect(await rewrapped('/api/user/audit-log', admin)).toEqual([]);
    const rows = await t.deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'key.rewrapped')
      .execute();
    expect(rows).toHaveLength(2);
    const keyRows = await t.deps.db.selectFrom('api_keys').select('encrypted_key').execute();
    for (const s of [...secrets, ...keyRows.map((r) => r.encrypted_key)])
      expect(JSON.stringify(rows)).not.toContain(s);
  });
});
