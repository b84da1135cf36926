import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/schema.js';
import type { Vault } from '../../src/vault/index.js';
import { keyPreview } from '../../src/vault/key-formats.js';
import { bindingOf, orgOwner } from '../../src/vault/key-owner.js';
import { fakeKey, type KeyProvider } from './keys.js';

/** Lifecycle settings of an organisation key stored for a test. */
export interface OrgKeySettings {
  keyName?: string | null;
  priority?: number | null;
  exclusive?: boolean;
  isActive?: boolean;
  status?: 'unverified' | 'valid' | 'rejected';
  expiresAt?: string | null;
  monthlyBudgetUsd?: number | null;
}

export interface StoredOrgKey {
  id: string;
  apiKey: string;
  preview: string;
}

/**
 * Stores a key owned by organisation `orgId` as the organisation key routes store one: a row with
 * owner_kind 'org' and user_id = the organisation id, sealed under the organisation's binding.
 * (Straight into the database: the tests of routing do not depend on the management routes.)
 */
export async function storeOrgKey(
  deps: { db: Kysely<Database>; vault: Vault },
  orgId: string,
  provider: KeyProvider,
  settings: OrgKeySettings = {},
): Promise<StoredOrgKey> {
  const id = crypto.randomUUID();
  const apiKey = fakeKey(provider);
  const now = new Date().toISOString();
  const preview = keyPreview(apiKey);
  await deps.db
    .insertInto('api_keys')
    .values({
      id,
      user_id: orgId,
      owner_kind: 'org',
      provider,
      encrypted_key: await deps.vault.seal(apiKey, bindingOf(orgOwner(orgId), id, provider)),
      key_name: settings.keyName === undefined ? `org-${id.slice(0, 8)}` : settings.keyName,
      key_preview: preview,
      is_active: settings.isActive === false ? 0 : 1,
      created_at: now,
      updated_at: now,
      last_used_at: null,
      monthly_budget_usd: settings.monthlyBudgetUsd ?? null,
      status: settings.status ?? 'unverified',
      priority: settings.priority ?? null,
      exclusive: settings.exclusive ? 1 : 0,
      expires_at: settings.expiresAt ?? null,
      secret_updated_at: now,
    })
    .execute();
  return { id, apiKey, preview };
}

/** An organisation key's row as stored (status, health, last use), read by owner and id. */
export function orgKeyRow(db: Kysely<Database>, orgId: string, id: string) {
  return db
    .selectFrom('api_keys')
    .select(['status', 'last_error', 'rest_until', 'last_used_at', 'encrypted_key'])
    .where('owner_kind', '=', 'org')
    .where('user_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}
