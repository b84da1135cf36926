import type { Kysely } from 'kysely';
import type { RemoteAddress } from './audit/audit-context.js';
import type { Config } from './config.js';
import type { Lifecycle } from './ops/lifecycle.js';
import type { Logger } from './ops/logger.js';
import type { UpstreamClient } from './providers/types.js';
import type { Database, Dialect } from './store/schema.js';
import type { PriceFile } from './usage/price-table.js';
import type { Vault } from './vault/index.js';

/**
 * Everything the core needs from the outside world, built by an entry (node.ts, worker.ts)
 * or by a test, and handed to createApp. Nothing below the entries imports a runtime module.
 */
export interface Deps {
  config: Config;
  db: Kysely<Database>;
  dialect: Dialect;
  vault: Vault;
  logger: Logger;
  clock: () => Date;
  /** How upstream providers are called: undici on Node, fetch on Workers. */
  upstream: UpstreamClient;
  /** Set by an entry that can stop gracefully (Node): readiness and open streams follow it. */
  lifecycle?: Lifecycle;
  /** The operator's PRICES_FILE, read by the Node entry; merged over the bundled price table. */
  priceOverrides?: PriceFile;
  /**
   * The connection's peer address, as only the entry can know it (Node: the socket; Workers:
   * Cloudflare's CF-Connecting-IP); the audit log's IP when TRUST_PROXY is off.
   */
  remoteAddress?: RemoteAddress;
}
