import { Hono } from 'hono';
import { z } from 'zod';
import type { AuditTrail } from '../audit/audit-trail.js';
import type { Deps } from '../deps.js';
import { badRequest, notFound } from '../errors.js';
import type { AppEnv } from '../http/app-env.js';
import { displayName } from '../http/display-name.js';
import { readJson } from '../http/read-json.js';
import { parseBody } from '../http/validate.js';
import { DEFAULT_TOKEN_SCOPES, SCOPES } from './scopes.js';
import { hashToken, mintToken, tokenPreview } from './tokens.js';
import { insertToken, listTokens, revokeToken } from './tokens-repo.js';

export const MAX_TOKENS_PER_USER = 50;

const createSchema = z.strictObject({
  name: displayName,
  scopes: z
    .array(z.enum(SCOPES, { error: `must each be one of ${SCOPES.join(', ')}` }), {
      error: 'must be an array of scopes',
    })
    .min(1, 'must name at least one scope')
    .optional(),
  expiresAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).nullish(),
});

/** `/api/user/tokens`: mounted behind a JWT-only authenticator, so a token cannot mint tokens. */
export function tokensRoutes(deps: Deps, audit: AuditTrail): Hono<AppEnv> {
  const { db, config, clock } = deps;
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => c.json({ data: await listTokens(db, c.get('caller').userId) }));

  app.post('/', async (c) => {
    const userId = c.get('caller').userId;
    const body = parseBody(createSchema, await readJson(c.req.raw, config.maxBodyBytes));
    const now = clock();
    const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= now.getTime())
      throw badRequest('invalid_value', 'expiresAt: must be in the future', 'expiresAt');
    const token = mintToken();
    const created = await insertToken(
      db,
      deps.dialect,
      userId,
      {
        id: crypto.randomUUID(),
        name: body.name,
        hash: await hashToken(token),
        preview: tokenPreview(token),
        scopes: body.scopes ?? DEFAULT_TOKEN_SCOPES,
        expiresAt: expiresAt ? expiresAt.toISOString() : null,
        // The organisation the minting JWT names; the token carries it (as a member) from now on.
        orgId: c.get('caller').org?.orgId ?? null,
        now: now.toISOString(),
      },
      MAX_TOKENS_PER_USER,
    );
    if (!created) {
      throw badRequest(
        'token_limit_reached',
        `A user can hold at most ${MAX_TOKENS_PER_USER} tokens; revoke one first.`,
      );
    }
    audit.note(
      c,
      'token.created',
      { type: 'access_token', id: created.id, preview: created.tokenPreview },
      { scopes: created.scopes, expiresAt: created.expiresAt },
      created.orgId,
    );
    return c.json(
      {
        id: created.id,
        name: created.name,
        token,
        tokenPreview: created.tokenPreview,
        scopes: created.scopes,
        expiresAt: created.expiresAt,
        createdAt: created.createdAt,
        orgId: created.orgId,
      },
      201,
    );
  });

  app.delete('/:tokenId', async (c) => {
    const id = c.req.param('tokenId');
    const preview = await revokeToken(db, c.get('caller').userId, id, clock().toISOString());
    if (preview === undefined) throw notFound('token_not_found', 'No such token.', 'tokenId');
    audit.note(c, 'token.revoked', { type: 'access_token', id, preview });
    return c.body(null, 204);
  });

  return app;
}
