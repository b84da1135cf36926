-- Key lifecycle: what the provider last said about a key, the order and exclusivity of a user's
-- keys for one provider, expiry, rotation reminders and a 429'd key's rest. Plain SQL for D1 too.

-- 'unverified' | 'valid' | 'rejected'; `expired` is computed from expires_at when a row is read.
ALTER TABLE api_keys ADD COLUMN status TEXT NOT NULL DEFAULT 'unverified';
ALTER TABLE api_keys ADD COLUMN verified_at TEXT;
-- The provider's last refusal, scrubbed of key material.
ALTER TABLE api_keys ADD COLUMN last_error TEXT;
ALTER TABLE api_keys ADD COLUMN last_error_at TEXT;
-- Lower first; NULL after every numbered key; ties newest first.
ALTER TABLE api_keys ADD COLUMN priority INTEGER;
-- 1: a request for this provider never leaves the user's own keys for it.
ALTER TABLE api_keys ADD COLUMN exclusive INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_keys ADD COLUMN expires_at TEXT;
-- NULL: KEY_ROTATION_DAYS applies.
ALTER TABLE api_keys ADD COLUMN rotate_after_days INTEGER;
-- When the secret itself was last set (create or PUT); rotation reminders count from here.
ALTER TABLE api_keys ADD COLUMN secret_updated_at TEXT;
-- A 429'd key is tried after the user's other keys for its provider until then (every instance sees it).
ALTER TABLE api_keys ADD COLUMN rest_until TEXT;

UPDATE api_keys SET secret_updated_at = created_at;
