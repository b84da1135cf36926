import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, readMigrations } from '../../src/node/node-db.js';
import { migrate, splitStatements } from '../../src/store/migrate.js';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/databases.js';

describe('statement splitting', () => {
  it('splits on semicolons at line ends and drops comment-only pieces', () => {
    expect(
      splitStatements('-- a comment\nCREATE TABLE a (x INT);\n\n-- another\nCREATE INDEX i ON a (x);\n'),
    ).toEqual(['CREATE TABLE a (x INT)', 'CREATE INDEX i ON a (x)']);
  });
});

describe.each(DATABASE_KINDS)('migrations on %s', (kind) => {
  let database: TestDatabase | undefined;
  afterEach(async () => database?.drop());

  it('applies every migration once, records it, and does nothing the second time', async () => {
    database = await createTestDatabase(kind);
    const { db, dialect } = openDatabase(database.url);
    const files = readMigrations(dialect);
    expect(await migrate(db, dialect, files)).toEqual(files.map((f) => f.name));
    expect(await migrate(db, dialect, files)).toEqual([]);
    const recorded = await db.selectFrom('schema_migrations').select('name').execute();
    expect(recorded.map((r) => r.name)).toEqual(files.map((f) => f.name));
    await db.destroy();
  });

  // In one process better-sqlite3 waits for a lock synchronously, so only PostgreSQL can race here.
  it.runIf(kind === 'postgres')(
    'lets two instances start at once without applying anything twice',
    async () => {
      database = await createTestDatabase(kind);
      const a = openDatabase(database.url);
      const b = openDatabase(database.url);
      const files = readMigrations(a.dialect);
      const [ranA, ranB] = await Promise.all([
        migrate(a.db, a.dialect, files),
        migrate(b.db, b.dialect, files),
      ]);
      expect([...ranA, ...ranB].sort()).toEqual(files.map((f) => f.name));
      const count = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM schema_migrations`.execute(a.db);
      expect(Number(count.rows[0]?.n)).toBe(files.length);
      await Promise.all([a.db.destroy(), b.db.destroy()]);
    },
  );

  it('rolls back a migration that fails halfway and records nothing for it', async () => {
    database = await createTestDatabase(kind);
    const { db, dialect } = openDatabase(database.url);
    const broken = [
      { name: '0001_broken.sql', sql: 'CREATE TABLE half_done (x INT);\nCREATE TABLE half_done (x INT);\n' },
    ];
    await expect(migrate(db, dialect, broken)).rejects.toThrow();
    const tables =
      dialect === 'postgres'
        ? sql<{ t: string | null }>`SELECT to_regclass('half_done')::text AS t`
        : sql<{ t: string | null }>`SELECT (SELECT name FROM sqlite_master WHERE name = 'half_done') AS t`;
    expect((await tables.execute(db)).rows[0]?.t).toBeNull();
    // the real migrations still apply afterwards, and the broken one is not recorded
    await migrate(db, dialect, readMigrations(dialect));
    const recorded = await db.selectFrom('schema_migrations').select('name').execute();
    expect(recorded.map((r) => r.name)).not.toContain('0001_broken.sql');
    await db.destroy();
  });
});
