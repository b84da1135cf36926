import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../src/config.js';
import { readEnvFile } from '../src/node/env-file.js';
import { openDatabase, readMigrations } from '../src/node/node-db.js';
import { migrate } from '../src/store/migrate.js';
import { createVault } from '../src/vault/index.js';
import { rewrapAll } from '../src/vault/rewrap.js';

/**
 * `npm run rewrap-keys`: after rotating API_KEY_ENCRYPTION_SECRET (old value moved to
 * API_KEY_ENCRYPTION_SECRET_PREVIOUS), re-encrypts every stored key under the new secret.
 */
try {
  const config = loadConfig({ ...readEnvFile(resolve('.env')), ...process.env });
  const { db, dialect } = openDatabase(config.databaseUrl);
  await migrate(db, dialect, readMigrations(dialect));
  const vault = await createVault(config.encryptionSecret, config.previousEncryptionSecrets);
  const report = await rewrapAll(db, vault);
  await db.destroy();
  console.log(
    `rewrapped ${report.rewrapped}, already current ${report.alreadyCurrent}, unreadable ${report.unreadable}, changed meanwhile ${report.skipped}`,
  );
  if (report.unreadable === 0 && report.skipped === 0) {
    console.log('Every key uses the current secret: API_KEY_ENCRYPTION_SECRET_PREVIOUS can be removed.');
  }
  process.exit(report.unreadable > 0 ? 2 : 0);
} catch (err) {
  console.error(
    err instanceof ConfigError ? err.message : `rewrap failed: ${err instanceof Error ? err.name : 'error'}`,
  );
  process.exit(1);
}
