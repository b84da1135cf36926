import type { Kysely } from 'kysely';
import type { Provider } from '../providers/kit/providers.js';
import type { Database } from '../store/schema.js';
import type { KeyOwner } from './key-owner.js';
import type { KeyRowCache } from './key-row-cache.js';
import { type SealedKey, sealedKeysFor, sealedKeysOfBoth } from './sealed-keys.js';

const NONE: readonly SealedKey[] = Object.freeze([]);

/**
 * The sealed key rows key choice starts from: the caller's, and their organisation's when they
 * are in one, for the providers that could serve the request. Each owner has its own cache entry
 * (invalidated on its own); what the cache misses is read in one query — both owners at once
 * when both missed — never one query per key source.
 */
export async function keyRowsOf(
  db: Kysely<Database>,
  cache: KeyRowCache | undefined,
  user: KeyOwner,
  org: KeyOwner | undefined,
  providers: Provider[],
): Promise<{ user: readonly SealedKey[]; org: readonly SealedKey[] }> {
  if (org === undefined) {
    // No organisation: exactly the single-owner path it always was.
    const rows =
      cache?.get(user, providers) ??
      (await (cache
        ? cache.load(user, providers, () => sealedKeysFor(db, user, providers))
        : sealedKeysFor(db, user, providers)));
    return { user: rows, org: NONE };
  }
  const userHit = cache?.get(user, providers);
  const orgHit = cache?.get(org, providers);
  if (userHit !== undefined && orgHit !== undefined) return { user: userHit, org: orgHit };
  if (userHit !== undefined || orgHit !== undefined) {
    const missing = userHit === undefined ? user : org;
    const read = await (cache as KeyRowCache).load(missing, providers, () =>
      sealedKeysFor(db, missing, providers),
    );
    return userHit === undefined
      ? { user: read, org: orgHit as readonly SealedKey[] }
      : { user: userHit, org: read };
  }
  const ticket = cache?.ticket();
  const both = await sealedKeysOfBoth(db, user.id, org.id, providers);
  cache?.set(user, providers, both.user, ticket);
  cache?.set(org, providers, both.org, ticket);
  return both;
}
