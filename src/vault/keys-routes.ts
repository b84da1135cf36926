import { Hono } from 'hono';
import { z } from 'zod';
import type { AuditTrail } from '../audit/audit-trail.js';
import type { Deps } from '../deps.js';
import { badRequest, notFound } from '../errors.js';
import type { AppEnv } from '../http/app-env.js';
import { displayName } from '../http/display-name.js';
import { readJson } from '../http/read-json.js';
import { parseBody } from '../http/validate.js';
import { PROVIDERS } from '../providers/shared/providers.js';
import { monthOf } from '../usage/budgets.js';
import { monthSpendByKey } from '../usage/spend-repo.js';
import { checkKeyFormat, keyPreview } from './key-formats.js';
import type { KeyRowCache } from './key-row-cache.js';
import { type ApiKey, deleteKey, findKey, insertKey, listKeys, updateKey } from './keys-repo.js';

/** Bounds one user's rows (OWASP API4); generous for real use, fatal for a script filling the table. */
export const MAX_KEYS_PER_USER = 100;

const keyName = displayName;
/** USD per UTC calendar month, or null for none. */
const monthlyBudgetUsd = z
  .number({ error: 'must be a number of US dollars, or null' })
  .min(0, 'must be 0 or more')
  .max(1e9, 'must be at most 1000000000')
  .nullable();

const createSchema = z.strictObject({
  provider: z.enum(PROVIDERS, { error: `must be one of ${PROVIDERS.join(', ')}` }),
  apiKey: z.string({ error: 'must be a string' }),
  keyName: keyName.nullish(),
  monthlyBudgetUsd: monthlyBudgetUsd.optional(),
});

const patchSchema = z
  .strictObject({
    keyName: keyName.nullable().optional(),
    isActive: z.boolean().optional(),
    monthlyBudgetUsd: monthlyBudgetUsd.optional(),
  })
  .refine((p) => p.keyName !== undefined || p.isActive !== undefined || p.monthlyBudgetUsd !== undefined, {
    message: 'send keyName, isActive and/or monthlyBudgetUsd',
  });

/** How the audit log names a key: its id and preview, never more. */
const target = (k: Pick<ApiKey, 'id' | 'keyPreview'>) => ({
  type: 'api_key' as const,
  id: k.id,
  preview: k.keyPreview,
});

const keyNotFound = () => notFound('key_not_found', 'No such API key.', 'keyId');

/**
 * `/api/user/api-keys`: every query is scoped to the caller; another user's id reads as unknown.
 * Every successful change drops the caller's cached key rows, so their next chat request sees it.
 */
export function keysRoutes(deps: Deps, audit: AuditTrail, keyRows?: KeyRowCache): Hono<AppEnv> {
  const { db, vault, config, clock } = deps;
  const changed = (userId: string) => keyRows?.invalidate(userId);
  const app = new Hono<AppEnv>();
  // The view's monthSpendUsd: one grouped query for every key shown, never one per key.
  const withSpend = async (keys: ApiKey[]) => {
    const spent = await monthSpendByKey(
      db,
      keys.map((k) => k.id),
      monthOf(clock()),
    );
    return keys.map((k) => ({ ...k, monthSpendUsd: spent.get(k.id) ?? 0 }));
  };
  const oneWithSpend = async (key: ApiKey) => (await withSpend([key]))[0];

  app.get('/', async (c) => c.json({ data: await withSpend(await listKeys(db, c.get('caller').userId)) }));

  app.post('/', async (c) => {
    const userId = c.get('caller').userId;
    const body = parseBody(createSchema, await readJson(c.req.raw, config.maxBodyBytes));
    const { recognized } = checkKeyFormat(body.provider, body.apiKey);
    if (!recognized) deps.logger.info('unrecognized key format accepted', { provider: body.provider });
    const id = crypto.randomUUID();
    const encryptedKey = await vault.seal(body.apiKey, { userId, keyId: id, provider: body.provider });
    const created = await insertKey(
      db,
      deps.dialect,
      userId,
      {
        id,
        provider: body.provider,
        encryptedKey,
        keyName: body.keyName ?? null,
        keyPreview: keyPreview(body.apiKey),
        monthlyBudgetUsd: body.monthlyBudgetUsd ?? null,
        now: clock().toISOString(),
      },
      MAX_KEYS_PER_USER,
    );
    if (!created) {
      throw badRequest(
        'key_limit_reached',
        `A user can store at most ${MAX_KEYS_PER_USER} keys; delete one first.`,
      );
    }
    changed(userId);
    audit.note(c, 'key.created', target(created), { provider: created.provider, keyName: created.keyName });
    return c.json({ ...created, monthSpendUsd: 0 }, 201);
  });

  app.get('/:keyId', async (c) => {
    const key = await findKey(db, c.get('caller').userId, c.req.param('keyId'));
    if (!key) throw keyNotFound();
    return c.json(await oneWithSpend(key));
  });

  app.patch('/:keyId', async (c) => {
    const userId = c.get('caller').userId;
    const keyId = c.req.param('keyId');
    const body = parseBody(patchSchema, await readJson(c.req.raw, config.maxBodyBytes));
    const updated = await updateKey(db, userId, keyId, body, clock().toISOString());
    if (!updated) throw keyNotFound();
    changed(userId);
    audit.note(c, 'key.updated', target(updated), { fields: Object.keys(body).sort() });
    return c.json(await oneWithSpend(updated));
  });

  app.delete('/:keyId', async (c) => {
    const userId = c.get('caller').userId;
    const deleted = await deleteKey(db, userId, c.req.param('keyId'));
    if (!deleted) throw keyNotFound();
    changed(userId);
    audit.note(c, 'key.deleted', target(deleted), { provider: deleted.provider });
    return c.body(null, 204);
  });

  return app;
}
