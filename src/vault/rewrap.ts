import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Vault } from './vault.js';

export interface RewrapReport {
  rewrapped: number;
  alreadyCurrent: number;
  unreadable: number;
  /** Rows another writer changed mid-way; run again to pick them up. */
  skipped: number;
}

/**
 * Moves every row sealed under a previous secret to the current one. Each row is rewritten
 * only if its ciphertext is still the one we read, so a concurrent change is never lost.
 */
export async function rewrapAll(db: Kysely<Database>, vault: Vault, batchSize = 200): Promise<RewrapReport> {
  const report: RewrapReport = { rewrapped: 0, alreadyCurrent: 0, unreadable: 0, skipped: 0 };
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('api_keys')
      .select(['id', 'user_id', 'provider', 'encrypted_key'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) return report;
    after = rows[rows.length - 1]!.id;
    for (const row of rows) {
      if (vault.kidOf(row.encrypted_key) === vault.currentKid) {
        report.alreadyCurrent++;
        continue;
      }
      const binding = { userId: row.user_id, keyId: row.id, provider: row.provider };
      let plaintext: string;
      try {
        plaintext = await vault.open(row.encrypted_key, binding);
      } catch {
        report.unreadable++;
        continue;
      }
      const sealed = await vault.seal(plaintext, binding);
      const result = await db
        .updateTable('api_keys')
        .set({ encrypted_key: sealed })
        .where('id', '=', row.id)
        .where('user_id', '=', row.user_id)
        .where('encrypted_key', '=', row.encrypted_key)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) report.rewrapped++;
      else report.skipped++;
    }
  }
}
