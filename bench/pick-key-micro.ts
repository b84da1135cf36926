/**
 * Micro-benchmark of key choice, the database work every chat request does before calling
 * upstream: serveWithKeys (with steps that do nothing but open the key) on a real SQLite file (WAL, the pragmas of openDatabase) holding 3 active keys
 * for the caller among other users' keys, vault open included. Four set-ups, side by side:
 * Kysely on better-sqlite3 as it was (a prepare per query), with the prepared-statement cache,
 * with the sealed-row cache, and with both (what the app runs); then the app's set-up for a caller
 * in an organisation that holds keys too (two owners' rows: one query on a miss, two cache hits).
 * Run: npx tsx bench/pick-key-micro.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { type KeyCaller, type KeyChoiceDeps, serveWithKeys } from '../src/chat/key-attempts.js';
import { routeModel } from '../src/chat/route-model.js';
import { createNodeAead } from '../src/node/node-aead.js';
import { readMigrations } from '../src/node/node-db.js';
import { silentLogger } from '../src/ops/logger.js';
import type { Provider } from '../src/providers/kit/providers.js';
import { NATIVE_PROVIDERS } from '../src/providers/registry.js';
import { migrate } from '../src/store/migrate.js';
import type { Database } from '../src/store/schema.js';
import { cacheStatements } from '../src/store/statement-cache.js';
import { createVault, type Vault } from '../src/vault/index.js';
import { bindingOf, orgOwner, userOwner } from '../src/vault/key-owner.js';
import { createKeyRowCache } from '../src/vault/key-row-cache.js';
import { insertKey } from '../src/vault/keys-repo.js';

const OPS = 20_000;
const WARMUP = 2_000;
const ROUNDS = 5;
const OTHER_USERS = 500;
const USER = 'user-bench';
const secret = 'bench-secret-7c1e9a4f0d3b6a2e8f5c1d9b7a3e6f02';
const plaintext = `sk-proj-${'x'.repeat(156)}`;

function open(path: string, statementCache: boolean): Kysely<Database> {
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const database = statementCache ? cacheStatements(sqlite) : sqlite;
  return new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
}

async function seed(db: Kysely<Database>, vault: Vault): Promise<void> {
  const now = new Date().toISOString();
  const store = async (userId: string, provider: Provider) => {
    const id = crypto.randomUUID();
    const encryptedKey = await vault.seal(plaintext, { userId, keyId: id, provider });
    const row = { id, provider, encryptedKey, keyName: null, keyPreview: 'sk-...xxxx', now };
    await insertKey(db, 'sqlite', userOwner(userId), row, Number.MAX_SAFE_INTEGER, VIEW);
  };
  for (const provider of ['openai', 'anthropic', 'openrouter'] as const) await store(USER, provider);
  // The caller's organisation holds keys for the same providers (rows owned by kind 'org').
  for (const provider of ['openai', 'openrouter'] as const) {
    const id = crypto.randomUUID();
    const encryptedKey = await vault.seal(plaintext, bindingOf(orgOwner(ORG), id, provider));
    await db
      .insertInto('api_keys')
      .values({
        id,
        user_id: ORG,
        owner_kind: 'org',
        provider,
        encrypted_key: encryptedKey,
        key_name: null,
        key_preview: 'sk-...xxxx',
        is_active: 1,
        created_at: now,
        updated_at: now,
        last_used_at: null,
      })
      .execute();
  }
  for (let i = 0; i < OTHER_USERS; i++) {
    for (const provider of ['openai', 'anthropic', 'openrouter'] as const)
      await store(`other-${i}`, provider);
  }
}

const ORG = 'org-bench';
const CALLER = { userId: USER, systemKey: true };
const CALLER_IN_ORG = { ...CALLER, org: { orgId: ORG, role: 'member' as const } };
const VIEW = { now: new Date(), rotationDays: 90 };
const NO_STEPS = { admit: async () => undefined, abandon: () => {}, call: async () => undefined };

/** Key choice alone: the candidate read (cached or not), ordering and the vault open. */
const pickKey = (deps: KeyChoiceDeps, route: ReturnType<typeof routeModel>, caller: KeyCaller) =>
  serveWithKeys({ deps, caller, model: 'openai/gpt-4o', route }, NO_STEPS);

async function usPerCall(deps: KeyChoiceDeps, caller: KeyCaller = CALLER): Promise<number> {
  const route = routeModel('openai/gpt-4o');
  for (let i = 0; i < WARMUP; i++) await pickKey(deps, route, caller);
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    for (let i = 0; i < OPS; i++) await pickKey(deps, route, caller);
    rounds.push(((performance.now() - start) * 1000) / OPS);
  }
  rounds.sort((a, b) => a - b);
  return rounds[Math.floor(ROUNDS / 2)]!;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'byok-pick-key-'));
  const path = join(dir, 'gateway.db');
  try {
    const vault = await createVault(secret, [], createNodeAead());
    const setup = open(path, false);
    await migrate(setup, 'sqlite', readMigrations('sqlite'));
    await seed(setup, vault);
    await setup.destroy();

    const variants: [string, boolean, boolean][] = [
      ['before: Kysely + better-sqlite3, prepare per query', false, false],
      ['prepared-statement cache', true, false],
      ['sealed-row cache only (hits)', false, true],
      ['both (the app)', true, true],
    ];
    const base = {
      vault,
      logger: silentLogger,
      systemOpenRouterKey: undefined,
      nativeProviders: NATIVE_PROVIDERS,
      keyRotationDays: 90,
    };
    console.log(
      `node ${process.version}, ${3 * (OTHER_USERS + 1)} key rows, 3 for the caller; median of ${ROUNDS} × ${OPS} calls`,
    );
    let before = 0;
    for (const [name, statements, rows] of variants) {
      const db = open(path, statements);
      // A TTL far above the run's length: every call after the first is a hit, as within 2 s in the app.
      const keyRows = rows ? createKeyRowCache({ ttlMs: 3_600_000 }) : undefined;
      const us = await usPerCall({ ...base, db, keyRows });
      if (before === 0) before = us;
      console.log(
        `${name.padEnd(52)} ${us.toFixed(1).padStart(6)} µs/call  (${(before / us).toFixed(1)}× vs before)`,
      );
      await db.destroy();
    }
    for (const [name, rows] of [
      ['caller in an organisation, both caches', true],
      ['caller in an organisation, statement cache only', false],
    ] as const) {
      const db = open(path, true);
      const keyRows = rows ? createKeyRowCache({ ttlMs: 3_600_000 }) : undefined;
      const us = await usPerCall({ ...base, db, keyRows }, CALLER_IN_ORG);
      console.log(`${name.padEnd(52)} ${us.toFixed(1).padStart(6)} µs/call`);
      await db.destroy();
    }
    const sealed = await vault.seal(plaintext, { userId: USER, keyId: 'k', provider: 'openai' });
    const start = performance.now();
    for (let i = 0; i < OPS; i++) await vault.open(sealed, { userId: USER, keyId: 'k', provider: 'openai' });
    console.log(
      `${'of which vault.open (every call, never cached)'.padEnd(52)} ${(((performance.now() - start) * 1000) / OPS).toFixed(1).padStart(6)} µs/call`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
