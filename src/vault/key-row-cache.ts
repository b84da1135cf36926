import type { Provider } from '../providers/kit/providers.js';
import type { KeyOwner } from './key-owner.js';
import { type SealedKey, sealedKeyOf } from './sealed-keys.js';

/**
 * A short-lived in-process cache of an owner's key rows (a user's, or an organisation's), as
 * stored: sealed. It saves the database lookup that every chat request makes; the vault still
 * opens the key on every call, so no plaintext key is ever kept here (`set` copies only the
 * SealedKey fields, frozen).
 *
 * Owners are namespaced by kind: users and organisations live in separate maps, so a user whose
 * id equals an organisation's id never gets the organisation's rows, and invalidating one never
 * touches the other.
 *
 * Freshness: changes made through this instance call `invalidate(owner)` and are seen by the
 * very next request; a change made on another instance (or straight in the database) is seen
 * once the entry is older than `ttlMs`. Memory is bounded by `maxOwners` per kind (least
 * recently used evicted) times the few provider lists chat asks for. `ttlMs` 0 turns the cache off.
 */
export interface KeyRowCacheOptions {
  /** How long rows may be served without asking the database; default 2000, 0 = off. */
  ttlMs?: number;
  /** Owners of each kind held at most; the least recently used go first. Default 10,000. */
  maxOwners?: number;
  /** Milliseconds on a monotonic scale; default performance.now. */
  clock?: () => number;
}

export interface KeyRowCache {
  readonly ttlMs: number;
  /** The rows stored for exactly this provider list (same order), unless missing or too old. */
  get(owner: KeyOwner, providers: readonly Provider[]): readonly SealedKey[] | undefined;
  /**
   * Stores the rows read for this provider list. Pass the `ticket()` taken before the read: if
   * any invalidation happened meanwhile, the rows may predate it and are not stored.
   */
  set(owner: KeyOwner, providers: readonly Provider[], rows: readonly SealedKey[], ticket?: number): void;
  /** Forgets everything held for this owner; call after every change to their keys. */
  invalidate(owner: KeyOwner): void;
  /** A token naming the current invalidation state, to take before a database read. */
  ticket(): number;
  /** get, else read (the database) and set. */
  load(
    owner: KeyOwner,
    providers: readonly Provider[],
    read: () => Promise<readonly SealedKey[]>,
  ): Promise<readonly SealedKey[]>;
  /** Owners (of both kinds) held now (expired entries are dropped lazily). */
  readonly size: number;
}

interface Entry {
  rows: readonly SealedKey[];
  expiresAt: number;
}

const DEFAULT_KEY_CACHE_TTL_MS = 2_000;
const DEFAULT_KEY_CACHE_MAX_OWNERS = 10_000;

function sealedOnly(r: SealedKey): SealedKey {
  return Object.freeze(sealedKeyOf(r));
}

export function createKeyRowCache(opts: KeyRowCacheOptions = {}): KeyRowCache {
  const ttlMs = opts.ttlMs ?? DEFAULT_KEY_CACHE_TTL_MS;
  const maxOwners = opts.maxOwners ?? DEFAULT_KEY_CACHE_MAX_OWNERS;
  const clock = opts.clock ?? (() => performance.now());
  if (!(ttlMs >= 0)) throw new RangeError('ttlMs must be 0 or more');
  if (!Number.isInteger(maxOwners) || maxOwners < 1) throw new RangeError('maxOwners must be at least 1');
  const enabled = ttlMs > 0;

  // owner id → (provider list → entry), one map per owner kind: the kind is the namespace. A Map
  // iterates in insertion order: re-inserting an owner on every use keeps the least recently used
  // first. The inner maps hold one entry per provider list key choice asks for (a handful, fixed
  // by the code, never by the caller).
  const users = new Map<string, Map<string, Entry>>();
  const orgs = new Map<string, Map<string, Entry>>();
  const mapOf = (owner: KeyOwner) => (owner.kind === 'org' ? orgs : users);
  let generation = 0;

  const touch = (owners: Map<string, Map<string, Entry>>, id: string, byList: Map<string, Entry>) => {
    owners.delete(id);
    owners.set(id, byList);
  };

  const cache: KeyRowCache = {
    ttlMs,
    get(owner, providers) {
      if (!enabled) return undefined;
      const owners = mapOf(owner);
      const byList = owners.get(owner.id);
      if (byList === undefined) return undefined;
      const listKey = providers.join(',');
      const entry = byList.get(listKey);
      if (entry === undefined) return undefined;
      if (clock() >= entry.expiresAt) {
        byList.delete(listKey);
        if (byList.size === 0) owners.delete(owner.id);
        return undefined;
      }
      touch(owners, owner.id, byList);
      return entry.rows;
    },
    set(owner, providers, rows, ticket) {
      if (!enabled) return;
      if (ticket !== undefined && ticket !== generation) return;
      const owners = mapOf(owner);
      const byList = owners.get(owner.id) ?? new Map<string, Entry>();
      byList.set(providers.join(','), {
        rows: Object.freeze(rows.map(sealedOnly)),
        expiresAt: clock() + ttlMs,
      });
      touch(owners, owner.id, byList);
      if (owners.size > maxOwners) {
        const oldest = owners.keys().next().value;
        if (oldest !== undefined) owners.delete(oldest);
      }
    },
    invalidate(owner) {
      generation++;
      mapOf(owner).delete(owner.id);
    },
    ticket: () => generation,
    async load(owner, providers, read) {
      const hit = cache.get(owner, providers);
      if (hit !== undefined) return hit;
      const ticket = generation;
      const rows = await read();
      cache.set(owner, providers, rows, ticket);
      return rows;
    },
    get size() {
      return users.size + orgs.size;
    },
  };
  return cache;
}
