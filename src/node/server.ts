import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from '../app.js';
import { startRetentionTimer } from '../audit/retention.js';
import type { Config } from '../config.js';
import type { Deps } from '../deps.js';
import { GatewayError } from '../errors.js';
import { createLifecycle } from '../ops/lifecycle.js';
import { createLogger, type Logger } from '../ops/logger.js';
import type { UnavailableCause } from '../store/database-guard.js';
import { migrate } from '../store/migrate.js';
import { createVault } from '../vault/index.js';
import { createNodeAead } from './node-aead.js';
import { databaseTarget, openDatabase, readMigrations } from './node-db.js';
import { readPriceFile } from './price-file.js';
import { createRedisRateLimiter } from './redis-rate-limiter.js';
import { createUndiciUpstream } from './undici-upstream.js';

export interface RunningGateway {
  url: string;
  /** Where `/metrics` is served when METRICS_PORT is set. */
  metricsUrl?: string;
  deps: Deps;
  /**
   * Graceful stop: /readyz turns 503 and the listeners close; requests in flight finish, streams
   * for up to SHUTDOWN_GRACE_MS (then they end with an error event); deferred writes are flushed
   * and the database closed.
   */
  close(): Promise<void>;
}

/** How long streams cut at the end of the grace period get to send their error event. */
const CUT_STREAMS_WRITE_MS = 1_000;

export interface StartOptions {
  logger?: Logger;
}

type Server = ReturnType<typeof serve>;

/**
 * A client gets `requestTimeoutMs` to send its whole request (headers and body), then a 408 and a
 * closed connection: a slow-loris client cannot hold connections open by trickling bytes. Node
 * checks every `connectionsCheckingInterval`, so that interval follows the limit. The answer is not
 * bounded by it (streams last as long as the upstream sends).
 */
function listen(
  fetch: (req: Request) => Response | Promise<Response>,
  hostname: string,
  port: number,
  requestTimeoutMs: number,
): Promise<Server> {
  const serverOptions = {
    requestTimeout: requestTimeoutMs,
    headersTimeout: requestTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(requestTimeoutMs / 4))),
  };
  return new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch, hostname, port, serverOptions }, () => resolve(s));
    s.once('error', reject);
  });
}

function urlOf(server: Server): string {
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/**
 * A start-up failure of the database, named by its variable: `DATABASE_URL: cannot connect to
 * 127.0.0.1:1 (ECONNREFUSED)`. Never the URL itself, which may hold a password.
 */
function startupDatabaseProblem(err: unknown, databaseUrl: string): string {
  if (err instanceof GatewayError && err.code === 'database_unavailable') {
    const cause = err.cause as UnavailableCause | undefined;
    return `DATABASE_URL: cannot connect to ${cause?.target ?? databaseTarget(databaseUrl)} (${cause?.code ?? 'unavailable'})`;
  }
  const { code } = (err ?? {}) as { code?: unknown };
  const why = typeof code === 'string' ? code : err instanceof Error ? err.name : 'unknown error';
  return `DATABASE_URL: cannot use the database at ${databaseTarget(databaseUrl)} (${why})`;
}

function openDatabaseOrExplain(databaseUrl: string, logger: Logger) {
  try {
    return openDatabase(databaseUrl, { logger });
  } catch (err) {
    throw new Error(startupDatabaseProblem(err, databaseUrl));
  }
}

/** Builds the Node dependencies, migrates, and serves the core app; used by node.ts, tests and bench. */
export async function startGateway(config: Config, opts: StartOptions = {}): Promise<RunningGateway> {
  const logger = opts.logger ?? createLogger(config.logLevel, (line) => process.stdout.write(`${line}\n`));
  const priceOverrides = readPriceFile(config.pricesFile);
  const { db, dialect } = openDatabaseOrExplain(config.databaseUrl, logger);
  const applied = await migrate(db, dialect, readMigrations(dialect)).catch(async (err: unknown) => {
    await db.destroy().catch(() => {});
    throw new Error(startupDatabaseProblem(err, config.databaseUrl));
  });
  if (applied.length > 0) logger.info('migrations applied', { count: applied.length, last: applied.at(-1) });
  const vault = await createVault(
    config.encryptionSecret,
    config.previousEncryptionSecrets,
    createNodeAead(),
  );
  const upstream = createUndiciUpstream();
  const lifecycle = createLifecycle();
  const deps: Deps = {
    config,
    db,
    dialect,
    vault,
    logger,
    clock: () => new Date(),
    upstream,
    priceOverrides,
    lifecycle,
    // @hono/node-server hands each request's IncomingMessage over as the env.
    remoteAddress: (env) =>
      (env as { incoming?: { socket?: { remoteAddress?: string } } }).incoming?.socket?.remoteAddress,
  };
  const limiter =
    config.redisUrl && config.rateLimitRpm > 0
      ? createRedisRateLimiter(config.redisUrl, config.rateLimitRpm, logger)
      : undefined;
  const managementLimiter =
    config.redisUrl && config.managementRateLimitRpm > 0
      ? createRedisRateLimiter(config.redisUrl, config.managementRateLimitRpm, logger, 'byok:rl:api:')
      : undefined;
  const gateway = createApp(deps, { limiter, managementLimiter, transactions: true });
  const retention = startRetentionTimer(gateway.prune, logger);

  const server = await listen(gateway.app.fetch, config.host, config.port, config.requestTimeoutMs);
  const metricsServer =
    gateway.metricsApp && config.metricsPort !== undefined
      ? await listen(gateway.metricsApp.fetch, config.host, config.metricsPort, config.requestTimeoutMs)
      : undefined;

  let closing: Promise<void> | undefined;
  return {
    url: urlOf(server),
    metricsUrl: metricsServer && urlOf(metricsServer),
    deps,
    close() {
      closing ??= (async () => {
        lifecycle.beginStopping();
        const servers = [server, metricsServer].filter((s) => s !== undefined);
        const closed = Promise.all(
          servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
        );
        let dropAll: ReturnType<typeof setTimeout> | undefined;
        const graceOver = setTimeout(() => {
          logger.warn('shutdown grace period over: ending open streams', { graceMs: config.shutdownGraceMs });
          lifecycle.cutStreams();
          dropAll = setTimeout(() => {
            for (const s of servers) (s as { closeAllConnections?: () => void }).closeAllConnections?.();
          }, CUT_STREAMS_WRITE_MS);
        }, config.shutdownGraceMs);
        await closed;
        clearTimeout(graceOver);
        clearTimeout(dropAll);
        await retention.stop();
        await gateway.drain();
        await upstream.close?.();
        await limiter?.close();
        await managementLimiter?.close();
        await db.destroy();
      })();
      return closing;
    },
  };
}
