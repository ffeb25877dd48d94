-- fil-follower schema v1 (PostgreSQL and YugabyteDB YSQL, postgres dialect).
-- Blocks are keyed by multihash, as Lotus keys its blockstore.
CREATE TABLE IF NOT EXISTS blocks (
  mh   BYTEA PRIMARY KEY,           -- multihash bytes of the block's CID
  data BYTEA NOT NULL               -- the block's bytes, verbatim
);

-- Every tipset the leader has indexed. Modelled on Lotus's ChainIndexer
-- (chain/index/ddls.go): a reorg flips `reverted` instead of deleting rows,
-- so "indexed and reverted" differs from "never indexed".
CREATE TABLE IF NOT EXISTS tipsets (
  tipset_key_cid BYTEA PRIMARY KEY, -- CID bytes of the TipSetKey (dag-cbor, blake2b-256)
  tipset_key     BYTEA NOT NULL,    -- concatenated block CID bytes, in tipset order
  height         BIGINT NOT NULL,   -- epoch
  parent_key_cid BYTEA NOT NULL,    -- tipset_key_cid of the parent tipset
  reverted       BOOLEAN NOT NULL DEFAULT FALSE,
  indexed_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- At most one canonical (non-reverted) tipset per height; null rounds have none.
CREATE UNIQUE INDEX IF NOT EXISTS tipsets_canonical_height ON tipsets (height) WHERE NOT reverted;

-- The head the leader last committed. One row; moved only after the head's
-- blocks and index rows are committed.
CREATE TABLE IF NOT EXISTS head (
  id         SMALLINT PRIMARY KEY CHECK (id = 1),
  tipset_key BYTEA NOT NULL,
  height     BIGINT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
