import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from '../app.js';
import type { Config } from '../config.js';
import type { Deps } from '../deps.js';
import { createLogger, type Logger } from '../ops/logger.js';
import { migrate } from '../store/migrate.js';
import { openDatabase, readMigrations } from '../store/node-db.js';
import { createVault } from '../vault/index.js';
import { createNodeAead } from './node-aead.js';
import { readPriceFile } from './price-file.js';
import { createRedisRateLimiter } from './redis-rate-limiter.js';
import { createUndiciUpstream } from './undici-upstream.js';

export interface RunningGateway {
  url: string;
  /** Where `/metrics` is served when METRICS_PORT is set. */
  metricsUrl?: string;
  deps: Deps;
  close(): Promise<void>;
}

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

/** Builds the Node dependencies, migrates, and serves the core app; used by node.ts, tests and bench. */
export async function startGateway(config: Config, opts: StartOptions = {}): Promise<RunningGateway> {
  const logger = opts.logger ?? createLogger(config.logLevel, (line) => process.stdout.write(`${line}\n`));
  const priceOverrides = readPriceFile(config.pricesFile);
  const { db, dialect } = openDatabase(config.databaseUrl);
  const applied = await migrate(db, dialect, readMigrations(dialect));
  if (applied.length > 0) logger.info('migrations applied', { count: applied.length, last: applied.at(-1) });
  const vault = await createVault(
    config.encryptionSecret,
    config.previousEncryptionSecrets,
    createNodeAead(),
  );
  const upstream = createUndiciUpstream();
  const deps: Deps = {
    config,
    db,
    dialect,
    vault,
    logger,
    clock: () => new Date(),
    upstream,
    priceOverrides,
  };
  const limiter =
    config.redisUrl && config.rateLimitRpm > 0
      ? createRedisRateLimiter(config.redisUrl, config.rateLimitRpm, logger)
      : undefined;
  const gateway = createApp(deps, { limiter });

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
        await Promise.all(
          [server, metricsServer].map((s) => s && new Promise<void>((resolve) => s.close(() => resolve()))),
        );
        await gateway.drain();
        await upstream.close?.();
        await limiter?.close();
        await db.destroy();
      })();
      return closing;
    },
  };
}
