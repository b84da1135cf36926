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
import { createRedisRateLimiter } from './redis-rate-limiter.js';
import { createUndiciUpstream } from './undici-upstream.js';

export interface RunningGateway {
  url: string;
  deps: Deps;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
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

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: gateway.app.fetch, hostname: config.host, port: config.port }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    deps,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await gateway.drain();
        await upstream.close?.();
        await limiter?.close();
        await db.destroy();
      })();
      return closing;
    },
  };
}
