-- Accountability and teams: an append-only audit log per user (and organisation), the marks that
-- make "first use from a new IP" and "budget reached" events happen once, organisation-owned keys,
-- the organisation a gateway token was minted in, and the organisation of each usage row.
-- Same shape as the SQLite file.

-- One row per event. id sorts in time order (hex milliseconds, then a per-process sequence), so
-- the log pages newest first on (user_id, id). No secret and no request body is ever stored here.
CREATE TABLE audit_events (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  org_id TEXT,
  actor TEXT NOT NULL,
  actor_token_id TEXT,
  action TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id TEXT,
  target_preview TEXT,
  details TEXT,
  request_id TEXT,
  ip TEXT,
  user_agent TEXT,
  created_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX audit_events_user ON audit_events (user_id, id);

CREATE INDEX audit_events_org ON audit_events (org_id, id);

CREATE INDEX audit_events_time ON audit_events (created_at);

-- Append-only: retention may delete old rows, nothing may rewrite one.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$;

CREATE TRIGGER audit_events_append_only BEFORE UPDATE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- "Happened once" marks ('ip:<key id>:<ip>', 'budget:<scope>:<month>'): inserted with ON CONFLICT
-- DO NOTHING, so across instances exactly one writer records the event.
CREATE TABLE audit_marks (
  mark TEXT PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL
);

CREATE INDEX audit_marks_time ON audit_marks (created_at);

-- Keys owned by an organisation: owner_kind 'org' and user_id holding the organisation id. Every
-- query filters on both, so a user whose id equals an organisation's id never sees its keys.
ALTER TABLE api_keys ADD COLUMN owner_kind TEXT NOT NULL DEFAULT 'user';

DROP INDEX api_keys_user_provider_name;

CREATE UNIQUE INDEX api_keys_owner_provider_name ON api_keys (owner_kind, user_id, provider, COALESCE(key_name, ''));

-- The organisation the token was minted in (the JWT's ORG_CLAIM then); NULL: none.
ALTER TABLE access_tokens ADD COLUMN org_id TEXT;

-- The caller's organisation at the time of the call; key_source 'org' when its key served it.
ALTER TABLE usage_events ADD COLUMN org_id TEXT;

CREATE INDEX usage_events_org_time ON usage_events (org_id, created_at);
