-- @composio-webhooks/postgres: the idempotency store's one table (what store.migrate() runs).
-- One row per webhook-id. token: the claim token of a delivery being processed, NULL once it
-- was processed. expires_at: the end of the claim's lease, or of completedTtlMs once processed;
-- expired rows are deleted by the store itself (a bounded DELETE at most once a minute).
-- Idempotent: safe to run again. With another table name, replace composio_webhook_idempotency.
CREATE TABLE IF NOT EXISTS composio_webhook_idempotency (
  id text PRIMARY KEY,
  token text,
  expires_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS composio_webhook_idempotency_expires_at_idx ON composio_webhook_idempotency (expires_at);
