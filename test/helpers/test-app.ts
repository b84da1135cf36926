import { SignJWT } from 'jose';
import { type AppOptions, createApp, type GatewayApp } from '../../src/app.js';
import type { Env, LogLevel } from '../../src/config.js';
import type { Deps } from '../../src/deps.js';
import { createNodeAead } from '../../src/node/node-aead.js';
import { openDatabase, readMigrations } from '../../src/node/node-db.js';
import { createUndiciUpstream } from '../../src/node/undici-upstream.js';
import { createLogger } from '../../src/ops/logger.js';
import { migrate } from '../../src/store/migrate.js';
import { createVault } from '../../src/vault/index.js';
import { TEST_JWT_SECRET, testConfig } from './config.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.js';

/** A throwaway app on real dependencies, driven with app.request(); logs are captured. */
export interface TestApp {
  deps: Deps;
  database: TestDatabase;
  logs: string[];
  /** Every endpoint the app serves (method and path pattern), read from the app itself. */
  routes: { method: string; path: string }[];
  /** The app's metrics, as /metrics renders them. */
  metricsText(): string;
  request(path: string, init?: RequestInit & { json?: unknown; token?: string }): Promise<Response>;
  jwt(
    userId: string,
    opts?: { expiresIn?: string; secret?: string; claims?: Record<string, unknown> },
  ): Promise<string>;
  /** Writes what the app deferred (usage rows, lastUsedAt): GatewayApp.drain(). */
  drain(): Promise<void>;
  /** One retention run: GatewayApp.prune(). */
  prune: GatewayApp['prune'];
  close(): Promise<void>;
}

export async function signTestJwt(
  userId: string,
  opts: { expiresIn?: string; secret?: string; claims?: Record<string, unknown> } = {},
): Promise<string> {
  return new SignJWT(opts.claims ?? {})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '10m')
    .sign(new TextEncoder().encode(opts.secret ?? TEST_JWT_SECRET));
}

export async function createTestApp(
  kind: DatabaseKind,
  env: Env = {},
  appOptions: AppOptions = {},
  testOptions: { clock?: () => Date; logLevel?: LogLevel } = {},
): Promise<TestApp> {
  const database = await createTestDatabase(kind);
  const config = testConfig({ DATABASE_URL: database.url, ...env });
  const logs: string[] = [];
  const logger = createLogger(testOptions.logLevel ?? 'debug', (line) => logs.push(line));
  const { db, dialect } = openDatabase(config.databaseUrl, { poolSize: 4, logger });
  await migrate(db, dialect, readMigrations(dialect));
  const deps: Deps = {
    config,
    db,
    dialect,
    vault: await createVault(config.encryptionSecret, config.previousEncryptionSecrets, createNodeAead()),
    logger,
    clock: testOptions.clock ?? (() => new Date()),
    upstream: createUndiciUpstream(),
  };
  // As the Node entry builds it: both databases here take interactive transactions.
  const gateway = createApp(deps, { transactions: true, ...appOptions });

  return {
    deps,
    database,
    logs,
    // Endpoints only: middleware takes (c, next), handlers take (c); `ALL` entries are the
    // method-not-allowed catch-alls.
    routes: gateway.app.routes
      .filter((r) => r.method !== 'ALL' && r.handler.length < 2)
      .map((r) => ({ method: r.method, path: r.path })),
    metricsText: () => gateway.metrics.render(),
    async request(path, init = {}) {
      const { json, token, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token) headers.set('authorization', `Bearer ${token}`);
      let body = rest.body;
      if (json !== undefined) {
        headers.set('content-type', 'application/json');
        body = JSON.stringify(json);
      }
      return gateway.app.request(`http://gateway.test${path}`, { ...rest, headers, body });
    },
    jwt: signTestJwt,
    drain: () => gateway.drain(),
    prune: () => gateway.prune(),
    async close() {
      await gateway.drain();
      await deps.upstream.close?.();
      await db.destroy();
      await database.drop();
    },
  };
}
