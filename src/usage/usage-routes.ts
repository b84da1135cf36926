import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import { badRequest, notFound } from '../errors.js';
import type { AppEnv } from '../http/app-env.js';
import { parseBody } from '../http/validate.js';
import { findKey } from '../vault/keys-repo.js';
import { GROUP_BYS, totalOf, usageByGroup } from './usage-repo.js';

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
export function usageRoutes(deps: Deps): Hono<AppEnv> {
  const { db, dialect, clock } = deps;
  const app = new Hono<AppEnv>();

  const report = async (userId: string, raw: Record<string, string>, keyId?: string) => {
    const q = parseBody(querySchema, raw);
    const now = clock();
    const from = q.from ? new Date(q.from) : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const to = q.to ? new Date(q.to) : now;
    if (from.getTime() > to.getTime())
      throw badRequest('invalid_value', 'from: must not be after to', 'from');
    const groupBy = q.groupBy ?? 'day';
    const data = await usageByGroup(db, dialect, {
      userId,
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

  app.get('/usage', async (c) => c.json(await report(c.get('caller').userId, c.req.query())));

  app.get('/api-keys/:keyId/usage', async (c) => {
    const userId = c.get('caller').userId;
    const keyId = c.req.param('keyId');
    if (!(await findKey(db, userId, keyId))) throw notFound('key_not_found', 'No such API key.', 'keyId');
    return c.json(await report(userId, c.req.query(), keyId));
  });

  return app;
}
