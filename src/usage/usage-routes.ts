import { Hono } from 'hono';
import { z } from 'zod';
import { callerOrgId } from '../auth/org.js';
import type { Deps } from '../deps.js';
import { badRequest, notFound } from '../errors.js';
import type { AppEnv } from '../http/app-env.js';
import { parseBody } from '../http/validate.js';
import { type KeyOwner, orgOwner, userOwner } from '../vault/key-owner.js';
import { findKey } from '../vault/keys-repo.js';
import { GROUP_BYS, totalOf, type UsageQuery, usageByGroup } from './usage-repo.js';

/** An ISO 8601 date-time (any offset) or a bare date (midnight UTC). */
const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error: 'must be an ISO 8601 date or date-time',
});

const querySchema = z.strictObject({
  from: instant.optional(),
  to: instant.optional(),
  groupBy: z.enum(GROUP_BYS, { error: `must be one of ${GROUP_BYS.join(', ')}` }).optional(),
});

/**
 * `GET /api/user/usage` and `GET /api/user/api-keys/{keyId}/usage`: the caller's usage rows added
 * up per day, key, model or provider between `from` (inclusive) and `to` (exclusive); by default
 * this UTC calendar month so far, per day.
 */
function usageReport(deps: Deps) {
  const { db, dialect, clock } = deps;
  return async (owner: UsageQuery['owner'], raw: Record<string, string>, keyId?: string) => {
    const q = parseBody(querySchema, raw);
    const now = clock();
    const from = q.from ? new Date(q.from) : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const to = q.to ? new Date(q.to) : now;
    if (from.getTime() > to.getTime())
      throw badRequest('invalid_value', 'from: must not be after to', 'from');
    const groupBy = q.groupBy ?? 'day';
    const data = await usageByGroup(db, dialect, {
      owner,
      keyId,
      from: from.toISOString(),
      to: to.toISOString(),
      groupBy,
    });
    return {
      object: 'list',
      from: from.toISOString(),
      to: to.toISOString(),
      groupBy,
      data,
      total: totalOf(data),
    };
  };
}

export function usageRoutes(deps: Deps): Hono<AppEnv> {
  const report = usageReport(deps);
  const app = new Hono<AppEnv>();

  app.get('/usage', async (c) => c.json(await report({ userId: c.get('caller').userId }, c.req.query())));

  app.get('/api-keys/:keyId/usage', async (c) => {
    const userId = c.get('caller').userId;
    const keyId = c.req.param('keyId');
    await mustHoldKey(deps, userOwner(userId), keyId);
    return c.json(await report({ userId }, c.req.query(), keyId));
  });

  return app;
}

/** Another owner's key (or none) is 404, with the same body as an id that never existed. */
async function mustHoldKey(deps: Deps, owner: KeyOwner, keyId: string): Promise<void> {
  if (!(await findKey(deps.db, owner, keyId))) throw notFound('key_not_found', 'No such API key.', 'keyId');
}

/**
 * `GET /api/org/usage` and `GET /api/org/api-keys/{keyId}/usage`: what the caller's
 * organisation's keys served, whoever made the calls (`groupBy=user` names them). Mounted behind requireOrgAdmin: admins only.
 */
export function orgUsageRoutes(deps: Deps): Hono<AppEnv> {
  const report = usageReport(deps);
  const app = new Hono<AppEnv>();
  app.get('/usage', async (c) => c.json(await report({ orgId: callerOrgId(c) }, c.req.query())));
  app.get('/api-keys/:keyId/usage', async (c) => {
    const orgId = callerOrgId(c);
    const keyId = c.req.param('keyId');
    await mustHoldKey(deps, orgOwner(orgId), keyId);
    return c.json(await report({ orgId }, c.req.query(), keyId));
  });
  return app;
}
