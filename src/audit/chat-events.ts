import type { MiddlewareHandler } from 'hono';
import type { Kysely } from 'kysely';
import { GatewayError } from '../errors.js';
import type { AppEnv } from '../http/app-env.js';
import type { Database } from '../store/schema.js';
import { budgetScope, monthOf } from '../usage/budgets.js';
import type { AuditTrail } from './audit-trail.js';

/** The key a chat request was served with (set by the chat route once it has chosen one). */
export interface KeyUse {
  /** The stored key's id; undefined for the system key. */
  keyId: string | undefined;
  provider: string;
}

async function previewOf(db: Kysely<Database>, keyId: string): Promise<string | null> {
  const row = await db
    .selectFrom('api_keys')
    .select('key_preview')
    .where('id', '=', keyId)
    .executeTakeFirst();
  return row?.key_preview ?? null;
}

/**
 * Audit events a chat request can cause, written after it and off its path: a stored key's first
 * use from an IP it was never used from, and a key (or the user's share of the system key)
 * reaching its monthly budget, once per month. Each is decided by an audit mark, so it is
 * recorded once across every instance; this instance remembers the marks it has seen, so a known
 * (key, IP) pair costs one Set lookup per request.
 */
export function chatAuditEvents(
  db: Kysely<Database>,
  trail: AuditTrail,
  clock: () => Date,
): MiddlewareHandler<AppEnv> {
  return async function chatAuditMiddleware(c, next) {
    await next();
    const used = c.get('keyUse');
    if (!used) return;
    const actor = trail.actorOf(c);
    const { keyId, provider } = used;
    const target = async () => ({
      type: keyId ? ('api_key' as const) : ('system_key' as const),
      id: keyId ?? null,
      preview: keyId ? await previewOf(db, keyId) : null,
    });
    if (keyId && actor.ip)
      trail.log.once(`ip:${keyId}:${actor.ip}`, async () => ({
        ...actor,
        action: 'key.new_ip',
        target: await target(),
        details: { provider },
      }));
    const err = c.error;
    if (err instanceof GatewayError && err.code === 'budget_exceeded') {
      const month = monthOf(clock());
      const scope = budgetScope(keyId, actor.userId);
      trail.log.once(`budget:${scope}:${month}`, async () => ({
        ...actor,
        action: 'key.budget_reached',
        target: await target(),
        details: { provider, month },
      }));
    }
  };
}
