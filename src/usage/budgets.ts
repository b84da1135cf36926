import type { Kysely } from 'kysely';
import { budgetExceeded } from '../errors.js';
import type { ChatRequest } from '../providers/types.js';
import type { Database } from '../store/schema.js';
import { requestChars } from './estimate.js';
import { type ModelPrice, priceTokens } from './price-table.js';

/**
 * Monthly budgets (UTC calendar months) on a stored key or on each user's share of the system
 * key. Before the upstream call the request's maximum cost is reserved with one conditional
 * UPDATE on the (scope, month) spend counter, admitted only while spent + reserved is under the
 * budget; after the call the reservation is released and the real cost added (usage-recorder).
 * So however many calls run at once, spend can pass the budget by at most one call's
 * reservation: the last call admitted. The row is in the database, so this holds across
 * gateway instances (on PostgreSQL the UPDATE takes the row lock; SQLite has one writer).
 */

/** `2026-12` for any instant in December 2026, UTC. */
export const monthOf = (d: Date) => d.toISOString().slice(0, 7);

/** Midnight UTC on the first of the month after `d`. */
function nextMonthStart(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
}

/** The counter a call is checked against: the stored key's, or the user's on the system key. */
export const budgetScope = (keyId: string | undefined, userId: string) =>
  keyId ? `key:${keyId}` : `system:${userId}`;

/** Output tokens reserved for a call that sets no max_tokens on a key without a cap of its own. */
const DEFAULT_RESERVED_OUTPUT_TOKENS = 8192;
/** Characters per prompt token when reserving: half the usual four, so the reservation errs high. */
const RESERVE_CHARS_PER_TOKEN = 2;

/** The most a call can cost, as reserved: prompt at two characters a token, the output cap in full. */
export function maxCallCost(chat: ChatRequest, price: ModelPrice): number {
  const cap = [chat.max_tokens, chat.max_completion_tokens].find((v) => typeof v === 'number');
  const outputs = typeof chat.n === 'number' && chat.n > 1 ? chat.n : 1;
  return priceTokens(price, {
    prompt: Math.ceil(requestChars(chat) / RESERVE_CHARS_PER_TOKEN),
    cached: 0,
    completion: ((cap as number | undefined) ?? DEFAULT_RESERVED_OUTPUT_TOKENS) * outputs,
  });
}

/** `$5`, `$12.50`, `$0.0042`: cents where they matter, four decimals below a dollar. */
const usd = (n: number) => `$${Number.isInteger(n) ? n : n.toFixed(n >= 1 ? 2 : 4)}`;

export interface Reservation {
  scope: string;
  month: string;
  amountUsd: number;
}

/**
 * Reserves `amountUsd` on the scope's counter for this month, or throws 429 budget_exceeded
 * (never a fallback to another key) naming the key and the budget.
 */
export async function reserveBudget(
  db: Kysely<Database>,
  r: Reservation & { budgetUsd: number; keyLabel: string; now: Date },
): Promise<void> {
  await db
    .insertInto('spend_counters')
    .values({ scope: r.scope, month: r.month })
    .onConflict((oc) => oc.columns(['scope', 'month']).doNothing())
    .execute();
  const admitted = await db
    .updateTable('spend_counters')
    .set((eb) => ({ reserved_usd: eb('reserved_usd', '+', r.amountUsd) }))
    .where('scope', '=', r.scope)
    .where('month', '=', r.month)
    .where((eb) => eb(eb('spent_usd', '+', eb.ref('reserved_usd')), '<', r.budgetUsd))
    .executeTakeFirst();
  if (Number(admitted.numUpdatedRows) > 0) return;
  const row = await db
    .selectFrom('spend_counters')
    .select('spent_usd')
    .where('scope', '=', r.scope)
    .where('month', '=', r.month)
    .executeTakeFirst();
  const retryAfter = Math.ceil((nextMonthStart(r.now).getTime() - r.now.getTime()) / 1000);
  throw budgetExceeded(
    `${r.keyLabel} has reached its monthly budget of ${usd(r.budgetUsd)} (spent ${usd(Number(row?.spent_usd ?? 0))} this month, plus what calls in flight may still cost); it resets at the start of next month (UTC).`,
    retryAfter,
  );
}
