import type { ColumnType, Generated } from 'kysely';
import type { Provider } from '../providers/kit/providers.js';

/**
 * Table types. Timestamps are written as ISO strings; SQLite hands them back as strings and
 * PostgreSQL as Date, so reads go through `toIso`.
 */
type Timestamp = ColumnType<string | Date, string, string>;
type NullableTimestamp = ColumnType<string | Date | null, string | null, string | null>;

interface ApiKeysTable {
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
  /** USD per UTC month; NULL = no budget. */
  monthly_budget_usd: ColumnType<number | null, number | null | undefined, number | null>;
  /** 'user' (user_id is the user) or 'org' (user_id is the organisation). */
  owner_kind: ColumnType<string, string | undefined, never>;
  /** 'unverified' | 'valid' | 'rejected' (`expired` is computed from expires_at at read time). */
  status: ColumnType<KeyStatusStored, KeyStatusStored | undefined, KeyStatusStored>;
  verified_at: ColumnType<string | Date | null, string | null | undefined, string | null>;
  /** The provider's last refusal, scrubbed of key material. */
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  last_error_at: ColumnType<string | Date | null, string | null | undefined, string | null>;
  /** Lower first; NULL after every numbered key. */
  priority: ColumnType<number | null, number | null | undefined, number | null>;
  exclusive: ColumnType<number, number | undefined, number>;
  expires_at: ColumnType<string | Date | null, string | null | undefined, string | null>;
  rotate_after_days: ColumnType<number | null, number | null | undefined, number | null>;
  /** When the secret was last set (create or PUT); NULL only on rows older than 0003's backfill. */
  secret_updated_at: ColumnType<string | Date | null, string | null | undefined, string | null>;
  /** A 429'd key rests (is tried after its provider's other keys) until then. */
  rest_until: ColumnType<string | Date | null, string | null | undefined, string | null>;
}

export type KeyStatusStored = 'unverified' | 'valid' | 'rejected';

interface AccessTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  token_prefix: string;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  /** Space-separated scopes, e.g. `chat keys:read`. */
  scopes: ColumnType<string, string | undefined, string>;
  expires_at: NullableTimestamp;
  /** The organisation the token was minted in; NULL when none (or detached since). */
  org_id: ColumnType<string | null, string | null | undefined, string | null>;
}

interface UsageEventsTable {
  id: string;
  request_id: string;
  user_id: string;
  key_id: string | null;
  key_source: string;
  provider: string;
  model: string;
  upstream_model: string;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  cost_usd: number | null;
  cost_source: string;
  estimated: number;
  status: number;
  latency_ms: number;
  ttft_ms: number | null;
  created_at: Timestamp;
  /** The caller's organisation at the time of the call. */
  org_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Append-only (a trigger refuses UPDATE); retention deletes old rows. */
interface AuditEventsTable {
  id: string;
  user_id: string;
  org_id: string | null;
  actor: string;
  actor_token_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  target_preview: string | null;
  /** JSON object, or NULL. */
  details: string | null;
  request_id: string | null;
  ip: string | null;
  user_agent: string | null;
  created_at: Timestamp;
}

interface AuditMarksTable {
  mark: string;
  created_at: Timestamp;
}

interface SpendCountersTable {
  scope: string;
  month: string;
  spent_usd: ColumnType<number, number | undefined, number>;
  reserved_usd: ColumnType<number, number | undefined, number>;
}

interface SchemaMigrationsTable {
  name: string;
  applied_at: Generated<string>;
}

export interface Database {
  api_keys: ApiKeysTable;
  access_tokens: AccessTokensTable;
  usage_events: UsageEventsTable;
  spend_counters: SpendCountersTable;
  audit_events: AuditEventsTable;
  audit_marks: AuditMarksTable;
  schema_migrations: SchemaMigrationsTable;
}

export type Dialect = 'sqlite' | 'postgres';

export function toIso(value: string | Date): string;
export function toIso(value: string | Date | null): string | null;
export function toIso(value: string | Date | null): string | null {
  if (value === null) return null;
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}
