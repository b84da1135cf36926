import { Hono } from 'hono';
import { z } from 'zod';
import { callerOrgId } from '../auth/org.js';
import type { Deps } from '../deps.js';
import type { AppEnv } from '../http/app-env.js';
import { parseBody } from '../http/validate.js';
import type { AuditLog } from './audit-log.js';
import { type AuditScope, listAudit } from './audit-repo.js';
import { createCursorCodec } from './cursor.js';

const MAX_LIMIT = 100;

const querySchema = z.strictObject({
  limit: z.coerce
    .number({ error: `must be a whole number from 1 to ${MAX_LIMIT}` })
    .int(`must be a whole number from 1 to ${MAX_LIMIT}`)
    .min(1, `must be a whole number from 1 to ${MAX_LIMIT}`)
    .max(MAX_LIMIT, `must be a whole number from 1 to ${MAX_LIMIT}`)
    .optional(),
  cursor: z.string().max(200, 'not a cursor this gateway issued for your log').optional(),
});

/**
 * A page of an audit log, newest first: `{"object":"list","data":[…],"nextCursor"}`. The queue
 * of this instance is written first, so a change is in the log the moment its response is.
 */
function auditPages(deps: Deps, audit: AuditLog) {
  const cursors = createCursorCodec(deps.config.encryptionSecret);
  return async (scope: AuditScope, raw: Record<string, string>) => {
    const q = parseBody(querySchema, raw);
    const log = 'userId' in scope ? `user:${scope.userId}` : `org:${scope.orgId}`;
    const before = q.cursor === undefined ? undefined : await cursors.decode(log, q.cursor);
    const limit = q.limit ?? 50;
    await audit.flush();
    const rows = await listAudit(deps.db, scope, limit + 1, before);
    const data = rows.slice(0, limit);
    const last = data.at(-1);
    const nextCursor = rows.length > limit && last ? await cursors.encode(log, last.id) : null;
    return { object: 'list', data, nextCursor };
  };
}

/**
 * `GET /api/org/audit-log`: the events about the caller's organisation (its keys, its tokens'
 * detachment), whoever did them. Mounted behind requireOrgAdmin.
 */
export function orgAuditRoutes(deps: Deps, audit: AuditLog): Hono<AppEnv> {
  const page = auditPages(deps, audit);
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => c.json(await page({ orgId: callerOrgId(c) }, c.req.query())));
  return app;
}

/** `GET /api/user/audit-log`: the caller's own events only. */
export function auditRoutes(deps: Deps, audit: AuditLog): Hono<AppEnv> {
  const page = auditPages(deps, audit);
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => c.json(await page({ userId: c.get('caller').userId }, c.req.query())));
  return app;
}
