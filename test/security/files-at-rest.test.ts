import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withGeneratedSecrets } from '../../src/node/env-file.js';
import { openDatabase, readMigrations } from '../../src/node/node-db.js';
import { migrate } from '../../src/store/migrate.js';
import { fakeKey } from '../helpers/keys.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** What a stolen disk, backup or a local user with read access finds: nothing of a deleted key, nothing readable by others. */
const mode = (path: string) => statSync(path).mode & 0o777;

describe('the SQLite file', () => {
  let t: TestApp;
  let alice: string;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
    alice = await t.jwt('alice');
  });
  afterAll(async () => t.close());

  it('keeps no trace of a deleted key’s ciphertext after a checkpoint (secure_delete)', async () => {
    const res = await t.request('/api/user/api-keys', {
      method: 'POST',
      token: alice,
      json: { provider: 'openai', apiKey: fakeKey('openai'), keyName: 'doomed' },
    });
    const { id } = await res.json();
    const row = await t.deps.db
      .selectFrom('api_keys')
      .select('encrypted_key')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    // The sealed form's body (base64url) is what a dump would let someone attack offline.
    const sealedBody = row.encrypted_key.split('.').at(-1) as string;
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(t.deps.db);
    expect(readFileSync(t.database.files[0] as string).includes(sealedBody)).toBe(true);

    expect((await t.request(`/api/user/api-keys/${id}`, { method: 'DELETE', token: alice })).status).toBe(
      204,
    );
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(t.deps.db);
    for (const file of t.database.files) {
      try {
        expect(readFileSync(file).includes(sealedBody), file).toBe(false);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  });

  it('is created readable by its owner only, and so are its WAL and shared-memory files', () => {
    for (const file of [
      t.database.files[0] as string,
      `${t.database.files[0]}-wal`,
      `${t.database.files[0]}-shm`,
    ]) {
      expect(mode(file).toString(8), file).toBe('600');
    }
  });

  it('is narrowed to 0600 when it already existed with wider permissions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'byok-mode-'));
    try {
      const path = join(dir, 'old.db');
      writeFileSync(path, '', { mode: 0o644 });
      const { db, dialect } = openDatabase(`file:${path}`);
      await migrate(db, dialect, readMigrations(dialect));
      await db.destroy();
      expect(mode(path).toString(8)).toBe('600');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('.env with generated secrets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'byok-env-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is created 0600', () => {
    const path = join(dir, 'new.env');
    withGeneratedSecrets({}, path);
    expect(mode(path).toString(8)).toBe('600');
  });

  it('is narrowed to 0600 when secrets are appended to an existing world-readable file', () => {
    const path = join(dir, 'existing.env');
    writeFileSync(path, 'PORT=8787\n', { mode: 0o644 });
    const { generated } = withGeneratedSecrets({}, path);
    expect(generated).toContain('API_KEY_ENCRYPTION_SECRET');
    expect(mode(path).toString(8)).toBe('600');
    expect(readFileSync(path, 'utf8')).toMatch(/^PORT=8787$/m);
  });
});
