import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** A token whose organisation was taken away: what the audit log says about it. */
export interface DetachedToken {
  id: string;
  preview: string;
  orgId: string;
}

const REMEMBERED_USERS = 10_000;

/**
 * A gateway token carries the organisation it was minted in, but the token alone cannot tell when
 * its user leaves it: only the user's next JWT can. So every JWT is compared with what its user's
 * last JWT said: when the organisation differs (another one, or none), the user's tokens minted in
 * any other organisation lose it at once (one SELECT, and an UPDATE when there are such tokens; they keep working for the user's own keys).
 * An unchanged organisation costs one Map lookup. On a new process the first JWT of each user runs
 * the UPDATE once, so a change seen by another instance is caught here too.
 */
export function createOrgTokenSync(
  db: Kysely<Database>,
  onDetached: (userId: string, tokens: DetachedToken[]) => void,
): (userId: string, orgId: string | undefined) => Promise<void> {
  const lastOrg = new Map<string, string>();
  return async (userId, orgId) => {
    const current = orgId ?? '';
    if (lastOrg.get(userId) === current) return;
    let q = db
      .selectFrom('access_tokens')
      .select(['id', 'token_prefix', 'org_id'])
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('org_id', 'is not', null);
    if (orgId !== undefined) q = q.where('org_id', '<>', orgId);
    const stale = await q.execute();
    if (stale.length > 0) {
      await db
        .updateTable('access_tokens')
        .set({ org_id: null })
        .where('user_id', '=', userId)
        .where(
          'id',
          'in',
          stale.map((r) => r.id),
        )
        .execute();
      onDetached(
        userId,
        stale.map((r) => ({ id: r.id, preview: r.token_prefix, orgId: r.org_id ?? '' })),
      );
    }
    if (lastOrg.size >= REMEMBERED_USERS) lastOrg.delete(lastOrg.keys().next().value as string);
    lastOrg.set(userId, current);
  };
}
