import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMigrations } from '../../../src/node/node-db.js';
import { migrate } from '../../../src/store/migrate.js';
import type { Database } from '../../../src/store/schema.js';
import { createVault } from '../../../src/vault/index.js';
import { orgOwner, userOwner } from '../../../src/vault/key-owner.js';
import { createKeyRowCache } from '../../../src/vault/key-row-cache.js';
import { keyRowsOf } from '../../../src/vault/owner-key-rows.js';
import { storeOrgKey } from '../../helpers/org-keys.js';

/** The rows key choice starts from: one query for a user and their organisation, cached per owner. */
describe('keyRowsOf', () => {
  let dir: string;
  let db: Kysely<Database>;
  let queries = 0;
  const providers = ['openai' as const, 'openrouter' as const];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'byok-owner-rows-'));
    db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new SQLite(join(dir, 'gateway.db')) }),
      log: (e) => {
        if (e.level === 'query') queries++;
      },
    });
    await migrate(db, 'sqlite', readMigrations('sqlite'));
    const vault = await createVault('owner-key-rows-test-secret-0123456789abcdef');
    // The organisation "same" and a user named "same": their rows must never mix.
    await storeOrgKey({ db, vault }, 'same', 'openai');
    await storeOrgKey({ db, vault }, 'same', 'openrouter');
    await storeOrgKey({ db, vault }, 'other', 'openai');
    const now = new Date().toISOString();
    await db
      .insertInto('api_keys')
      .values({
        id: 'user-key',
        user_id: 'same',
        provider: 'openai',
        encrypted_key: 'v1.x',
        key_name: null,
        key_preview: 'sk-p…abcd',
        is_active: 1,
        created_at: now,
        updated_at: now,
        last_used_at: null,
      })
      .execute();
  });
  afterAll(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a user and their organisation in one query, each row under its own owner', async () => {
    queries = 0;
    const rows = await keyRowsOf(db, undefined, userOwner('same'), orgOwner('same'), providers);
    expect(queries).toBe(1);
    expect(rows.user.map((r) => r.id)).toEqual(['user-key']);
    expect(rows.org.map((r) => r.provider).sort()).toEqual(['openai', 'openrouter']);
  });

  it('without an organisation reads the user alone, and never an organisation row', async () => {
    queries = 0;
    const rows = await keyRowsOf(db, undefined, userOwner('same'), undefined, providers);
    expect(queries).toBe(1);
    expect(rows).toEqual({ user: [expect.objectContaining({ id: 'user-key' })], org: [] });
  });

  it('caches each owner on its own: both hit, then one invalidated is read alone', async () => {
    const cache = createKeyRowCache({ ttlMs: 60_000 });
    await keyRowsOf(db, cache, userOwner('same'), orgOwner('same'), providers);
    queries = 0;
    await keyRowsOf(db, cache, userOwner('same'), orgOwner('same'), providers);
    expect(queries).toBe(0);
    cache.invalidate(orgOwner('same'));
    const rows = await keyRowsOf(db, cache, userOwner('same'), orgOwner('same'), providers);
    expect(queries).toBe(1);
    expect(rows.org).toHaveLength(2);
    expect(rows.user.map((r) => r.id)).toEqual(['user-key']);
    // Another organisation of the same user: its own entry, its own rows.
    const other = await keyRowsOf(db, cache, userOwner('same'), orgOwner('other'), providers);
    expect(other.org).toHaveLength(1);
    expect(other.user.map((r) => r.id)).toEqual(['user-key']);
  });
});
