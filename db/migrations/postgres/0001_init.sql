-- is_active is a smallint (0/1), as on SQLite, so repositories write one value on both dialects.
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  encrypted_key TEXT NOT NULL,
  key_name TEXT,
  key_preview TEXT NOT NULL,
  is_active SMALLINT NOT NULL DEFAULT 1,
  created_at TIMESTAMPTZ NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL,
  last_used_at TIMESTAMPTZ
);

-- A missing name counts as one value: at most one unnamed key per user and provider.
CREATE UNIQUE INDEX api_keys_user_provider_name ON api_keys (user_id, provider, COALESCE(key_name, ''));

CREATE INDEX api_keys_user_created ON api_keys (user_id, created_at);

CREATE TABLE access_tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  token_prefix TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  last_used_at TIMESTAMPTZ,
  revoked_at TIMESTAMPTZ
);

CREATE INDEX access_tokens_user ON access_tokens (user_id, created_at);
