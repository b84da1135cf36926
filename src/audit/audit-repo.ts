import type { Kysely } from 'kysely';
import { type Database, toIso } from '../store/schema.js';

/** An audit event as `GET /api/user/audit-log` shows it. */
export interface AuditEntry {
  id: string;
  action: string;
  createdAt: string;
  /** userId is null for the operator (a rewrap run), who acts on everyone's keys. */
  actor: { userId: string | null; via: string; tokenId: string | null };
  orgId: string | null;
  target: { type: string; id: string | null; preview: string | null };
  details: Record<string, unknown>;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

/** Whose events: the caller's own (`user_id`), or an organisation's (`org_id`). */
export type AuditScope = { userId: string } | { orgId: string };

function parseDetails(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** Newest first, at most `limit`, strictly older than `before` (an id) when given. */
export async function listAudit(
  db: Kysely<Database>,
  scope: AuditScope,
  limit: number,
  before: string | undefined,
): Promise<AuditEntry[]> {
  let q = db.selectFrom('audit_events').selectAll();
  q = 'userId' in scope ? q.where('user_id', '=', scope.userId) : q.where('org_id', '=', scope.orgId);
  if (before !== undefined) q = q.where('id', '<', before);
  const rows = await q.orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    action: r.action,
    createdAt: toIso(r.created_at),
    actor: {
      userId: r.actor === 'operator' ? null : r.user_id,
      via: r.actor,
      tokenId: r.actor_token_id,
    },
    orgId: r.org_id,
    target: { type: r.target_type, id: r.target_id, preview: r.target_preview },
    details: parseDetails(r.details),
    requestId: r.request_id,
    ip: r.ip,
    userAgent: r.user_agent,
  }));
}
