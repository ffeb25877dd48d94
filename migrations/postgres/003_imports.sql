-- Snapshot imports in progress. An interrupted import leaves blocks whose children
-- may be missing (CAR files list parents first), which would break the leader's
-- "stop at stored blocks" walk; the leader refuses to sync while a row here has no
-- finished_at, and re-running the import completes it.
CREATE TABLE IF NOT EXISTS imports (
  id          BIGSERIAL PRIMARY KEY,
  path        TEXT NOT NULL,
  started_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  finished_at TIMESTAMPTZ,
  blocks      BIGINT
);
