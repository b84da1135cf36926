import { type Context, Hono } from 'hono';
import type { AuditTrail } from '../audit/audit-trail.js';
import { callerOrgId } from '../auth/org.js';
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
import { bindingOf, type KeyOwner, orgOwner, userOwner } from './key-owner.js';
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

/** Bounds one owner's rows (OWASP API4); generous for real use, fatal for a script filling the table. */
export const MAX_KEYS_PER_USER = 100;

/** Whose keys a mount of the key routes serves, and how its audit rows name the organisation. */
export interface KeyScope {
  ownerOf(c: Context<AppEnv>): KeyOwner;
  /** The organisation on the audit rows: null for a user's own keys. */
  auditOrgOf(c: Context<AppEnv>): string | null;
  /** Who is full, in the key_limit_reached message. */
  holder: string;
}

/** `/api/user/api-keys`: the caller's own keys. */
export const userKeys: KeyScope = {
  ownerOf: (c) => userOwner(c.get('caller').userId),
  auditOrgOf: () => null,
  holder: 'A user',
};

/** `/api/org/api-keys`: the caller's organisation's keys (writes behind requireOrgAdmin). */
export const orgKeys: KeyScope = {
  ownerOf: (c) => orgOwner(callerOrgId(c)),
  auditOrgOf: callerOrgId,
  holder: 'An organisation',
};

/** How the audit log names a key: its id and preview, never more. */
const target = (k: Pick<ApiKey, 'id' | 'keyPreview'>) => ({
  type: 'api_key' as const,
  id: k.id,
  preview: k.keyPreview,
});

const keyNotFound = () => notFound('key_not_found', 'No such API key.', 'keyId');

/**
 * The key routes of one owner, the caller or their organisation (`scope`): every query is scoped to
 * that owner, so another owner's key id reads as unknown. Every successful change drops the owner's
 * cached key rows, so the next chat request sees it.
 */
export function keysRoutes(
  deps: Deps,
  audit: AuditTrail,
  keyRows: KeyRowCache | undefined,
  scope: KeyScope,
): Hono<AppEnv> {
  const { db, vault, config, clock } = deps;
  const changed = (owner: KeyOwner) => keyRows?.invalidate(owner);
  const note = (
    c: Context<AppEnv>,
    action: Parameters<AuditTrail['note']>[1],
    key: Pick<ApiKey, 'id' | 'keyPreview'>,
    details: Parameters<AuditTrail['note']>[3],
  ) => audit.note(c, action, target(key), details, scope.auditOrgOf(c));
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
    const keys = (await listKeys(db, scope.ownerOf(c), view())).filter(
      (k) =>
        (q.status === undefined || k.status === q.status) &&
        (q.provider === undefined || k.provider === q.provider) &&
        (q.rotationDue === undefined || k.rotationDue === (q.rotationDue === 'true')),
    );
    return c.json({ data: await withSpend(keys) });
  });

  app.post('/', async (c) => {
    const owner = scope.ownerOf(c);
    const body = parseBody(createSchema, await readJson(c.req.raw, config.maxBodyBytes));
    const verifiedAt = await acceptSecret(body.provider, body.apiKey, body.verify);
    const id = crypto.randomUUID();
    const encryptedKey = await vault.seal(body.apiKey, bindingOf(owner, id, body.provider));
    const created = await insertKey(
      db,
      deps.dialect,
      owner,
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
        `${scope.holder} can store at most ${MAX_KEYS_PER_USER} keys; delete one first.`,
      );
    }
    changed(owner);
    note(c, 'key.created', created, { provider: created.provider, keyName: created.keyName });
    return c.json({ ...created, monthSpendUsd: 0 }, 201);
  });

  app.get('/:keyId', async (c) => {
    const key = await findKey(db, scope.ownerOf(c), c.req.param('keyId'), view());
    if (!key) throw keyNotFound();
    return c.json(await oneWithSpend(key));
  });

  app.patch('/:keyId', async (c) => {
    const owner = scope.ownerOf(c);
    const keyId = c.req.param('keyId');
    const body = parseBody(patchSchema, await readJson(c.req.raw, config.maxBodyBytes));
    const updated = await updateKey(db, owner, keyId, body, clock().toISOString(), view());
    if (!updated) throw keyNotFound();
    changed(owner);
    note(c, 'key.updated', updated, { fields: Object.keys(body).sort() });
    return c.json(await oneWithSpend(updated));
  });

  // A new secret under the same id: name, priority, budget and usage history stay.
  app.put('/:keyId', async (c) => {
    const owner = scope.ownerOf(c);
    const keyId = c.req.param('keyId');
    const body = parseBody(putSchema, await readJson(c.req.raw, config.maxBodyBytes));
    const existing = await findKey(db, owner, keyId, view());
    if (!existing) throw keyNotFound();
    const verifiedAt = await acceptSecret(existing.provider, body.apiKey, body.verify);
    const encryptedKey = await vault.seal(body.apiKey, bindingOf(owner, keyId, existing.provider));
    const now = clock().toISOString();
    const secret = { encryptedKey, keyPreview: keyPreview(body.apiKey), verifiedAt, now };
    const replaced = await replaceSecret(db, owner, keyId, secret, view());
    if (!replaced) throw keyNotFound();
    changed(owner);
    note(c, 'key.replaced', replaced, {
      previousPreview: existing.keyPreview,
      verified: verifiedAt !== null,
    });
    return c.json(await oneWithSpend(replaced));
  });

  app.post('/:keyId/verify', async (c) => {
    const owner = scope.ownerOf(c);
    const keyId = c.req.param('keyId');
    // No body, or `{}`: anything else is refused like on every other write route.
    if (c.req.raw.body !== null && c.req.header('content-length') !== '0')
      parseBody(verifySchema, await readJson(c.req.raw, config.maxBodyBytes));
    const sealed = await findSealedKey(db, owner, keyId);
    if (!sealed) throw keyNotFound();
    // An unreadable secret is stored_key_unreadable (500), as in chat; the status stays.
    const apiKey = await vault
      .open(sealed.encryptedKey, bindingOf(owner, keyId, sealed.provider))
      .catch((err: unknown) => {
        if (!(err instanceof VaultError)) throw err;
        throw storedKeyUnreadable(`${providerLabel(sealed.provider)} key ${sealed.keyPreview}`);
      });
    const check = await checkKeyWithProvider(deps, sealed.provider, apiKey, sealed.keyPreview);
    const ref = { owner, keyId };
    if (check.valid) await markKeyVerified(db, ref, check.checkedAt);
    else await markKeyRejected(db, ref, check.message ?? 'rejected', check.checkedAt);
    changed(owner);
    note(
      c,
      'key.verified',
      { id: keyId, keyPreview: sealed.keyPreview },
      { result: check.valid ? 'valid' : 'rejected' },
    );
    return c.json(check);
  });

  app.delete('/:keyId', async (c) => {
    const owner = scope.ownerOf(c);
    const deleted = await deleteKey(db, owner, c.req.param('keyId'));
    if (!deleted) throw keyNotFound();
    changed(owner);
    note(c, 'key.deleted', deleted, { provider: deleted.provider });
    return c.body(null, 204);
  });

  return app;
}
