import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';

/**
 * Kysely over a Cloudflare D1 binding. D1 speaks SQLite, so Kysely's SQLite adapter and compiler
 * serve; only the driver is D1's: each query is one prepared statement run with `all()`.
 * D1 has no interactive transactions (only `batch`), so beginning one fails loudly; the gateway
 * opens transactions on PostgreSQL only (capped inserts) and migrates D1 with wrangler.
 */

/** The part of D1's binding this driver uses (the full type is in @cloudflare/workers-types). */
export interface D1Database {
  prepare(query: string): D1PreparedStatement;
}

interface D1PreparedStatement {
  bind(...values: unknown[]): D1PreparedStatement;
  all<T = Record<string, unknown>>(): Promise<{
    results?: T[];
    meta: { changes?: number; last_row_id?: number | null };
  }>;
}

class D1Connection implements DatabaseConnection {
  constructor(private readonly d1: D1Database) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const { results, meta } = await this.d1
      .prepare(query.sql)
      .bind(...query.parameters)
      .all<R>();
    const changes = meta.changes ?? 0;
    return {
      rows: results ?? [],
      numAffectedRows: changes > 0 ? BigInt(changes) : undefined,
      insertId: meta.last_row_id == null ? undefined : BigInt(meta.last_row_id),
    };
  }

  // biome-ignore lint/correctness/useYield: D1 cannot stream results; the generator only refuses.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('D1 cannot stream query results.');
  }
}

const noTransactions = async () => {
  throw new Error('D1 has no interactive transactions.');
};

class D1Driver implements Driver {
  constructor(private readonly d1: D1Database) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new D1Connection(this.d1);
  }
  beginTransaction = noTransactions;
  commitTransaction = noTransactions;
  rollbackTransaction = noTransactions;
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

export class D1Dialect implements Dialect {
  constructor(private readonly d1: D1Database) {}
  createAdapter() {
    return new SqliteAdapter();
  }
  createDriver(): Driver {
    return new D1Driver(this.d1);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
