import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Migration } from './migrate.js';
import type { Database, Dialect } from './schema.js';
import { cacheStatements } from './statement-cache.js';

/** The Node side of storage: opens SQLite or PostgreSQL from DATABASE_URL and reads migration files. */
export interface OpenedDatabase {
  db: Kysely<Database>;
  dialect: Dialect;
}

export function dialectOf(databaseUrl: string): Dialect {
  return databaseUrl.startsWith('file:') ? 'sqlite' : 'postgres';
}

export function sqlitePath(databaseUrl: string): string {
  const path = databaseUrl.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
  return resolve(path);
}

export function openDatabase(databaseUrl: string, opts: { poolSize?: number } = {}): OpenedDatabase {
  if (dialectOf(databaseUrl) === 'sqlite') {
    const path = sqlitePath(databaseUrl);
    mkdirSync(dirname(path), { recursive: true });
    const sqlite = new SQLite(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    // Kysely prepares every query it runs; the wrapper reuses the statement for the same SQL text.
    return {
      db: new Kysely<Database>({ dialect: new SqliteDialect({ database: cacheStatements(sqlite) }) }),
      dialect: 'sqlite',
    };
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, max: opts.poolSize ?? 10 });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres' };
}

const migrationsRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../db/migrations');

export function readMigrations(dialect: Dialect): Migration[] {
  const dir = join(migrationsRoot, dialect);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), 'utf8') }));
}
