import type { Kysely } from 'kysely';
import type { Provider } from '../providers/kit/providers.js';
import type { Database, KeyStatusStored } from '../store/schema.js';
import { type KeyOwner, ofOwner } from './key-owner.js';

/** A row with its sealed key, for the vault to open; never serialised to a client. */
export interface SealedKey {
  id: string;
  provider: Provider;
  keyName: string | null;
  keyPreview: string;
  encryptedKey: string;
  /** USD per UTC month, or null for no budget: key choice checks it before the call. */
  monthlyBudgetUsd: number | null;
  isActive: boolean;
  status: KeyStatusStored;
  priority: number | null;
  exclusive: boolean;
  /** Epoch milliseconds, or null: numbers, so that choosing a key parses no date. */
  expiresAtMs: number | null;
  restUntilMs: number | null;
  secretSetMs: number;
  rotateAfterDays: number | null;
}

/** Exactly the SealedKey fields (the key row cache keeps nothing else, e.g. never a plaintext). */
export function sealedKeyOf(r: SealedKey): SealedKey {
  return {
    id: r.id,
    provider: r.provider,
    keyName: r.keyName,
    keyPreview: r.keyPreview,
    encryptedKey: r.encryptedKey,
    monthlyBudgetUsd: r.monthlyBudgetUsd,
    isActive: r.isActive,
    status: r.status,
    priority: r.priority,
    exclusive: r.exclusive,
    expiresAtMs: r.expiresAtMs,
    restUntilMs: r.restUntilMs,
    secretSetMs: r.secretSetMs,
    rotateAfterDays: r.rotateAfterDays,
  };
}

const msOf = (v: string | Date | null): number | null => (v === null ? null : new Date(v).getTime());

/**
 * Every key (active or not: an inactive `exclusive` key still forbids the fallback) the owner
 * holds for these providers, newest first; key choice orders them by priority and filters them.
 */
export async function sealedKeysFor(
  db: Kysely<Database>,
  owner: KeyOwner,
  providers: Provider[],
): Promise<SealedKey[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select([
      'id',
      'provider',
      'key_name',
      'key_preview',
      'encrypted_key',
      'monthly_budget_usd',
      'is_active',
      'status',
      'priority',
      'exclusive',
      'expires_at',
      'rest_until',
      'secret_updated_at',
      'created_at',
      'rotate_after_days',
    ])
    .where('owner_kind', '=', owner.kind)
    .where('user_id', '=', owner.id)
    .where('provider', 'in', providers)
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
    isActive: Number(r.is_active) === 1,
    status: r.status,
    priority: r.priority === null ? null : Number(r.priority),
    exclusive: Number(r.exclusive) === 1,
    expiresAtMs: msOf(r.expires_at),
    restUntilMs: msOf(r.rest_until),
    secretSetMs: msOf(r.secret_updated_at ?? r.created_at) ?? 0,
    rotateAfterDays: r.rotate_after_days === null ? null : Number(r.rotate_after_days),
  }));
}

/** One of the owner's keys with its sealed secret (verify opens it); undefined for another's id. */
export async function findSealedKey(
  db: Kysely<Database>,
  owner: KeyOwner,
  id: string,
): Promise<Pick<SealedKey, 'id' | 'provider' | 'keyName' | 'keyPreview' | 'encryptedKey'> | undefined> {
  const row = await ofOwner(
    db.selectFrom('api_keys').select(['id', 'provider', 'key_name', 'key_preview', 'encrypted_key']),
    owner,
  )
    .where('id', '=', id)
    .executeTakeFirst();
  return row
    ? {
        id: row.id,
        provider: row.provider,
        keyName: row.key_name,
        keyPreview: row.key_preview,
        encryptedKey: row.encrypted_key,
      }
    : undefined;
}
