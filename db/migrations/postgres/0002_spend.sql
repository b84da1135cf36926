-- Spend control: scoped gateway tokens, key budgets, one usage row per upstream call, and the
-- per-month spend counters that budgets are checked and reserved against. Same shape as the SQLite file.

-- Tokens made before scopes existed could only chat: they keep exactly that.
ALTER TABLE access_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'chat';
ALTER TABLE access_tokens ADD COLUMN expires_at TIMESTAMPTZ;

-- NULL: no budget. USD per UTC calendar month.
ALTER TABLE api_keys ADD COLUMN monthly_budget_usd DOUBLE PRECISION;

-- One row per chat request that reached an upstream. key_id is NULL for the system key.
-- cost_usd is NULL when the model is unpriced (cost_source 'unpriced'), never 0 for "unknown".
CREATE TABLE usage_events (
  id TEXT PRIMARY KEY,
  request_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  key_id TEXT,
  key_source TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  upstream_model TEXT NOT NULL,
  prompt_tokens INTEGER NOT NULL,
  completion_tokens INTEGER NOT NULL,
  cached_tokens INTEGER NOT NULL,
  reasoning_tokens INTEGER NOT NULL,
  cost_usd DOUBLE PRECISION,
  cost_source TEXT NOT NULL,
  estimated SMALLINT NOT NULL,
  status INTEGER NOT NULL,
  latency_ms INTEGER NOT NULL,
  ttft_ms INTEGER,
  created_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX usage_events_user_time ON usage_events (user_id, created_at);

CREATE INDEX usage_events_key_time ON usage_events (key_id, created_at);

-- Spend per budget scope ('key:<id>' or 'system:<user id>') and UTC month ('2026-12'): what
-- finished calls cost (spent_usd) and what calls in flight may still cost (reserved_usd). A
-- conditional UPDATE on this row admits a call, so the check holds across gateway instances.
CREATE TABLE spend_counters (
  scope TEXT NOT NULL,
  month TEXT NOT NULL,
  spent_usd DOUBLE PRECISION NOT NULL DEFAULT 0,
  reserved_usd DOUBLE PRECISION NOT NULL DEFAULT 0,
  PRIMARY KEY (scope, month)
);
