import { type Kysely, sql } from 'kysely';
import type { Database, Dialect } from './schema.js';

export interface Migration {
  name: string;
  sql: string;
}

/** Any fixed 64-bit number: the advisory lock that keeps two starting instances from racing. */
const PG_MIGRATION_LOCK = 7_361_004_215;

/** Statements end with `;` at the end of a line; comment-only pieces are dropped. */
export function splitStatements(text: string): string[] {
  return text
    .split(/;[ \t]*(?:\r?\n|$)/)
    .map((s) =>
      s
        .split('\n')
        .filter((line) => !line.trim().startsWith('--'))
        .join('\n')
        .trim(),
    )
    .filter((s) => s.length > 0);
}

/**
 * Applies, in name order, the migrations not yet recorded in schema_migrations. PostgreSQL: a
 * session advisory lock serialises concurrent start-ups, each migration in its own transaction.
 * SQLite: one BEGIN IMMEDIATE transaction takes the write lock before reading what ran, so a
 * second process waits (busy_timeout) and then finds everything applied.
 * Returns the names applied by this call.
 */
export async function migrate(
  db: Kysely<Database>,
  dialect: Dialect,
  migrations: Migration[],
): Promise<string[]> {
  const ordered = [...migrations].sort((a, b) => a.name.localeCompare(b.name));
  return db.connection().execute(async (conn) => {
    const pending = async () => {
      await sql`CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`.execute(
        conn,
      );
      const done = new Set(
        (await conn.selectFrom('schema_migrations').select('name').execute()).map((r) => r.name),
      );
      return ordered.filter((m) => !done.has(m.name));
    };
    const apply = async (trx: Kysely<Database>, migration: Migration) => {
      for (const statement of splitStatements(migration.sql)) await sql.raw(statement).execute(trx);
      await trx
        .insertInto('schema_migrations')
        .values({ name: migration.name, applied_at: new Date().toISOString() })
        .execute();
    };

    if (dialect === 'sqlite') {
      await sql`BEGIN IMMEDIATE`.execute(conn);
      try {
        const todo = await pending();
        for (const migration of todo) await apply(conn, migration);
        await sql`COMMIT`.execute(conn);
        return todo.map((m) => m.name);
      } catch (err) {
        await sql`ROLLBACK`.execute(conn);
        throw err;
      }
    }

    await sql`SELECT pg_advisory_lock(${PG_MIGRATION_LOCK})`.execute(conn);
    try {
      const todo = await pending();
      for (const migration of todo) await conn.transaction().execute((trx) => apply(trx, migration));
      return todo.map((m) => m.name);
    } finally {
      await sql`SELECT pg_advisory_unlock(${PG_MIGRATION_LOCK})`.execute(conn);
    }
  });
}
