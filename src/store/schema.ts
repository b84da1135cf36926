import type { ColumnType, Generated } from 'kysely';
import type { Provider } from '../providers/shared/providers.js';

/**
 * Table types. Timestamps are written as ISO strings; SQLite hands them back as strings and
 * PostgreSQL as Date, so reads go through `toIso`.
 */
type Timestamp = ColumnType<string | Date, string, string>;
type NullableTimestamp = ColumnType<string | Date | null, string | null, string | null>;

export interface ApiKeysTable {
  id: string;
  user_id: string;
  provider: Provider;
  encrypted_key: string;
  key_name: string | null;
  key_preview: string;
  is_active: ColumnType<number, number, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_used_at: NullableTimestamp;
}

export interface AccessTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  token_prefix: string;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface SchemaMigrationsTable {
  name: string;
  applied_at: Generated<string>;
}

export interface Database {
  api_keys: ApiKeysTable;
  access_tokens: AccessTokensTable;
  schema_migrations: SchemaMigrationsTable;
}

export type Dialect = 'sqlite' | 'postgres';

export function toIso(value: string | Date): string;
export function toIso(value: string | Date | null): string | null;
export function toIso(value: string | Date | null): string | null {
  if (value === null) return null;
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}
