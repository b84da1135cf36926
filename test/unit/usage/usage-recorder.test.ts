import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, readMigrations } from '../../../src/node/node-db.js';
import { createLogger } from '../../../src/ops/logger.js';
import { migrate } from '../../../src/store/migrate.js';
import type { Database } from '../../../src/store/schema.js';
import { createUsageRecorder, type UsageEvent } from '../../../src/usage/usage-recorder.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from '../../helpers/databases.js';

const event = (id: string): UsageEvent => ({
  id,
  requestId: `req_${id}`,
  userId: 'u1',
  keyId: 'k1',
  keySource: 'user',
  provider: 'openai',
  model: 'openai/gpt-4o-mini',
  upstreamModel: 'gpt-4o-mini',
  promptTokens: 10,
  completionTokens: 5,
  cachedTokens: 0,
  reasoningTokens: 0,
  costUsd: 0.001,
  costSource: 'priced',
  estimated: false,
  status: 200,
  latencyMs: 12.4,
  ttftMs: 3.6,
  createdAt: '2026-12-01T00:00:00.000Z',
  orgId: null,
});
const settlement = { scope: 'key:k1', month: '2026-12', spentUsd: 0.001, releasedUsd: 0 };

// D1 takes no interactive transactions (each INSERT commits alone); Node's SQLite and PostgreSQL do.
const CASES: [DatabaseKind, boolean][] = [
  ['sqlite', false],
  ['sqlite', true],
  ['postgres', false],
  ['postgres', true],
];

describe.each(CASES)('the usage recorder on %s (batch in one transaction: %s)', (kind, transactions) => {
  let database: TestDatabase;
  let db: Kysely<Database>;
  const logs: string[] = [];

  beforeEach(async () => {
    database = await createTestDatabase(kind);
    ({ db } = openDatabase(database.url));
    await migrate(db, kind, readMigrations(kind));
    logs.length = 0;
  });
  afterEach(async () => {
    await db.destroy();
    await database.drop();
  });

  const count = async () =>
    Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM usage_events`.execute(db)).rows[0]?.n);
  const spent = async () =>
    (
      await db
        .selectFrom('spend_counters')
        .select('spent_usd')
        .where('scope', '=', 'key:k1')
        .executeTakeFirst()
    )?.spent_usd;

  it('writes nothing on the request’s path and everything on flush, settlements summed per scope', async () => {
    const recorder = createUsageRecorder({
      dialect: kind,
      db,
      transactions,
      logger: createLogger('debug', (l) => logs.push(l)),
      intervalMs: 60_000,
    });
    for (let i = 0; i < 12; i++) recorder.record(event(`e${i}`), settlement);
    expect(await count()).toBe(0);
    await recorder.flush();
    expect(await count()).toBe(12);
    expect(await spent()).toBeCloseTo(0.012, 12);
  });

  it('writes a full batch without waiting for flush', async () => {
    const recorder = createUsageRecorder({
      dialect: kind,
      db,
      transactions,
      logger: createLogger('debug', () => {}),
      batchSize: 3,
      intervalMs: 60_000,
    });
    for (let i = 0; i < 3; i++) recorder.record(event(`b${i}`), settlement);
    await expect.poll(count).toBe(3);
  });

  it('keeps rows the database refused and writes them on the next flush', async () => {
    const recorder = createUsageRecorder({
      dialect: kind,
      db,
      transactions,
      logger: createLogger('debug', (l) => logs.push(l)),
      intervalMs: 60_000,
    });
    await sql`ALTER TABLE usage_events RENAME TO usage_events_away`.execute(db);
    recorder.record(event('kept'), settlement);
    await recorder.flush();
    expect(logs.some((l) => l.includes('could not record usage'))).toBe(true);
    await sql`ALTER TABLE usage_events_away RENAME TO usage_events`.execute(db);
    await recorder.flush();
    expect(await count()).toBe(1);
    expect(await spent()).toBeCloseTo(0.001, 12);
  });

  it('keeps a whole batch the database refused (all its INSERTs) and writes it on the next flush', async () => {
    const recorder = createUsageRecorder({
      dialect: kind,
      db,
      transactions,
      logger: createLogger('debug', (l) => logs.push(l)),
      intervalMs: 60_000,
    });
    await sql`ALTER TABLE usage_events RENAME TO usage_events_away`.execute(db);
    for (let i = 0; i < 12; i++) recorder.record(event(`w${i}`), settlement);
    await recorder.flush();
    expect(logs.some((l) => l.includes('could not record usage'))).toBe(true);
    await sql`ALTER TABLE usage_events_away RENAME TO usage_events`.execute(db);
    await recorder.flush();
    expect(await count()).toBe(12);
    expect(await spent()).toBeCloseTo(0.012, 12);
  });
});
