import { afterEach, describe, expect, it } from 'vitest';
import { parseScopes } from '../../../src/auth/scopes.js';
import { openDatabase, readMigrations } from '../../../src/node/node-db.js';
import { migrate } from '../../../src/store/migrate.js';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../helpers/databases.js';

describe.each(DATABASE_KINDS)('migration 0002 on %s', (kind) => {
  let database: TestDatabase | undefined;
  afterEach(async () => database?.drop());

  it('gives tokens made before it exactly the chat scope, no expiry, and keys no budget', async () => {
    database = await createTestDatabase(kind);
    const { db, dialect } = openDatabase(database.url);
    const all = readMigrations(dialect);
    await migrate(
      db,
      dialect,
      all.filter((m) => m.name.startsWith('0001')),
    );
    const now = new Date().toISOString();
    await db
      .insertInto('access_tokens')
      .values({
        id: 't1',
        user_id: 'u',
        name: 'old',
        token_hash: 'h'.repeat(64),
        token_prefix: 'gwt_…',
        created_at: now,
      })
      .execute();
    await db
      .insertInto('api_keys')
      .values({
        id: 'k1',
        user_id: 'u',
        provider: 'openai',
        encrypted_key: 'v1.x',
        key_name: null,
        key_preview: 'sk-…abcd',
        is_active: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await migrate(db, dialect, all);
    const token = await db
      .selectFrom('access_tokens')
      .select(['scopes', 'expires_at'])
      .executeTakeFirstOrThrow();
    expect([...parseScopes(token.scopes)]).toEqual(['chat']);
    expect(token.expires_at).toBeNull();
    const key = await db.selectFrom('api_keys').select('monthly_budget_usd').executeTakeFirstOrThrow();
    expect(key.monthly_budget_usd).toBeNull();
    await db.destroy();
  });
});
