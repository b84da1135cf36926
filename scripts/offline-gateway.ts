import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { type AllFakes, startAllFakes } from '../fakes/all-providers.js';
import { loadConfig } from '../src/config.js';
import { type RunningGateway, startGateway } from '../src/node/server.js';
import { createLogger } from '../src/ops/logger.js';

/**
 * The gateway offline: a temporary SQLite database, fresh random secrets and a local fake for every
 * provider. `npm run demo` and the console's screenshots run on it.
 */
export interface OfflineGateway {
  gateway: RunningGateway;
  fakes: AllFakes;
  /** A JWT for `user`, signed with this gateway's secret. */
  jwt(user: string, ttl: string): Promise<string>;
  close(): Promise<void>;
}

const randomSecret = () => Buffer.from(crypto.getRandomValues(new Uint8Array(36))).toString('base64url');

export async function startOfflineGateway(env: Record<string, string> = {}): Promise<OfflineGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'byok-offline-'));
  const fakes = await startAllFakes();
  const jwtSecret = randomSecret();
  const config = loadConfig({
    API_KEY_ENCRYPTION_SECRET: randomSecret(),
    JWT_SECRET: jwtSecret,
    DATABASE_URL: `file:${join(dir, 'gateway.db')}`,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    SHUTDOWN_GRACE_MS: '1000',
    ...fakes.env,
    ...env,
  });
  const gateway = await startGateway(config, {
    logger: createLogger(config.logLevel, (line) => process.stderr.write(`${line}\n`)),
  });
  return {
    gateway,
    fakes,
    jwt: (user, ttl) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(user)
        .setIssuedAt()
        .setExpirationTime(ttl)
        .sign(new TextEncoder().encode(jwtSecret)),
    async close() {
      await gateway.close();
      await fakes.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
