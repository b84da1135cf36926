import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  QueryResult,
  TransactionSettings,
} from 'kysely';
import { databaseUnavailable } from '../errors.js';
import type { Logger } from '../ops/logger.js';

/**
 * Turns "the database does not answer" into 503 `database_unavailable` (with Retry-After) on every
 * route, and tells the operator why — the cause (`ECONNREFUSED`, a timeout, …) and where
 * (`host:port`, never the URL, which may hold a password). Errors that say nothing about
 * reachability (a constraint, a bad query) pass through unchanged. The log line is written when
 * the database goes away, at most every 10 s while it stays away, and once when it is back.
 */

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** pg: SQLSTATE class 08 (connection exception), shutdowns, "cannot connect now", too many connections. */
const PG_UNAVAILABLE = /^(08...|57P0[123]|53300)$/;
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY)/;
const UNAVAILABLE_MESSAGES: [RegExp, string][] = [
  [/timeout exceeded when trying to connect/i, 'connect timeout'],
  [/query read timeout/i, 'query timeout'],
  [/connection terminated/i, 'connection terminated'],
  [/not queryable|connection error/i, 'connection lost'],
];

/** Why the database could not be used, if that is what `err` says; undefined for any other error. */
export function unavailableCause(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || PG_UNAVAILABLE.test(code) || SQLITE_UNAVAILABLE.test(code)) return code;
  }
  if (typeof message === 'string') {
    for (const [pattern, cause] of UNAVAILABLE_MESSAGES) if (pattern.test(message)) return cause;
  }
  return undefined;
}

export interface UnavailableCause {
  code: string;
  target: string;
}

/** Where a network error says it tried to connect, when it says so. */
function peerOf(err: unknown): string | undefined {
  const { address, port } = (err ?? {}) as { address?: unknown; port?: unknown };
  return typeof address === 'string' ? `${address}${typeof port === 'number' ? `:${port}` : ''}` : undefined;
}

export interface GuardOptions {
  /** What to call the database in the log: `host:port/db` or a file path, never credentials. */
  target: string;
  logger?: Logger;
  clock?: () => number;
}

const LOG_EVERY_MS = 10_000;

export function guardDialect(dialect: Dialect, opts: GuardOptions): Dialect {
  const clock = opts.clock ?? Date.now;
  let down = false;
  let loggedAt = 0;

  const fail = (err: unknown): never => {
    const cause = unavailableCause(err);
    if (cause === undefined) throw err;
    const now = clock();
    if (!down || now - loggedAt >= LOG_EVERY_MS) {
      opts.logger?.error('database unavailable', { cause, target: peerOf(err) ?? opts.target });
      loggedAt = now;
    }
    down = true;
    const unavailable = databaseUnavailable();
    // For the start-up message (never rendered into a response): what failed, and where.
    unavailable.cause = { code: cause, target: peerOf(err) ?? opts.target } satisfies UnavailableCause;
    throw unavailable;
  };
  const ok = <T>(value: T): T => {
    if (down) {
      down = false;
      opts.logger?.info('database reachable again', { target: opts.target });
    }
    return value;
  };

  const guardConnection = (conn: DatabaseConnection): DatabaseConnection => ({
    executeQuery: <R>(query: CompiledQuery): Promise<QueryResult<R>> =>
      conn.executeQuery<R>(query).then(ok, fail),
    streamQuery: <R>(query: CompiledQuery, chunkSize?: number) => conn.streamQuery<R>(query, chunkSize),
  });

  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver(): Driver {
      const driver = dialect.createDriver();
      // Kysely hands the driver back the connection it acquired: unwrap before delegating.
      const inner = new WeakMap<DatabaseConnection, DatabaseConnection>();
      const unwrap = (conn: DatabaseConnection) => inner.get(conn) ?? conn;
      return {
        init: () => driver.init().catch(fail),
        acquireConnection: async () => {
          const conn = await driver.acquireConnection().then(ok, fail);
          const guarded = guardConnection(conn);
          inner.set(guarded, conn);
          return guarded;
        },
        beginTransaction: (conn: DatabaseConnection, settings: TransactionSettings) =>
          driver.beginTransaction(unwrap(conn), settings).catch(fail),
        commitTransaction: (conn: DatabaseConnection) => driver.commitTransaction(unwrap(conn)).catch(fail),
        rollbackTransaction: (conn: DatabaseConnection) => driver.rollbackTransaction(unwrap(conn)),
        releaseConnection: (conn: DatabaseConnection) => driver.releaseConnection(unwrap(conn)),
        destroy: () => driver.destroy(),
      };
    },
  };
}
