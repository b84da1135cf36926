import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KeyCaller, type KeyChoiceDeps, serveWithKeys } from '../../../src/chat/key-attempts.js';
import { routeModel } from '../../../src/chat/route-model.js';
import { openDatabase, readMigrations } from '../../../src/node/node-db.js';
import { silentLogger } from '../../../src/ops/logger.js';
import { NATIVE_PROVIDERS } from '../../../src/providers/registry.js';
import { migrate } from '../../../src/store/migrate.js';
import type { Database } from '../../../src/store/schema.js';
import { createVault, type Vault } from '../../../src/vault/index.js';
import { orgOwner, userOwner } from '../../../src/vault/key-owner.js';
import { createKeyRowCache } from '../../../src/vault/key-row-cache.js';
import { insertKey } from '../../../src/vault/keys-repo.js';
import type { SealedKey } from '../../../src/vault/sealed-keys.js';

const row = (id: string, provider: SealedKey['provider'] = 'openai'): SealedKey => ({
  id,
  provider,
  keyName: null,
  keyPreview: 'sk-...abcd',
  encryptedKey: `v1.k.sealed-${id}`,
  monthlyBudgetUsd: null,
  isActive: true,
  status: 'unverified',
  priority: null,
  exclusive: false,
  expiresAtMs: null,
  restUntilMs: null,
  secretSetMs: 0,
  rotateAfterDays: null,
});

function manualClock(start = 1_000) {
  let now = start;
  return { clock: () => now, advance: (ms: number) => (now += ms) };
}

