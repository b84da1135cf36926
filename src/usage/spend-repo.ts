import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { budgetScope } from './budgets.js';
import { roundUsd } from './usage-repo.js';

/** This month's settled spend of each listed key, in one query; keys with none are absent. */
export async function monthSpendByKey(
  db: Kysely<Database>,
  keyIds: readonly string[],
  month: string,
): Promise<Map<string, number>> {
  if (keyIds.length === 0) return new Map();
  const scopes = keyIds.map((id) => budgetScope(id, ''));
  const rows = await db
    .selectFrom('spend_counters')
    .select(['scope', 'spent_usd'])
    .where('month', '=', month)
    .where('scope', 'in', scopes)
    .execute();
  return new Map(rows.map((r) => [r.scope.slice('key:'.length), roundUsd(Number(r.spent_usd))]));
}
