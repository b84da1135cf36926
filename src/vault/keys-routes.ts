import { Hono } from 'hono';
import type { AuditTrail } from '../audit/audit-trail.js';
import type { Deps } from '../deps.js';
import { badRequest, keyRefusedByProvider, notFound, storedKeyUnreadable } from '../errors.js';
import type { AppEnv } from '../http/app-env.js';
import { readJson } from '../http/read-json.js';
import { parseBody } from '../http/validate.js';
import { type Provider, providerLabel } from '../providers/kit/providers.js';
import { monthOf } from '../usage/budgets.js';
import { monthSpendByKey } from '../usage/spend-repo.js';
import { VaultError } from './index.js';
import { checkKeyFormat, keyPreview } from './key-formats.js';
import { markKeyRejected, markKeyVerified } from './key-health.js';
import { bindingOf, userOwner } from './key-owner.js';
import type { KeyRowCache } from './key-row-cache.js';
import type { KeyViewContext } from './key-view.js';
import {
  type ApiKey,
  deleteKey,
  findKey,
  insertKey,
  listKeys,
  replaceSecret,
  updateKey,
} from './keys-repo.js';
import { createSchema, listQuerySchema, patchSchema, putSchema, verifySchema } from './keys-schemas.js';
import { findSealedKey } from './sealed-keys.js';
import { checkKeyWithProvider } from './verify-key.js';

/** Bounds one user's rows (OWASP API4); generous for real use, fatal for a script filling the table. */
export const MAX_KEYS_PER_USER = 100;

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
  const changed = (userId: string) => keyRows?.invalidate(userOwner(userId));
  const view = (): KeyViewContext => ({ now: clock(), rotationDays: config.keyRotationDays });
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

  /** A new secret's checks: its shape, then (with `verify`) the provider; a refused key is never stored. */
  const acceptSecret = async (provider: Provider, apiKey: string, verify: boolean | undefined) => {
    const { recognized } = checkKeyFormat(provider, apiKey);
    if (!recognized) deps.logger.info('unrecognized key format accepted', { provider });
    if (!verify) return null;
    const check = await checkKeyWithProvider(deps, provider, apiKey, keyPreview(apiKey));
    if (!check.valid) throw keyRefusedByProvider(check.message ?? 'The provider rejected the key.');
    return check.checkedAt;
  };

  app.get('/', async (c) => {
    const q = parseBody(listQuerySchema, c.req.query());
    const keys = (await listKeys(db, c.get('caller').userId, view())).filter(
      (k) =>
        (q.status === undefined || k.status === q.status) &&
        (q.provider === undefined || k.provider === q.provider) &&
        (q.rotationDue === undefined || k.rotationDue === (q.rotationDue === 'true')),
    );
    return c.json({ data: await withSpend(keys) });
  });

  app.post('/', async (c) => {
    const userId = c.get('caller').userId;
    const body = parseBody(createSchema, await readJson(c.req.raw, config.maxBodyBytes));
    const verifiedAt = await acceptSecret(body.provider, body.apiKey, body.verify);
    const id = crypto.randomUUID();
    const encryptedKey = await vault.seal(body.apiKey, bindingOf(userOwner(userId), id, body.provider));
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
        priority: body.priority,
        exclusive: body.exclusive,
        expiresAt: body.expiresAt,
        rotateAfterDays: body.rotateAfterDays,
        verifiedAt,
        now: clock().toISOString(),
      },
      MAX_KEYS_PER_USER,
      view(),
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
    const key = await findKey(db, c.get('caller').userId, c.req.param('keyId'), view());
    if (!key) throw keyNotFound();
    return c.json(await oneWithSpend(key));
  });

  app.patch('/:keyId', async (c) => {
    const userId = c.get('caller').userId;
    const keyId = c.req.param('keyId');
    const body = parseBody(patchSchema, await readJson(c.req.raw, config.maxBodyBytes));
    const updated = await updateKey(db, userId, keyId, body, clock().toISOString(), view());
    if (!updated) throw keyNotFound();
    changed(userId);
    audit.note(c, 'key.updated', target(updated), { fields: Object.keys(body).sort() });
    return c.json(await oneWithSpend(updated));
  });

  // A new secret under the same id: name, priority, budget and usage history stay.
  app.put('/:keyId', async (c) => {
    const userId = c.get('caller').userId;
    const keyId = c.req.param('keyId');
    const body = parseBody(putSchema, await readJson(c.req.raw, config.maxBodyBytes));
    const existing = await findKey(db, userId, keyId, view());
    if (!existing) throw keyNotFound();
    const verifiedAt = await acceptSecret(existing.provider, body.apiKey, body.verify);
    const encryptedKey = await vault.seal(
      body.apiKey,
      bindingOf(userOwner(userId), keyId, existing.provider),
    );
    const now = clock().toISOString();
    const secret = { encryptedKey, keyPreview: keyPreview(body.apiKey), verifiedAt, now };
    const replaced = await replaceSecret(db, userId, keyId, secret, view());
    if (!replaced) throw keyNotFound();
    changed(userId);
    audit.note(c, 'key.replaced', target(replaced), {
      previousPreview: existing.keyPreview,
      verified: verifiedAt !== null,
    });
    return c.json(await oneWithSpend(replaced));
  });

  app.post('/:keyId/verify', async (c) => {
    const userId = c.get('caller').userId;
    const keyId = c.req.param('keyId');
    // No body, or `{}`: anything else is refused like on every other write route.
    if (c.req.raw.body !== null && c.req.header('content-length') !== '0')
      parseBody(verifySchema, await readJson(c.req.raw, config.maxBodyBytes));
    const sealed = await findSealedKey(db, userOwner(userId), keyId);
    if (!sealed) throw keyNotFound();
    // An unreadable secret is stored_key_unreadable (500), as in chat; the status stays.
    const apiKey = await vault
      .open(sealed.encryptedKey, bindingOf(userOwner(userId), keyId, sealed.provider))
      .catch((err: unknown) => {
        if (!(err instanceof VaultError)) throw err;
        throw storedKeyUnreadable(`${providerLabel(sealed.provider)} key ${sealed.keyPreview}`);
      });
    const check = await checkKeyWithProvider(deps, sealed.provider, apiKey, sealed.keyPreview);
    const ref = { owner: userOwner(userId), keyId };
    if (check.valid) await markKeyVerified(db, ref, check.checkedAt);
    else await markKeyRejected(db, ref, check.message ?? 'rejected', check.checkedAt);
    changed(userId);
    audit.note(
      c,
      'key.verified',
      { type: 'api_key', id: keyId, preview: sealed.keyPreview },
      { result: check.valid ? 'valid' : 'rejected' },
    );
    return c.json(check);
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
