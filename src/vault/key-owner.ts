import type { KeyBinding } from './vault.js';

/**
 * Who owns a stored key: a user, or an organisation (a team's shared key). In `api_keys` the
 * owner is the pair (owner_kind, user_id) — for an organisation's key user_id holds the
 * organisation id — and every query filters on both, so a user whose id happens to equal an
 * organisation's id never reaches its keys.
 */
type OwnerKind = 'user' | 'org';

export interface KeyOwner {
  readonly kind: OwnerKind;
  readonly id: string;
}

export const userOwner = (userId: string): KeyOwner => ({ kind: 'user', id: userId });
export const orgOwner = (orgId: string): KeyOwner => ({ kind: 'org', id: orgId });

/**
 * The vault binding of an owner's key. An organisation's key is sealed under its own AAD domain,
 * so a ciphertext moved between a user's row and an organisation's row (whatever the ids) no
 * longer opens; users' keys keep the binding they always had, so existing rows stay readable.
 */
export function bindingOf(owner: KeyOwner, keyId: string, provider: string): KeyBinding {
  return owner.kind === 'org'
    ? { userId: owner.id, keyId, provider, ownerKind: 'org' }
    : { userId: owner.id, keyId, provider };
}

/** The owner's rows only: `owner_kind = ? AND user_id = ?`, for any api_keys query builder. */
export function ofOwner<Q extends { where(column: 'owner_kind' | 'user_id', op: '=', value: string): Q }>(
  query: Q,
  owner: KeyOwner,
): Q {
  return query.where('owner_kind', '=', owner.kind).where('user_id', '=', owner.id);
}
