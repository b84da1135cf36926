import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database, Dialect } from './schema.js';

export interface CappedInsert {
  table: 'api_keys' | 'access_tokens';
  /** Column → value of the new row. */
  row: Record<string, string | number | null>;
  userId: string;
  cap: number;
  /** Which of the user's rows count towards the cap (e.g. only tokens not revoked). */
  counted?: RawBuilder<unknown>;
}

/** Distinct advisory-lock namespaces, so a user's key and token inserts do not wait for each other. */
const LOCK_CLASS: Record<CappedInsert['table'], number> = { api_keys: 10_001, access_tokens: 10_002 };

/**
 * Inserts a row only while the user holds fewer than `cap` counted rows; false when full.
 * One `INSERT … SELECT … WHERE (count) < cap` statement: atomic on SQLite and D1 (one writer at a
 * time). PostgreSQL runs statements concurrently under READ COMMITTED, where two such inserts can
 * both see 49, so there it runs inside a transaction holding a per-user advisory lock.
 */
export async function insertCapped(
  db: Kysely<Database>,
  dialect: Dialect,
  ins: CappedInsert,
): Promise<boolean> {
  const columns = Object.keys(ins.row);
  const statement = sql`INSERT INTO ${sql.table(ins.table)} (${sql.join(columns.map((c) => sql.ref(c)))})
    SELECT ${sql.join(columns.map((c) => sql`${ins.row[c]}`))}
    WHERE (SELECT count(*) FROM ${sql.table(ins.table)} WHERE user_id = ${ins.userId}${ins.counted ? sql` AND ${ins.counted}` : sql``}) < ${ins.cap}`;
  const run = async (conn: Kysely<Database>) =>
    Number((await statement.execute(conn)).numAffectedRows ?? 0) > 0;
  if (dialect !== 'postgres') return run(db);
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${LOCK_CLASS[ins.table]}, hashtext(${ins.userId}))`.execute(trx);
    return run(trx);
  });
}
