import { type Kysely, sql, type Updateable } from 'kysely';
import { conflict } from '../errors.js';
import type { Provider } from '../providers/kit/providers.js';
import { insertCapped } from '../store/capped-insert.js';
import type { Database, Dialect, KeyStatusStored } from '../store/schema.js';
import { type KeyOwner, ofOwner } from './key-owner.js';
import { type ApiKey, type KeyViewContext, PUBLIC_COLUMNS, type PublicRow, toApiKey } from './key-view.js';

export type { ApiKey } from './key-view.js';

const VIEW_NOW: () => KeyViewContext = () => ({ now: new Date(), rotationDays: 0 });

function isUniqueViolation(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
    return true;
  // D1 passes SQLite's message on without a code: "D1_ERROR: UNIQUE constraint failed: api_keys…".
  return typeof message === 'string' && message.includes('UNIQUE constraint failed');
}

const duplicate = (owner: KeyOwner) =>
  conflict(
    'duplicate_key',
    `${owner.kind === 'org' ? 'Your organisation already has' : 'You already have'} a key for this provider with this name; pick another keyName.`,
    'keyName',
  );

export async function listKeys(
  db: Kysely<Database>,
  owner: KeyOwner,
  view: KeyViewContext,
): Promise<ApiKey[]> {
  const rows = await ofOwner(db.selectFrom('api_keys').select(PUBLIC_COLUMNS), owner)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map((r) => toApiKey(r, view));
}

export async function findKey(
  db: Kysely<Database>,
  owner: KeyOwner,
  id: string,
  view: KeyViewContext = VIEW_NOW(),
): Promise<ApiKey | undefined> {
  const row = await ofOwner(db.selectFrom('api_keys').select(PUBLIC_COLUMNS), owner)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toApiKey(row, view) : undefined;
}

/** What a key's owner may set on create and PATCH, besides its name, budget and active flag. */
export interface KeySettings {
  priority?: number | null;
  exclusive?: boolean;
  expiresAt?: string | null;
  rotateAfterDays?: number | null;
}

/** Stores a key unless its owner already holds `cap` keys; undefined when full. */
export async function insertKey(
  db: Kysely<Database>,
  dialect: Dialect,
  owner: KeyOwner,
  row: KeySettings & {
    id: string;
    provider: Provider;
    encryptedKey: string;
    keyName: string | null;
    keyPreview: string;
    monthlyBudgetUsd?: number | null;
    /** Set when the provider accepted the key just before it was stored. */
    verifiedAt?: string | null;
    now: string;
  },
  cap: number,
  view: KeyViewContext,
): Promise<ApiKey | undefined> {
  const stored: PublicRow = {
    id: row.id,
    provider: row.provider,
    key_name: row.keyName,
    key_preview: row.keyPreview,
    is_active: 1,
    created_at: row.now,
    updated_at: row.now,
    last_used_at: null,
    monthly_budget_usd: row.monthlyBudgetUsd ?? null,
    status: row.verifiedAt ? 'valid' : 'unverified',
    verified_at: row.verifiedAt ?? null,
    last_error: null,
    last_error_at: null,
    priority: row.priority ?? null,
    exclusive: row.exclusive ? 1 : 0,
    expires_at: row.expiresAt ?? null,
    rotate_after_days: row.rotateAfterDays ?? null,
    secret_updated_at: row.now,
  };
  try {
    const inserted = await insertCapped(db, dialect, {
      table: 'api_keys',
      userId: owner.id,
      cap,
      counted: sql`owner_kind = ${owner.kind}`,
      // Every value above is a string, number or null (timestamps as ISO strings).
      row: {
        ...(stored as unknown as Record<string, string | number | null>),
        user_id: owner.id,
        owner_kind: owner.kind,
        encrypted_key: row.encryptedKey,
      },
    });
    if (!inserted) return undefined;
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate(owner);
    throw err;
  }
  return toApiKey(stored, view);
}

export async function updateKey(
  db: Kysely<Database>,
  owner: KeyOwner,
  id: string,
  patch: KeySettings & { keyName?: string | null; isActive?: boolean; monthlyBudgetUsd?: number | null },
  now: string,
  view: KeyViewContext,
): Promise<ApiKey | undefined> {
  const set: Updateable<Database['api_keys']> = { updated_at: now };
  if (patch.keyName !== undefined) set.key_name = patch.keyName;
  if (patch.monthlyBudgetUsd !== undefined) set.monthly_budget_usd = patch.monthlyBudgetUsd;
  if (patch.priority !== undefined) set.priority = patch.priority;
  if (patch.exclusive !== undefined) set.exclusive = patch.exclusive ? 1 : 0;
  if (patch.expiresAt !== undefined) set.expires_at = patch.expiresAt;
  if (patch.rotateAfterDays !== undefined) set.rotate_after_days = patch.rotateAfterDays;
  if (patch.isActive !== undefined) set.is_active = patch.isActive ? 1 : 0;
  try {
    let query = db.updateTable('api_keys').set(set);
    // PATCHing a key active is the owner saying "try it again": a rejected key is routed once more.
    if (patch.isActive === true)
      query = query.set({
        status: sql<KeyStatusStored>`CASE WHEN status = 'rejected' THEN 'unverified' ELSE status END`,
      });
    const result = await ofOwner(query, owner).where('id', '=', id).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate(owner);
    throw err;
  }
  return findKey(db, owner, id, view);
}

/**
 * PUT: a new secret under the same id, so name, priority, budget and usage history stay. The
 * status starts again (`valid` when the provider just accepted it), and any rest or error is cleared.
 */
export async function replaceSecret(
  db: Kysely<Database>,
  owner: KeyOwner,
  id: string,
  secret: { encryptedKey: string; keyPreview: string; verifiedAt: string | null; now: string },
  view: KeyViewContext,
): Promise<ApiKey | undefined> {
  const update = db.updateTable('api_keys').set({
    encrypted_key: secret.encryptedKey,
    key_preview: secret.keyPreview,
    status: secret.verifiedAt ? 'valid' : 'unverified',
    verified_at: secret.verifiedAt,
    last_error: null,
    last_error_at: null,
    rest_until: null,
    secret_updated_at: secret.now,
    updated_at: secret.now,
  });
  const result = await ofOwner(update, owner).where('id', '=', id).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return undefined;
  return findKey(db, owner, id, view);
}

/** Deletes the owner's key; what it was (for the audit log), or undefined when there was none. */
export async function deleteKey(
  db: Kysely<Database>,
  owner: KeyOwner,
  id: string,
): Promise<Pick<ApiKey, 'id' | 'provider' | 'keyPreview'> | undefined> {
  const row = await ofOwner(db.deleteFrom('api_keys'), owner)
    .where('id', '=', id)
    .returning(['id', 'provider', 'key_preview'])
    .executeTakeFirst();
  return row ? { id: row.id, provider: row.provider, keyPreview: row.key_preview } : undefined;
}

export async function touchKey(db: Kysely<Database>, owner: KeyOwner, id: string, at: string): Promise<void> {
  await ofOwner(db.updateTable('api_keys').set({ last_used_at: at }), owner)
    .where('id', '=', id)
    .execute();
}
