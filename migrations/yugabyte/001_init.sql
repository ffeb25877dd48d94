-- fil-follower schema v1, YugabyteDB YSQL dialect: the postgres dialect's tables with
-- YugabyteDB sharding. Keys that are hashes (multihash, CID) are HASH-sharded and
-- pre-split so writes spread over tablets from the first block; heights are range
-- (ASC) keys so "greatest height <= h" is one ordered tablet scan.
CREATE TABLE IF NOT EXISTS blocks (
  mh   BYTEA NOT NULL,
  data BYTEA NOT NULL,
  PRIMARY KEY (mh HASH)
) SPLIT INTO 16 TABLETS;

CREATE TABLE IF NOT EXISTS tipsets (
  tipset_key_cid BYTEA NOT NULL,
  tipset_key     BYTEA NOT NULL,
  height         BIGINT NOT NULL,
  parent_key_cid BYTEA NOT NULL,
  reverted       BOOLEAN NOT NULL DEFAULT FALSE,
  indexed_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (tipset_key_cid HASH)
) SPLIT INTO 8 TABLETS;
CREATE UNIQUE INDEX IF NOT EXISTS tipsets_canonical_height ON tipsets (height ASC) WHERE NOT reverted;

CREATE TABLE IF NOT EXISTS head (
  id         SMALLINT NOT NULL CHECK (id = 1),
  tipset_key BYTEA NOT NULL,
  height     BIGINT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (id)
);
