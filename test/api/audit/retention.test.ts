import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneExpired } from '../../../src/audit/retention.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

/**
 * Retention on both databases: usage rows past USAGE_RETENTION_DAYS and audit rows (with their
 * marks) past AUDIT_RETENTION_DAYS go, in batches; younger rows stay; 0 keeps rows forever.
 */
const DAY = 86_400_000;
const NOW = new Date('2026-12-04T12:00:00.000Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * DAY).toISOString();

describe.each(DATABASE_KINDS)('retention on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(
      kind,
      { USAGE_RETENTION_DAYS: '30', AUDIT_RETENTION_DAYS: '90' },
      {},
      { clock: () => NOW },
    );
  });
  afterAll(async () => t.close());

  async function seed(ages: number[]): Promise<void> {
    for (const [i, age] of ages.entries()) {
      const at = daysAgo(age);
      const id = `${kind}-${age}-${i}-${crypto.randomUUID()}`;
      await t.deps.db
        .insertInto('usage_events')
        .values({
          id,
          request_id: 'req_x',
          user_id: 'alice',
          key_id: null,
          key_source: 'system',
          provider: 'openrouter',
          model: 'm',
          upstream_model: 'm',
          prompt_tokens: 1,
          completion_tokens: 1,
          cached_tokens: 0,
          reasoning_tokens: 0,
          cost_usd: null,
          cost_source: 'unpriced',
          estimated: 0,
          status: 200,
          latency_ms: 1,
          ttft_ms: null,
          created_at: at,
        })
        .execute();
      await t.deps.db
        .insertInto('audit_events')
        .values({
          id: crypto.randomUUID().replaceAll('-', '').slice(0, 26),
          user_id: 'alice',
          org_id: null,
          actor: 'jwt',
          actor_token_id: null,
          action: 'key.created',
          target_type: 'api_key',
          target_id: 'k',
          target_preview: 'sk-…abcd',
          details: null,
          request_id: null,
          ip: null,
          user_agent: null,
          created_at: at,
        })
        .execute();
      await t.deps.db.insertInto('audit_marks').values({ mark: id, created_at: at }).execute();
    }
  }

  const count = async (table: 'usage_events' | 'audit_events' | 'audit_marks') =>
    Number(
      (
        await t.deps.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('deletes what is past its days, in small batches, and keeps the rest', async () => {
    // 7 usage rows older than 30 days, 4 audit rows (and marks) older than 90.
    await seed([1, 10, 29, 31, 45, 60, 89, 91, 120, 400, 1000]);
    const report = await pruneExpired(t.deps.db, NOW, {
      usageDays: 30,
      auditDays: 90,
      batchSize: 2,
      pauseMs: 0,
    });
    expect(report).toEqual({ usageRows: 8, auditRows: 4, marks: 4 });
    expect(await count('usage_events')).toBe(3);
    expect(await count('audit_events')).toBe(7);
    expect(await count('audit_marks')).toBe(7);
    // Nothing left to do: a second run deletes nothing.
    expect(await pruneExpired(t.deps.db, NOW, { usageDays: 30, auditDays: 90, pauseMs: 0 })).toEqual({
      usageRows: 0,
      auditRows: 0,
      marks: 0,
    });
  });

  it('stops after maxBatches (the next run carries on) and keeps everything when the days are 0', async () => {
    await seed([500, 501, 502, 503, 504]);
    expect(await pruneExpired(t.deps.db, NOW, { usageDays: 0, auditDays: 0, pauseMs: 0 })).toEqual({
      usageRows: 0,
      auditRows: 0,
      marks: 0,
    });
    const first = await pruneExpired(t.deps.db, NOW, {
      usageDays: 30,
      auditDays: 90,
      batchSize: 2,
      maxBatches: 1,
      pauseMs: 0,
    });
    expect(first).toEqual({ usageRows: 2, auditRows: 0, marks: 0 });
    const rest = await pruneExpired(t.deps.db, NOW, { usageDays: 30, auditDays: 90, pauseMs: 0 });
    expect(rest).toEqual({ usageRows: 3, auditRows: 5, marks: 5 });
  });

  it('is what the app runs, with USAGE_RETENTION_DAYS and AUDIT_RETENTION_DAYS', async () => {
    await seed([31, 91]);
    expect(await t.prune()).toEqual({ usageRows: 2, auditRows: 1, marks: 1 });
  });
});
