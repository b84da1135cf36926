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

const SEALED_COLUMNS = [
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
] as const;

/** The api_keys rows of one query, newest first (key choice orders them by priority and filters them). */
const sealedRows = (db: Kysely<Database>, providers: Provider[]) =>
  db
    .selectFrom('api_keys')
    .select(SEALED_COLUMNS)
    .where('provider', 'in', providers)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc');

type SealedRow = Awaited<ReturnType<ReturnType<typeof sealedRows>['execute']>>[number];

function sealedKeyOfRow(r: SealedRow): SealedKey {
  return {
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
  };
}

/**
 * Every key (active or not: an inactive `exclusive` key still forbids the fallback) the owner
 * holds for these providers, newest first; key choice orders them by priority and filters them.
 */
export async function sealedKeysFor(
  db: Kysely<Database>,
  owner: KeyOwner,
  providers: Provider[],
): Promise<SealedKey[]> {
  const rows = await ofOwner(sealedRows(db, providers), owner).execute();
  return rows.map(sealedKeyOfRow);
}

/**
 * `sealedKeysFor` of a user and of their organisation in ONE query (a caller in an organisation
 * asks for both on every chat request): `(owner_kind='user' AND user_id=?) OR (owner_kind='org'
 * AND user_id=?)`, each row handed back under the owner its owner_kind names — never by its id,
 * so a user whose id equals the organisation's id gets none of its keys.
 */
export async function sealedKeysOfBoth(
  db: Kysely<Database>,
  userId: string,
  orgId: string,
  providers: Provider[],
): Promise<{ user: SealedKey[]; org: SealedKey[] }> {
  const rows = await sealedRows(db, providers)
    .select('owner_kind')
    .where((eb) =>
      eb.or([
        eb.and([eb('owner_kind', '=', 'user'), eb('user_id', '=', userId)]),
        eb.and([eb('owner_kind', '=', 'org'), eb('user_id', '=', orgId)]),
      ]),
    )
    .execute();
  const both = { user: [] as SealedKey[], org: [] as SealedKey[] };
  for (const r of rows) {
    if (r.owner_kind === 'org') both.org.push(sealedKeyOfRow(r));
    else if (r.owner_kind === 'user') both.user.push(sealedKeyOfRow(r));
  }
  return both;
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
