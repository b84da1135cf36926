import type { SqliteDatabase, SqliteStatement } from 'kysely';

const DEFAULT_STATEMENT_CACHE_SIZE = 500;

/** What the cache needs from better-sqlite3's Statement: Kysely's subset plus `busy`. */
export interface CacheableStatement extends SqliteStatement {
  readonly busy: boolean;
}

export interface CacheableDatabase {
  prepare(sql: string): CacheableStatement;
  close(): unknown;
}

export interface StatementCachingDatabase extends SqliteDatabase {
  prepare(sql: string): CacheableStatement;
  /** How many statements are cached now. */
  readonly size: number;
}

/**
 * A prepared-statement cache for Kysely's SqliteDialect. Kysely's SqliteDriver calls
 * `db.prepare(sql)` for every query it runs, so SQLite parses and plans the same handful of
 * statements on every request. This wrapper hands the dialect a Database whose `prepare` returns
 * the Statement already prepared for the same SQL text (least recently used evicted past
 * `maxEntries`); `close()` empties the cache and closes the real database.
 *
 * Why reusing a Statement is safe here:
 * - Kysely only calls `prepare`, then `reader`, then exactly one of `all` / `run` / `iterate`
 *   (node_modules/kysely/dist/esm/dialect/sqlite/sqlite-driver.js). It never switches a statement
 *   into `raw`/`pluck`/`expand`/`safeIntegers` mode, so a reused statement behaves as a new one.
 * - better-sqlite3 is synchronous: `all` and `run` bind the parameters, run the statement to the
 *   end and reset it within one call, before any other JavaScript can run. Kysely keeps the rows
 *   it got back, not the statement, across its awaits; two queries can never share a statement
 *   mid-run.
 * - `iterate` (Kysely's `.stream()`) is the one use that leaves a statement open across awaits:
 *   better-sqlite3 marks it `busy` until the iterator finishes, and a busy statement throws if
 *   run again. Kysely already holds its single SQLite connection for the whole stream, so no other
 *   Kysely query runs meanwhile; and besides, `prepare` never hands out a busy statement: it
 *   prepares a fresh one for that SQL and caches it instead (the iterator keeps the old one).
 * - Schema changes (migrations) need nothing: SQLite re-prepares a stale statement itself
 *   (sqlite3_prepare_v2), and SQL that fails to prepare throws before anything is cached.
 */
export function cacheStatements(
  db: CacheableDatabase,
  maxEntries: number = DEFAULT_STATEMENT_CACHE_SIZE,
): StatementCachingDatabase {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('maxEntries must be at least 1');
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used first.
  const cache = new Map<string, CacheableStatement>();
  return {
    prepare(sql: string): CacheableStatement {
      const hit = cache.get(sql);
      if (hit !== undefined) {
        cache.delete(sql);
        if (!hit.busy) {
          cache.set(sql, hit);
          return hit;
        }
      }
      const stmt = db.prepare(sql);
      cache.set(sql, stmt);
      if (cache.size > maxEntries) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      return stmt;
    },
    close(): void {
      cache.clear();
      db.close();
    },
    get size() {
      return cache.size;
    },
  };
}
