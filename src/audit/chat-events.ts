import type { MiddlewareHandler } from 'hono';
import { GatewayError } from '../errors.js';
import type { AppEnv } from '../http/app-env.js';
import { budgetScope, monthOf } from '../usage/budgets.js';
import type { AuditTrail } from './audit-trail.js';

/** The key a chat request was served with (set by the chat route once it has chosen one). */
export interface KeyUse {
  /** The stored key's id; undefined for the system key. */
  keyId: string | undefined;
  provider: string;
  /** The stored key's preview (null for the system key): the audit row's target, read from no table. */
  preview: string | null;
  /** The organisation when the key is the organisation's (its rows carry it), else null. */
  orgId: string | null;
}

/** A stored key the provider refused during a chat request (now marked rejected). */
export interface KeyRejection {
  keyId: string;
  preview: string;
  provider: string;
  /** The gateway's answer for the refusal (401 provider_key_rejected). */
  status: number;
  /** The organisation when the key is the organisation's, else null. */
  orgId: string | null;
}

/**
 * Audit events a chat request can cause, written after it and off its path: a stored key the
 * provider refused (now marked rejected), a stored key's first use from an IP it was never used
 * from, and a key (or the user's share of the system key) reaching its monthly budget, once per
 * month. The last two are decided by an audit mark, so each is recorded once across every
 * instance; this instance remembers the marks it has seen, so a known (key, IP) pair costs one Set
 * lookup per request. Events about an organisation's key carry its organisation; the actor is
 * always the caller whose request caused them.
 */
export function chatAuditEvents(trail: AuditTrail, clock: () => Date): MiddlewareHandler<AppEnv> {
  return async function chatAuditMiddleware(c, next) {
    await next();
    const used = c.get('keyUse');
    if (!used) return;
    for (const r of c.get('keysRejected') ?? [])
      trail.log.record({
        ...trail.actorOf(c, r.orgId),
        action: 'key.rejected',
        target: { type: 'api_key', id: r.keyId, preview: r.preview },
        details: { provider: r.provider, status: r.status, during: 'chat' },
      });
    const actor = trail.actorOf(c, used.orgId);
    const { keyId, provider } = used;
    const target = {
      type: keyId ? ('api_key' as const) : ('system_key' as const),
      id: keyId ?? null,
      preview: used.preview,
    };
    if (keyId && actor.ip)
      trail.log.once(`ip:${keyId}:${actor.ip}`, async () => ({
        ...actor,
        action: 'key.new_ip',
        target,
        details: { provider },
      }));
    const err = c.error;
    if (err instanceof GatewayError && err.code === 'budget_exceeded') {
      const month = monthOf(clock());
      // A stored key's budget is the key's, whoever spends it (an organisation's key too).
      const scope = budgetScope(keyId, actor.userId);
      trail.log.once(`budget:${scope}:${month}`, async () => ({
        ...actor,
        action: 'key.budget_reached',
        target,
        details: { provider, month },
      }));
    }
  };
}
