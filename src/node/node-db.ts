import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { Kysely, type Dialect as KyselyDialect, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../ops/logger.js';
import { guardDialect } from '../store/database-guard.js';
import type { Migration } from '../store/migrate.js';
import type { Database, Dialect } from '../store/schema.js';
import { cacheStatements } from '../store/statement-cache.js';

/** The Node side of storage: opens SQLite or PostgreSQL from DATABASE_URL and reads migration files. */
export interface OpenedDatabase {
  db: Kysely<Database>;
  dialect: Dialect;
}

function dialectOf(databaseUrl: string): Dialect {
  return databaseUrl.startsWith('file:') ? 'sqlite' : 'postgres';
}

function sqlitePath(databaseUrl: string): string {
  const path = databaseUrl.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
  return resolve(path);
}

/**
 * The database file, its WAL and shared memory readable by the owner only. SQLite gives the -wal
 * and -shm files the main file's mode, so creating that one 0600 covers the others; files left
 * by an earlier version (0644 from the umask) are narrowed.
 */
function ownerOnlyFiles(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
}

export interface OpenOptions {
  poolSize?: number;
  /** Where "database unavailable" (and "reachable again") is reported. */
  logger?: Logger;
  /** How long a PostgreSQL connection attempt may take before the database counts as unavailable. */
  connectTimeoutMs?: number;
}

/** Where the database is, for logs and start-up errors: host:port/db or the file, never credentials. */
export function databaseTarget(databaseUrl: string): string {
  if (dialectOf(databaseUrl) === 'sqlite') return sqlitePath(databaseUrl);
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname || 'localhost'}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return 'the PostgreSQL server';
  }
}

export function openDatabase(databaseUrl: string, opts: OpenOptions = {}): OpenedDatabase {
  const guard = (dialect: KyselyDialect) =>
    guardDialect(dialect, { target: databaseTarget(databaseUrl), logger: opts.logger });
  if (dialectOf(databaseUrl) === 'sqlite') {
    const path = sqlitePath(databaseUrl);
    ownerOnlyFiles(path);
    const sqlite = new SQLite(path);
    // A deleted key's ciphertext is overwritten with zeros rather than left in a free page, and a
    // checkpointed WAL is truncated rather than kept with old pages in it: a copy of the files
    // taken later holds no trace of keys deleted before.
    sqlite.pragma('secure_delete = ON');
    sqlite.pragma('journal_size_limit = 0');
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    // Kysely prepares every query it runs; the wrapper reuses the statement for the same SQL text.
    return {
      db: new Kysely<Database>({ dialect: guard(new SqliteDialect({ database: cacheStatements(sqlite) })) }),
      dialect: 'sqlite',
    };
  }
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: opts.poolSize ?? 10,
    // A database that stops answering must fail requests (503) rather than hold them for ever.
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
    query_timeout: 15_000,
    keepAlive: true,
  });
  // A client losing its connection must not crash the process, idle (the pool's 'error') or checked
  // out between two queries (the client's own 'error', which pg emits with no listener attached):
  // the query in flight fails on its own, the guard answers 503, and the next query reconnects.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return { db: new Kysely<Database>({ dialect: guard(new PostgresDialect({ pool })) }), dialect: 'postgres' };
}

const migrationsRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../db/migrations');

export function readMigrations(dialect: Dialect): Migration[] {
  const dir = join(migrationsRoot, dialect);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), 'utf8') }));
}
