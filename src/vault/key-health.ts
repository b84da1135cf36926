import type { Kysely, Updateable } from 'kysely';
import type { Database } from '../store/schema.js';
import { type KeyOwner, ofOwner } from './key-owner.js';

/**
 * What providers say about a stored key, written in one place: verify, a rejection during chat,
 * a 429's rest. Each is one UPDATE scoped to the owner. Messages are already scrubbed of key
 * material by the adapter that built them; they are cut to a size a view can carry.
 */

const MAX_ERROR_CHARS = 500;
const cut = (message: string) => message.slice(0, MAX_ERROR_CHARS);

export interface KeyRef {
  owner: KeyOwner;
  keyId: string;
}

/** One owner-scoped UPDATE of a key's health columns. */
async function setHealth(
  db: Kysely<Database>,
  key: KeyRef,
  set: Updateable<Database['api_keys']>,
): Promise<void> {
  await ofOwner(db.updateTable('api_keys').set(set), key.owner).where('id', '=', key.keyId).execute();
}

/** The provider accepted the key: `valid`, any rest lifted, the last error kept for the record. */
export const markKeyVerified = (db: Kysely<Database>, key: KeyRef, at: string) =>
  setHealth(db, key, { status: 'valid', verified_at: at, rest_until: null });

/**
 * The provider refused the key (verify, or 401/403/API_KEY_INVALID during chat): routing skips it
 * until the owner verifies it again, replaces it or PATCHes it active.
 */
export const markKeyRejected = (db: Kysely<Database>, key: KeyRef, message: string, at: string) =>
  setHealth(db, key, { status: 'rejected', last_error: cut(message), last_error_at: at });

/**
 * A 429 (or spent quota): the key is tried after its provider's other keys until `until`, on every
 * instance (the row is shared); its status is unchanged.
 */
export const restKey = (db: Kysely<Database>, key: KeyRef, until: string, message: string, at: string) =>
  setHealth(db, key, { rest_until: until, last_error: cut(message), last_error_at: at });
