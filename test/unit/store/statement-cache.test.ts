import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CacheableDatabase,
  type CacheableStatement,
  cacheStatements,
} from '../../../src/store/statement-cache.js';

interface Db {
  t: { id: number; name: string };
}

/** An in-memory better-sqlite3 database that counts what reaches its real `prepare`. */
function countingSqlite() {
  const sqlite = new SQLite(':memory:');
  const prepared: string[] = [];
  const db: CacheableDatabase = {
    prepare(text: string): CacheableStatement {
      prepared.push(text);
      return sqlite.prepare(text);
    },
    close: () => sqlite.close(),
  };
  return { sqlite, db, prepared };
}

const opened: SQLite.Database[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) if (s.open) s.close();
});

function setup(maxEntries?: number) {
  const c = countingSqlite();
  opened.push(c.sqlite);
  c.sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  const insert = c.sqlite.prepare('INSERT INTO t (id, name) VALUES (?, ?)');
  for (let i = 1; i <= 100; i++) insert.run(i, `n${i}`);
  const cached = cacheStatements(c.db, maxEntries);
  return { ...c, cached, kysely: new Kysely<Db>({ dialect: new SqliteDialect({ database: cached }) }) };
}

describe('cacheStatements', () => {
  it('hands back the same statement for the same SQL, prepared once', () => {
    const { cached, prepared } = setup();
    const a = cached.prepare('SELECT name FROM t WHERE id = ?');
    const b = cached.prepare('SELECT name FROM t WHERE id = ?');
    expect(b).toBe(a);
    expect(cached.prepare('SELECT id FROM t WHERE id = ?')).not.toBe(a);
    expect(prepared).toEqual(['SELECT name FROM t WHERE id = ?', 'SELECT id FROM t WHERE id = ?']);
    expect(a.all([7])).toEqual([{ name: 'n7' }]);
    expect(b.all([8])).toEqual([{ name: 'n8' }]);
  });

  it('prepares a Kysely query once however often it runs, with each run its own parameters', async () => {
    const { kysely, prepared } = setup();
    for (let id = 1; id <= 50; id++) {
      const row = await kysely.selectFrom('t').select('name').where('id', '=', id).executeTakeFirst();
      expect(row?.name).toBe(`n${id}`);
    }
    expect(prepared).toHaveLength(1);
    await kysely.updateTable('t').set({ name: 'changed' }).where('id', '=', 3).execute();
    await kysely.updateTable('t').set({ name: 'again' }).where('id', '=', 4).execute();
    expect(prepared).toHaveLength(2);
    const rows = await kysely
      .selectFrom('t')
      .select('name')
      .where('id', 'in', [3, 4])
      .orderBy('id')
      .execute();
    expect(rows.map((r) => r.name)).toEqual(['changed', 'again']);
  });

  it('keeps at most maxEntries statements, evicting the least recently used', () => {
    const { cached, prepared } = setup(3);
    const a = cached.prepare('SELECT 1');
    cached.prepare('SELECT 2');
    cached.prepare('SELECT 3');
    expect(cached.prepare('SELECT 1')).toBe(a); // now the most recent; SELECT 2 is the oldest
    cached.prepare('SELECT 4');
    expect(cached.size).toBe(3);
    expect(cached.prepare('SELECT 1')).toBe(a);
    prepared.length = 0;
    cached.prepare('SELECT 2'); // evicted: prepared again
    expect(prepared).toEqual(['SELECT 2']);
    expect(cached.size).toBe(3);
  });

  it('answers correctly through many more distinct queries than it holds', async () => {
    const { kysely, cached, prepared } = setup(8);
    for (let round = 0; round < 3; round++) {
      for (let n = 1; n <= 40; n++) {
        // `in` with n values is a distinct SQL text per n.
        const ids = Array.from({ length: n }, (_, i) => ((i * 7 + round) % 100) + 1);
        const rows = await kysely.selectFrom('t').select(['id', 'name']).where('id', 'in', ids).execute();
        expect(rows.map((r) => r.id).sort((x, y) => x - y)).toEqual([...new Set(ids)].sort((x, y) => x - y));
        expect(rows.every((r) => r.name === `n${r.id}`)).toBe(true);
        const count = await kysely
          .selectFrom('t')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        expect(Number(count.n)).toBe(100);
        expect(cached.size).toBeLessThanOrEqual(8);
      }
    }
    // 40 distinct texts cycled through 8 slots are re-prepared; the repeated count never is.
    expect(prepared.filter((s) => s.includes('count(*)'))).toHaveLength(1);
    expect(prepared.length).toBeGreaterThan(40);
  });

  it('never hands out a statement an open iterator is still reading', () => {
    const { cached } = setup();
    const text = 'SELECT id FROM t ORDER BY id';
    const first = cached.prepare(text);
    const iter = first.iterate([]);
    expect(iter.next().value).toEqual({ id: 1 });
    const second = cached.prepare(text);
    expect(second).not.toBe(first);
    expect(second.all([])).toHaveLength(100);
    expect(iter.next().value).toEqual({ id: 2 }); // the iterator goes on undisturbed
    iter.return?.();
    expect(cached.prepare(text)).toBe(second);
  });

  it('streams through Kysely, then runs the same query normally', async () => {
    const { kysely } = setup();
    const query = kysely.selectFrom('t').select('id').where('id', '<=', 5).orderBy('id');
    const streamed: number[] = [];
    for await (const row of query.stream()) streamed.push(row.id);
    expect(streamed).toEqual([1, 2, 3, 4, 5]);
    expect((await query.execute()).map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
    // A stream left early (break) releases its statement too.
    for await (const row of query.stream()) if (row.id === 2) break;
    expect(await query.execute()).toHaveLength(5);
  });

  it('keeps transactions and raw statements working', async () => {
    const { kysely } = setup();
    await kysely.transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ id: 101, name: 'tx' }).execute();
    });
    await expect(
      kysely.transaction().execute(async (trx) => {
        await trx.insertInto('t').values({ id: 102, name: 'rolled back' }).execute();
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM t`.execute(kysely);
    expect(rows[0]?.n).toBe(101);
  });

  it('closes the real database when Kysely is destroyed, and empties the cache', async () => {
    const { kysely, cached, sqlite } = setup();
    await kysely.selectFrom('t').selectAll().execute();
    expect(cached.size).toBeGreaterThan(0);
    await kysely.destroy();
    expect(sqlite.open).toBe(false);
    expect(cached.size).toBe(0);
    expect(() => cached.prepare('SELECT 1')).toThrow(/not open/);
  });

  it('refuses a bound below 1', () => {
    const { db, sqlite } = countingSqlite();
    opened.push(sqlite);
    expect(() => cacheStatements(db, 0)).toThrow(RangeError);
  });
});
