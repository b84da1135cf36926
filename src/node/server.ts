import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from '../app.js';
import type { Config } from '../config.js';
import type { Deps } from '../deps.js';
import { createLogger, type Logger } from '../ops/logger.js';
import { migrate } from '../store/migrate.js';
import { createVault } from '../vault/index.js';
import { createNodeAead } from './node-aead.js';
import { openDatabase, readMigrations } from './node-db.js';
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

function listen(
  fetch: (req: Request) => Response | Promise<Response>,
  hostname: string,
  port: number,
): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch, hostname, port }, () => resolve(s));
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
  const { db, dialect } = openDatabase(config.databaseUrl);
  const applied = await migrate(db, dialect, readMigrations(dialect));
  if (applied.length > 0) logger.info('migrations applied', { count: applied.length, last: applied.at(-1) });
  const vault = await createVault(
    config.encryptionSecret,
    config.previousEncryptionSecrets,
    createNodeAead(),
  );
  const upstream = createUndiciUpstream();
  const deps: Deps = { config, db, dialect, vault, logger, clock: () => new Date(), upstream };
  const limiter =
    config.redisUrl && config.rateLimitRpm > 0
      ? createRedisRateLimiter(config.redisUrl, config.rateLimitRpm, logger)
      : undefined;
  const gateway = createApp(deps, { limiter });

  const server = await listen(gateway.app.fetch, config.host, config.port);
  const metricsServer =
    gateway.metricsApp && config.metricsPort !== undefined
      ? await listen(gateway.metricsApp.fetch, config.host, config.metricsPort)
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
