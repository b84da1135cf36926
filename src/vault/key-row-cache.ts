import type { Provider } from '../providers/kit/providers.js';
import { type SealedKey, sealedKeyOf } from './sealed-keys.js';

/**
 * A short-lived in-process cache of a user's active key rows, as stored: sealed. It saves the
 * database lookup that every chat request makes; the vault still opens the key on every call,
 * so no plaintext key is ever kept here (`set` copies only the SealedKey fields, frozen).
 *
 * Freshness: changes made through this instance call `invalidate(userId)` and are seen by the
 * very next request; a change made on another instance (or straight in the database) is seen
 * once the entry is older than `ttlMs`. Memory is bounded by `maxUsers` (least recently used
 * evicted) times the few provider lists chat asks for. `ttlMs` 0 turns the cache off.
 */
export interface KeyRowCacheOptions {
  /** How long rows may be served without asking the database; default 2000, 0 = off. */
  ttlMs?: number;
  /** Users held at most; the least recently used go first. Default 10,000. */
  maxUsers?: number;
  /** Milliseconds on a monotonic scale; default performance.now. */
  clock?: () => number;
}

export interface KeyRowCache {
  readonly ttlMs: number;
  /** The rows stored for exactly this provider list (same order), unless missing or too old. */
  get(userId: string, providers: readonly Provider[]): readonly SealedKey[] | undefined;
  /**
   * Stores the rows read for this provider list. Pass the `ticket()` taken before the read: if
   * any invalidation happened meanwhile, the rows may predate it and are not stored.
   */
  set(userId: string, providers: readonly Provider[], rows: readonly SealedKey[], ticket?: number): void;
  /** Forgets everything held for the user; call after every change to their keys. */
  invalidate(userId: string): void;
  /** A token naming the current invalidation state, to take before a database read. */
  ticket(): number;
  /** get, else read (the database) and set. */
  load(
    userId: string,
    providers: readonly Provider[],
    read: () => Promise<readonly SealedKey[]>,
  ): Promise<readonly SealedKey[]>;
  /** Users held now (expired entries are dropped lazily). */
  readonly size: number;
}

interface Entry {
  rows: readonly SealedKey[];
  expiresAt: number;
}

const DEFAULT_KEY_CACHE_TTL_MS = 2_000;
const DEFAULT_KEY_CACHE_MAX_USERS = 10_000;

function sealedOnly(r: SealedKey): SealedKey {
  return Object.freeze(sealedKeyOf(r));
}

export function createKeyRowCache(opts: KeyRowCacheOptions = {}): KeyRowCache {
  const ttlMs = opts.ttlMs ?? DEFAULT_KEY_CACHE_TTL_MS;
  const maxUsers = opts.maxUsers ?? DEFAULT_KEY_CACHE_MAX_USERS;
  const clock = opts.clock ?? (() => performance.now());
  if (!(ttlMs >= 0)) throw new RangeError('ttlMs must be 0 or more');
  if (!Number.isInteger(maxUsers) || maxUsers < 1) throw new RangeError('maxUsers must be at least 1');
  const enabled = ttlMs > 0;

  // userId → (provider list → entry). A Map iterates in insertion order: re-inserting a user on
  // every use keeps the least recently used first. The inner maps hold one entry per provider
  // list key choice asks for (a handful, fixed by the code, never by the caller).
  const users = new Map<string, Map<string, Entry>>();
  let generation = 0;

  const touch = (userId: string, byList: Map<string, Entry>) => {
    users.delete(userId);
    users.set(userId, byList);
  };

  const cache: KeyRowCache = {
    ttlMs,
    get(userId, providers) {
      if (!enabled) return undefined;
      const byList = users.get(userId);
      if (byList === undefined) return undefined;
      const listKey = providers.join(',');
      const entry = byList.get(listKey);
      if (entry === undefined) return undefined;
      if (clock() >= entry.expiresAt) {
        byList.delete(listKey);
        if (byList.size === 0) users.delete(userId);
        return undefined;
      }
      touch(userId, byList);
      return entry.rows;
    },
    set(userId, providers, rows, ticket) {
      if (!enabled) return;
      if (ticket !== undefined && ticket !== generation) return;
      const byList = users.get(userId) ?? new Map<string, Entry>();
      byList.set(providers.join(','), {
        rows: Object.freeze(rows.map(sealedOnly)),
        expiresAt: clock() + ttlMs,
      });
      touch(userId, byList);
      if (users.size > maxUsers) {
        const oldest = users.keys().next().value;
        if (oldest !== undefined) users.delete(oldest);
      }
    },
    invalidate(userId) {
      generation++;
      users.delete(userId);
    },
    ticket: () => generation,
    async load(userId, providers, read) {
      const hit = cache.get(userId, providers);
      if (hit !== undefined) return hit;
      const ticket = generation;
      const rows = await read();
      cache.set(userId, providers, rows, ticket);
      return rows;
    },
    get size() {
      return users.size;
    },
  };
  return cache;
}
