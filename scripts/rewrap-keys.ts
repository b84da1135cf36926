import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../src/config.js';
import { readEnvFile } from '../src/node/env-file.js';
import { createNodeAead } from '../src/node/node-aead.js';
import { openDatabase, readMigrations } from '../src/node/node-db.js';
import { migrate } from '../src/store/migrate.js';
import { createVault } from '../src/vault/index.js';
import { type RewrapProgress, type RewrapReport, rewrapAll } from '../src/vault/rewrap.js';

/**
 * `npm run rewrap-keys`: after rotating API_KEY_ENCRYPTION_SECRET (old value moved to
 * API_KEY_ENCRYPTION_SECRET_PREVIOUS), re-encrypts every stored key under the new secret. A
 * progress bar on a terminal, one line per batch otherwise (logs, CI). Stopped half-way, it can
 * simply be run again: it carries on with the rows not yet under the new secret. Exit 0 when
 * every row is current, 2 when some are unreadable or changed meanwhile, 1 on an error.
 */

const BAR_WIDTH = 30;

function progressLine({ done, total, report }: RewrapProgress, tty: boolean): string {
  const counts = `rewrapped ${report.rewrapped}, unreadable ${report.unreadable}, changed meanwhile ${report.skipped}`;
  if (!tty) return `${done}/${total} rows: ${counts}\n`;
  const filled = total === 0 ? BAR_WIDTH : Math.round((done / total) * BAR_WIDTH);
  const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
  return `\r[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${pct}% ${done}/${total} — ${counts}`;
}

function summary(r: RewrapReport): string[] {
  const lines = [
    `rewrapped ${r.rewrapped}, already current ${r.alreadyCurrent}, unreadable ${r.unreadable}, changed meanwhile ${r.skipped}`,
  ];
  if (r.unreadable > 0) {
    lines.push(`Unreadable rows (left as they are, never deleted): ${r.unreadableIds.join(', ')}`);
    lines.push(
      r.unknownKids.length > 0
        ? `Some were sealed with a secret this run does not have (kid ${r.unknownKids.join(', ')}): set API_KEY_ENCRYPTION_SECRET_PREVIOUS to that secret (comma-separated for several) and run again.`
        : 'They do not decrypt with the secret they name (damaged rows): their owners must store those keys again.',
    );
  }
  if (r.skipped > 0) lines.push('Rows changed while this ran: run it again to pick them up.');
  if (r.unreadable === 0 && r.skipped === 0)
    lines.push('Every key uses the current secret: API_KEY_ENCRYPTION_SECRET_PREVIOUS can be removed.');
  return lines;
}

try {
  const config = loadConfig({ ...readEnvFile(resolve('.env')), ...process.env });
  const { db, dialect } = openDatabase(config.databaseUrl);
  await migrate(db, dialect, readMigrations(dialect));
  const vault = await createVault(
    config.encryptionSecret,
    config.previousEncryptionSecrets,
    createNodeAead(),
  );
  const tty = process.stdout.isTTY === true;
  const report = await rewrapAll(db, vault, {
    onBatch: (p) => process.stdout.write(progressLine(p, tty)),
  });
  await db.destroy();
  if (tty) process.stdout.write('\n');
  for (const line of summary(report)) console.log(line);
  process.exit(report.unreadable > 0 || report.skipped > 0 ? 2 : 0);
} catch (err) {
  console.error(
    err instanceof ConfigError ? err.message : `rewrap failed: ${err instanceof Error ? err.name : 'error'}`,
  );
  process.exit(1);
}
