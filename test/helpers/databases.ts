import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * Real databases for tests: a fresh SQLite file in a temp folder, or a fresh schema in the
 * PostgreSQL `test` database on 127.0.0.1 (dropped afterwards).
 */
export type DatabaseKind = 'sqlite' | 'postgres';
export const DATABASE_KINDS: DatabaseKind[] = ['sqlite', 'postgres'];

export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  kind: DatabaseKind;
  url: string;
  /** The SQLite file and its -wal, for checking what reached the disk. */
  files: string[];
  drop(): Promise<void>;
}

export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'byok-test-'));
    const path = join(dir, 'gateway.db');
    return {
      kind,
      url: `file:${path}`,
      files: [path, `${path}-wal`],
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `t_${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = `${PG_ADMIN_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    kind,
    url,
    files: [],
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

/** Which of `secrets` occur (as UTF-8 bytes) in the database files. */
export function secretsOnDisk(files: string[], secrets: string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const bytes = readFileSync(file);
    for (const s of secrets) if (bytes.includes(Buffer.from(s, 'utf8'))) found.push(s);
  }
  return found;
}
