import type { Context } from 'hono';
import type { AppEnv } from '../http/app-env.js';
import { auditActorOf, type RemoteAddress } from './audit-context.js';
import type { AuditActor, AuditEvent, AuditLog } from './audit-log.js';

/** What routes use to write the audit log: the writer, and the actor of a request. */
export interface AuditTrail {
  log: AuditLog;
  actorOf(c: Context<AppEnv>, orgId?: string | null): AuditActor;
  /** Records an event done by this request's caller. */
  note(
    c: Context<AppEnv>,
    action: AuditEvent['action'],
    target: AuditEvent['target'],
    details?: AuditEvent['details'],
    orgId?: string | null,
  ): void;
}

export function createAuditTrail(
  log: AuditLog,
  trustProxy: number,
  remoteAddress: RemoteAddress | undefined,
): AuditTrail {
  const actorOf = auditActorOf(trustProxy, remoteAddress);
  return {
    log,
    actorOf,
    note(c, action, target, details, orgId) {
      log.record({ ...actorOf(c, orgId), action, target, ...(details ? { details } : {}) });
    },
  };
}
