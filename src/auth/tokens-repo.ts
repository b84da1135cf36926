import { type Kysely, sql } from 'kysely';
import { insertCapped } from '../store/capped-insert.js';
import { type Database, type Dialect, toIso } from '../store/schema.js';
import { formatScopes, parseScopes, type Scope } from './scopes.js';

export interface AccessToken {
  id: string;
  name: string;
  tokenPreview: string;
  scopes: Scope[];
  expiresAt: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  /** The organisation it was minted in (null: none, or its user has left it since). */
  orgId: string | null;
}

/** Stores a token unless the user already holds `cap` live ones; undefined when full. */
export async function insertToken(
  db: Kysely<Database>,
  dialect: Dialect,
  userId: string,
  row: {
    id: string;
    name: string;
    hash: string;
    preview: string;
    scopes: Scope[];
    expiresAt: string | null;
    orgId: string | null;
    now: string;
  },
  cap: number,
): Promise<AccessToken | undefined> {
  const scopes = formatScopes(row.scopes);
  const stored = await insertCapped(db, dialect, {
    table: 'access_tokens',
    userId,
    cap,
    counted: sql`revoked_at IS NULL`,
    row: {
      id: row.id,
      user_id: userId,
      name: row.name,
      token_hash: row.hash,
      token_prefix: row.preview,
      created_at: row.now,
      scopes,
      expires_at: row.expiresAt,
      org_id: row.orgId,
    },
  });
  if (!stored) return undefined;
  return {
    id: row.id,
    name: row.name,
    tokenPreview: row.preview,
    scopes: [...parseScopes(scopes)],
    expiresAt: row.expiresAt,
    createdAt: row.now,
    lastUsedAt: null,
    orgId: row.orgId,
  };
}

export async function listTokens(db: Kysely<Database>, userId: string): Promise<AccessToken[]> {
  const rows = await db
    .selectFrom('access_tokens')
    .select(['id', 'name', 'token_prefix', 'scopes', 'expires_at', 'created_at', 'last_used_at', 'org_id'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    tokenPreview: r.token_prefix,
    scopes: [...parseScopes(r.scopes)],
    expiresAt: toIso(r.expires_at),
    createdAt: toIso(r.created_at),
    lastUsedAt: toIso(r.last_used_at),
    orgId: r.org_id,
  }));
}

/** Revokes the caller's own token; its preview, or undefined when there is no such live token. */
export async function revokeToken(
  db: Kysely<Database>,
  userId: string,
  id: string,
  now: string,
): Promise<string | undefined> {
  const row = await db
    .updateTable('access_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning('token_prefix')
    .executeTakeFirst();
  return row?.token_prefix;
}

/** The one lookup that is not scoped by user: the token itself is the proof of who the caller is. */
export async function findLiveTokenByHash(
  db: Kysely<Database>,
  hash: string,
): Promise<
  | { id: string; userId: string; scopes: ReadonlySet<Scope>; expiresAt: number | null; orgId: string | null }
  | undefined
> {
  const row = await db
    .selectFrom('access_tokens')
    .select(['id', 'user_id', 'scopes', 'expires_at', 'org_id'])
    .where('token_hash', '=', hash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    userId: row.user_id,
    scopes: parseScopes(row.scopes),
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at).getTime(),
    orgId: row.org_id,
  };
}

export async function touchToken(db: Kysely<Database>, id: string, at: string): Promise<void> {
  await db.updateTable('access_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}