describe('createKeyRowCache', () => {
  it('serves rows until ttlMs have passed, then asks again', () => {
    const t = manualClock();
    const cache = createKeyRowCache({ ttlMs: 2_000, clock: t.clock });
    cache.set(userOwner('u1'), ['openai', 'openrouter'], [row('a')]);
    t.advance(1_999);
    expect(cache.get(userOwner('u1'), ['openai', 'openrouter'])?.map((r) => r.id)).toEqual(['a']);
    t.advance(1);
    expect(cache.get(userOwner('u1'), ['openai', 'openrouter'])).toBeUndefined();
    expect(cache.size).toBe(0); // the expired entry went with the miss
  });

  it('does not extend an entry’s life when it is read', () => {
    const t = manualClock();
    const cache = createKeyRowCache({ ttlMs: 100, clock: t.clock });
    cache.set(userOwner('u1'), ['openrouter'], [row('a', 'openrouter')]);
    for (let i = 0; i < 9; i++) {
      t.advance(10);
      expect(cache.get(userOwner('u1'), ['openrouter'])).toBeDefined();
    }
    t.advance(10);
    expect(cache.get(userOwner('u1'), ['openrouter'])).toBeUndefined();
  });

  it('keeps one entry per provider list, each with its own age', () => {
    const t = manualClock();
    const cache = createKeyRowCache({ ttlMs: 100, clock: t.clock });
    cache.set(userOwner('u1'), ['openai', 'openrouter'], [row('a'), row('b', 'openrouter')]);
    t.advance(60);
    cache.set(userOwner('u1'), ['openrouter'], [row('b', 'openrouter')]);
    expect(cache.get(userOwner('u1'), ['anthropic', 'openrouter'])).toBeUndefined();
    t.advance(50);
    expect(cache.get(userOwner('u1'), ['openai', 'openrouter'])).toBeUndefined();
    expect(cache.get(userOwner('u1'), ['openrouter'])?.map((r) => r.id)).toEqual(['b']);
  });

  it('caches an empty answer too (a user with no keys)', () => {
    const cache = createKeyRowCache();
    cache.set(userOwner('u1'), ['openrouter'], []);
    expect(cache.get(userOwner('u1'), ['openrouter'])).toEqual([]);
  });

  it('holds at most maxOwners owners of each kind, dropping the least recently used', () => {
    const cache = createKeyRowCache({ maxOwners: 2 });
    cache.set(userOwner('a'), ['openrouter'], [row('a1', 'openrouter')]);
    cache.set(userOwner('b'), ['openrouter'], [row('b1', 'openrouter')]);
    expect(cache.get(userOwner('a'), ['openrouter'])).toBeDefined(); // a is now more recent than b
    cache.set(userOwner('c'), ['openrouter'], [row('c1', 'openrouter')]);
    expect(cache.size).toBe(2);
    expect(cache.get(userOwner('b'), ['openrouter'])).toBeUndefined();
    expect(cache.get(userOwner('a'), ['openrouter'])).toBeDefined();
    expect(cache.get(userOwner('c'), ['openrouter'])).toBeDefined();
    for (let i = 0; i < 1_000; i++) cache.set(userOwner(`u${i}`), ['openrouter'], []);
    expect(cache.size).toBe(2);
  });

  it('forgets a user at once on invalidate, and only that user', () => {
    const cache = createKeyRowCache();
    cache.set(userOwner('u1'), ['openai', 'openrouter'], [row('a')]);
    cache.set(userOwner('u1'), ['openrouter'], []);
    cache.set(userOwner('u2'), ['openrouter'], [row('z', 'openrouter')]);
    cache.invalidate(userOwner('u1'));
    expect(cache.get(userOwner('u1'), ['openai', 'openrouter'])).toBeUndefined();
    expect(cache.get(userOwner('u1'), ['openrouter'])).toBeUndefined();
    expect(cache.get(userOwner('u2'), ['openrouter'])).toBeDefined();
    cache.invalidate(userOwner('nobody')); // harmless
  });

  it('keeps users and organisations apart: the same id names two entries, each invalidated alone', () => {
    const cache = createKeyRowCache();
    cache.set(userOwner('same'), ['openai', 'openrouter'], [row('mine')]);
    cache.set(orgOwner('same'), ['openai', 'openrouter'], [row('team')]);
    expect(cache.get(userOwner('same'), ['openai', 'openrouter'])?.map((r) => r.id)).toEqual(['mine']);
    expect(cache.get(orgOwner('same'), ['openai', 'openrouter'])?.map((r) => r.id)).toEqual(['team']);
    expect(cache.size).toBe(2);
    cache.invalidate(orgOwner('same'));
    expect(cache.get(orgOwner('same'), ['openai', 'openrouter'])).toBeUndefined();
    expect(cache.get(userOwner('same'), ['openai', 'openrouter'])?.map((r) => r.id)).toEqual(['mine']);
    cache.invalidate(userOwner('same'));
    expect(cache.size).toBe(0);
    // A user never reaches an organisation's entry, whatever the id.
    cache.set(orgOwner('acme'), ['openrouter'], [row('team', 'openrouter')]);
    expect(cache.get(userOwner('acme'), ['openrouter'])).toBeUndefined();
  });

  it('does not store rows read before an invalidation that landed during the read', async () => {
    const cache = createKeyRowCache();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const loading = cache.load(userOwner('u1'), ['openrouter'], async () => {
      await gate; // the read is in flight (PostgreSQL round trip) …
      return [row('old', 'openrouter')];
    });
    cache.invalidate(userOwner('u1')); // … when this instance changes the user's keys
    release();
    expect((await loading).map((r) => r.id)).toEqual(['old']); // that request keeps what it read
    expect(cache.get(userOwner('u1'), ['openrouter'])).toBeUndefined(); // but the next one reads again
    const ticket = cache.ticket();
    cache.invalidate(userOwner('u2'));
    cache.set(userOwner('u1'), ['openrouter'], [row('x', 'openrouter')], ticket);
    expect(cache.get(userOwner('u1'), ['openrouter'])).toBeUndefined();
  });

  it('load reads once, then serves from memory', async () => {
    const cache = createKeyRowCache();
    let reads = 0;
    const read = async () => {
      reads++;
      return [row('a')];
    };
    await cache.load(userOwner('u1'), ['openai', 'openrouter'], read);
    const again = await cache.load(userOwner('u1'), ['openai', 'openrouter'], read);
    expect(reads).toBe(1);
    expect(again.map((r) => r.id)).toEqual(['a']);
  });

  it('with ttlMs 0 holds nothing', async () => {
    const cache = createKeyRowCache({ ttlMs: 0 });
    cache.set(userOwner('u1'), ['openrouter'], [row('a', 'openrouter')]);
    expect(cache.get(userOwner('u1'), ['openrouter'])).toBeUndefined();
    let reads = 0;
    const read = async () => {
      reads++;
      return [];
    };
    await cache.load(userOwner('u1'), ['openrouter'], read);
    await cache.load(userOwner('u1'), ['openrouter'], read);
    expect(reads).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('refuses nonsense bounds', () => {
    expect(() => createKeyRowCache({ ttlMs: -1 })).toThrow(RangeError);
    expect(() => createKeyRowCache({ maxOwners: 0 })).toThrow(RangeError);
  });

  it('keeps only the sealed row fields, frozen: nothing handed to it beyond them survives', () => {
    const cache = createKeyRowCache();
    const plaintext = 'sk-proj-PLAINTEXT-CANARY-0123456789';
    const tainted = { ...row('a'), apiKey: plaintext } as SealedKey;
    cache.set(userOwner('u1'), ['openai', 'openrouter'], [tainted]);
    const held = cache.get(userOwner('u1'), ['openai', 'openrouter'])!;
    expect(held[0]).toEqual(row('a'));
    expect(JSON.stringify(held)).not.toContain(plaintext);
    expect(Object.isFrozen(held)).toBe(true);
    expect(Object.isFrozen(held[0])).toBe(true);
  });
});

/** Key choice alone: the key serveWithKeys would hand the first call, opened. */
async function pickKey(
  deps: KeyChoiceDeps,
  caller: KeyCaller,
  model: string,
  route: ReturnType<typeof routeModel>,
) {
  const served = await serveWithKeys(
    { deps, caller, model, route },
    { admit: async () => undefined, abandon: () => {}, call: async () => undefined },
  );
  return served.picked;
}

describe('key choice with the cache, on a real SQLite file and vault', () => {
  const userId = 'user-cache';
  const plaintext = `sk-proj-${'C'.repeat(40)}T3BlbkFJ${'D'.repeat(40)}`;
  let dir: string;
  let db: Kysely<Database>;
  let vault: Vault;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'byok-key-cache-'));
    ({ db } = openDatabase(`file:${join(dir, 'gateway.db')}`));
    await migrate(db, 'sqlite', readMigrations('sqlite'));
    vault = await createVault('key-row-cache-test-secret-0123456789abcdef');
    const id = crypto.randomUUID();
    const encryptedKey = await vault.seal(plaintext, { userId, keyId: id, provider: 'openai' });
    await insertKey(
      db,
      'sqlite',
      userOwner(userId),
      {
        id,
        provider: 'openai',
        encryptedKey,
        keyName: 'mine',
        keyPreview: 'sk-...DDDD',
        now: new Date().toISOString(),
      },
      1,
      { now: new Date(), rotationDays: 90 },
    );
  });
  afterAll(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('caches the sealed row, opens it on every call, and never holds the plaintext', async () => {
    const t = manualClock();
    const keyRows = createKeyRowCache({ ttlMs: 2_000, clock: t.clock });
    const deps: KeyChoiceDeps = {
      db,
      vault,
      logger: silentLogger,
      systemOpenRouterKey: undefined,
      nativeProviders: NATIVE_PROVIDERS,
      keyRotationDays: 90,
      keyRows,
    };
    const route = routeModel('openai/gpt-4o');
    const first = await pickKey(deps, { userId, systemKey: true }, 'openai/gpt-4o', route);
    expect(first.apiKey).toBe(plaintext);
    const held = keyRows.get(userOwner(userId), ['openai', 'openrouter'])!;
    expect(held).toHaveLength(1);
    expect(held[0]?.encryptedKey).toMatch(/^v\d+\./);
    expect(JSON.stringify(held)).not.toContain(plaintext);
    expect(JSON.stringify(held)).not.toContain('C'.repeat(40));

    // Another instance deactivates the key: within the TTL this one still uses its copy …
    await db.updateTable('api_keys').set({ is_active: 0 }).where('user_id', '=', userId).execute();
    expect((await pickKey(deps, { userId, systemKey: true }, 'openai/gpt-4o', route)).apiKey).toBe(plaintext);
    // … and once the TTL has passed it reads the database again.
    t.advance(2_000);
    await expect(pickKey(deps, { userId, systemKey: true }, 'openai/gpt-4o', route)).rejects.toMatchObject({
      status: 403,
      code: 'no_key_available',
    });
    await db.updateTable('api_keys').set({ is_active: 1 }).where('user_id', '=', userId).execute();
  });
});
