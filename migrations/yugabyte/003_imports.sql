-- Snapshot imports in progress, YugabyteDB dialect (see migrations/postgres/003_imports.sql).
CREATE TABLE IF NOT EXISTS imports (
  id          BIGSERIAL,
  path        TEXT NOT NULL,
  started_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  finished_at TIMESTAMPTZ,
  blocks      BIGINT,
  PRIMARY KEY (id ASC)
);
