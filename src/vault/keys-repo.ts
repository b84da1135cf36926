import type { Kysely } from 'kysely';
import { conflict } from '../errors.js';
import type { Provider } from '../providers/shared/providers.js';
import { insertCapped } from '../store/capped-insert.js';
import { type Database, type Dialect, toIso } from '../store/schema.js';

/** The public view: the only form in which a stored key ever leaves the gateway. */
export interface ApiKey {
  id: string;
  provider: Provider;
  keyName: string | null;
  keyPreview: string;
  isActive: boolean;
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
  /** USD per UTC calendar month; null = no budget. (The route adds `monthSpendUsd`.) */
  monthlyBudgetUsd: number | null;
}

/** A row with its sealed key, for the vault to open; never serialised to a client. */
export interface SealedKey {
  id: string;
  provider: Provider;
  keyName: string | null;
  keyPreview: string;
  encryptedKey: string;
  /** USD per UTC month, or null for no budget: key choice checks it before the call. */
  monthlyBudgetUsd: number | null;
}

const PUBLIC_COLUMNS = [
  'id',
  'provider',
  'key_name',
  'key_preview',
  'is_active',
  'created_at',
  'updated_at',
  'last_used_at',
  'monthly_budget_usd',
] as const;

type PublicRow = {
  id: string;
  provider: Provider;
  key_name: string | null;
  key_preview: string;
  is_active: number;
  created_at: string | Date;
  updated_at: string | Date;
  last_used_at: string | Date | null;
  monthly_budget_usd: number | null;
};

function toApiKey(r: PublicRow): ApiKey {
  return {
    id: r.id,
    provider: r.provider,
    keyName: r.key_name,
    keyPreview: r.key_preview,
    isActive: Number(r.is_active) === 1,
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
    lastUsedAt: toIso(r.last_used_at),
    monthlyBudgetUsd: r.monthly_budget_usd === null ? null : Number(r.monthly_budget_usd),
  };
}

function isUniqueViolation(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
    return true;
  // D1 passes SQLite's message on without a code: "D1_ERROR: UNIQUE constraint failed: api_keys…".
  return typeof message === 'string' && message.includes('UNIQUE constraint failed');
}

const duplicate = () =>
  conflict(
    'duplicate_key',
    'You already have a key for this provider with this name; pick another keyName.',
    'keyName',
  );

export async function listKeys(db: Kysely<Database>, userId: string): Promise<ApiKey[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select(PUBLIC_COLUMNS)
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toApiKey);
}

export async function findKey(db: Kysely<Database>, userId: string, id: string): Promise<ApiKey | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .select(PUBLIC_COLUMNS)
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toApiKey(row) : undefined;
}

/** Stores a key unless the user already holds `cap` keys; undefined when full. */
export async function insertKey(
  db: Kysely<Database>,
  dialect: Dialect,
  userId: string,
  row: {
    id: string;
    provider: Provider;
    encryptedKey: string;
    keyName: string | null;
    keyPreview: string;
    monthlyBudgetUsd?: number | null;
    now: string;
  },
  cap: number,
): Promise<ApiKey | undefined> {
  try {
    const stored = await insertCapped(db, dialect, {
      table: 'api_keys',
      userId,
      cap,
      row: {
        id: row.id,
        user_id: userId,
        provider: row.provider,
        encrypted_key: row.encryptedKey,
        key_name: row.keyName,
        key_preview: row.keyPreview,
        is_active: 1,
        created_at: row.now,
        updated_at: row.now,
        last_used_at: null,
        monthly_budget_usd: row.monthlyBudgetUsd ?? null,
      },
    });
    if (!stored) return undefined;
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate();
    throw err;
  }
  return {
    id: row.id,
    provider: row.provider,
    keyName: row.keyName,
    keyPreview: row.keyPreview,
    isActive: true,
    createdAt: row.now,
    updatedAt: row.now,
    lastUsedAt: null,
    monthlyBudgetUsd: row.monthlyBudgetUsd ?? null,
  };
}

export async function updateKey(
  db: Kysely<Database>,
  userId: string,
  id: string,
  patch: { keyName?: string | null; isActive?: boolean; monthlyBudgetUsd?: number | null },
  now: string,
): Promise<ApiKey | undefined> {
  const set: {
    updated_at: string;
    key_name?: string | null;
    is_active?: number;
    monthly_budget_usd?: number | null;
  } = { updated_at: now };
  if (patch.keyName !== undefined) set.key_name = patch.keyName;
  if (patch.monthlyBudgetUsd !== undefined) set.monthly_budget_usd = patch.monthlyBudgetUsd;
  if (patch.isActive !== undefined) set.is_active = patch.isActive ? 1 : 0;
  try {
    const result = await db
      .updateTable('api_keys')
      .set(set)
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate();
    throw err;
  }
  return findKey(db, userId, id);
}

/** Deletes the caller's key; what it was (for the audit log), or undefined when there was none. */
export async function deleteKey(
  db: Kysely<Database>,
  userId: string,
  id: string,
): Promise<Pick<ApiKey, 'id' | 'provider' | 'keyPreview'> | undefined> {
  const row = await db
    .deleteFrom('api_keys')
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .returning(['id', 'provider', 'key_preview'])
    .executeTakeFirst();
  return row ? { id: row.id, provider: row.provider, keyPreview: row.key_preview } : undefined;
}

/** The caller's active keys for these providers, newest first: the order key choice tries them in. */
export async function activeSealedKeys(
  db: Kysely<Database>,
  userId: string,
  providers: Provider[],
): Promise<SealedKey[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select(['id', 'provider', 'key_name', 'key_preview', 'encrypted_key', 'monthly_budget_usd'])
    .where('user_id', '=', userId)
    .where('provider', 'in', providers)
    .where('is_active', '=', 1)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    provider: r.provider,
    keyName: r.key_name,
    keyPreview: r.key_preview,
    encryptedKey: r.encrypted_key,
    monthlyBudgetUsd: r.monthly_budget_usd === null ? null : Number(r.monthly_budget_usd),
  }));
}

export async function touchKey(db: Kysely<Database>, userId: string, id: string, at: string): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: at })
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .execute();
}

/** Which providers the caller holds at least one active key for. */
export async function activeProvidersOf(db: Kysely<Database>, userId: string): Promise<Set<Provider>> {
  const rows = await db
    .selectFrom('api_keys')
    .select('provider')
    .distinct()
    .where('user_id', '=', userId)
    .where('is_active', '=', 1)
    .execute();
  return new Set(rows.map((r) => r.provider));
}
