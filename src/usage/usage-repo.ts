import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database, Dialect } from '../store/schema.js';

export const GROUP_BYS = ['day', 'key', 'model', 'provider', 'user'] as const;
type GroupBy = (typeof GROUP_BYS)[number];

/** One group's totals, as `GET /api/user/usage` shows them. */
export interface UsageTotals {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  /** Sum of the known costs; null when every request in the group is unpriced. */
  costUsd: number | null;
  unpricedRequests: number;
  estimatedRequests: number;
}

export interface UsageQuery {
  /**
   * Whose usage: a user's own calls, or the calls an organisation's keys served (whoever made
   * them: usage rows record both the user and the organisation).
   */
  owner: { userId: string } | { orgId: string };
  /** Only this key's calls (the per-key route). */
  keyId?: string;
  /** Inclusive start, exclusive end, ISO 8601. */
  from: string;
  to: string;
  groupBy: GroupBy;
}

/** The day in UTC: rows are written as ISO text on SQLite/D1 and as timestamptz on PostgreSQL. */
function groupExpr(groupBy: GroupBy, dialect: Dialect): RawBuilder<string> {
  switch (groupBy) {
    case 'day':
      return dialect === 'postgres'
        ? sql<string>`to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`
        : sql<string>`substr(created_at, 1, 10)`;
    case 'key':
      return sql<string>`COALESCE(key_id, 'system')`;
    case 'model':
      return sql<string>`model`;
    case 'provider':
      return sql<string>`provider`;
    case 'user':
      return sql<string>`user_id`;
  }
}

const num = (v: unknown) => Number(v ?? 0);
/** USD to 1e-10: sums of floating-point costs otherwise show noise such as 2.9100000000000003e-05. */
export const roundUsd = (n: number) => Math.round(n * 1e10) / 1e10;

/** Totals per group (ordered by group), in one grouped query over the user's usage rows. */
export async function usageByGroup(
  db: Kysely<Database>,
  dialect: Dialect,
  q: UsageQuery,
): Promise<Array<UsageTotals & { group: string }>> {
  const group = groupExpr(q.groupBy, dialect);
  let query = db
    .selectFrom('usage_events')
    .select([
      group.as('grp'),
      sql<number>`COUNT(*)`.as('requests'),
      sql<number>`SUM(prompt_tokens)`.as('prompt'),
      sql<number>`SUM(completion_tokens)`.as('completion'),
      sql<number>`SUM(cached_tokens)`.as('cached'),
      sql<number>`SUM(reasoning_tokens)`.as('reasoning'),
      sql<number | null>`SUM(cost_usd)`.as('cost'),
      sql<number>`SUM(CASE WHEN cost_source = 'unpriced' THEN 1 ELSE 0 END)`.as('unpriced'),
      sql<number>`SUM(estimated)`.as('estimated'),
    ])
    .where((eb) =>
      'userId' in q.owner
        ? eb('user_id', '=', q.owner.userId)
        : eb.and([eb('org_id', '=', q.owner.orgId), eb('key_source', '=', 'org')]),
    )
    .where('created_at', '>=', q.from)
    .where('created_at', '<', q.to);
  if (q.keyId !== undefined) query = query.where('key_id', '=', q.keyId);
  const rows = await query.groupBy(group).orderBy(group).execute();
  return rows.map((r) => ({
    group: String(r.grp),
    requests: num(r.requests),
    promptTokens: num(r.prompt),
    completionTokens: num(r.completion),
    cachedTokens: num(r.cached),
    reasoningTokens: num(r.reasoning),
    costUsd: r.cost === null || r.cost === undefined ? null : roundUsd(Number(r.cost)),
    unpricedRequests: num(r.unpriced),
    estimatedRequests: num(r.estimated),
  }));
}

/** The groups added up: the response's `total`. */
export function totalOf(groups: readonly UsageTotals[]): UsageTotals {
  const total: UsageTotals = {
    requests: 0,
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    reasoningTokens: 0,
    costUsd: null,
    unpricedRequests: 0,
    estimatedRequests: 0,
  };
  for (const g of groups) {
    total.requests += g.requests;
    total.promptTokens += g.promptTokens;
    total.completionTokens += g.completionTokens;
    total.cachedTokens += g.cachedTokens;
    total.reasoningTokens += g.reasoningTokens;
    if (g.costUsd !== null) total.costUsd = roundUsd((total.costUsd ?? 0) + g.costUsd);
    total.unpricedRequests += g.unpricedRequests;
    total.estimatedRequests += g.estimatedRequests;
  }
  // No request at all costs nothing; only unpriced requests leave the cost unknown.
  if (total.requests === 0) total.costUsd = 0;
  return total;
}
