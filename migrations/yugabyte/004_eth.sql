-- Eth indices, YugabyteDB YSQL dialect: see migrations/postgres/004_eth.sql for the
-- meaning of every column. Hash keys are HASH-sharded; heights are range (ASC) keys.
CREATE TABLE IF NOT EXISTS eth_tx_hashes (
  tx_hash     BYTEA NOT NULL,
  message_cid BYTEA NOT NULL,
  PRIMARY KEY (tx_hash HASH)
) SPLIT INTO 8 TABLETS;

CREATE TABLE IF NOT EXISTS events (
  tipset_key_cid BYTEA NOT NULL,
  height         BIGINT NOT NULL,
  message_index  INT NOT NULL,
  event_index    INT NOT NULL,
  message_cid    BYTEA NOT NULL,
  emitter_id     BIGINT NOT NULL,
  emitter_addr   BYTEA,
  t1             BYTEA,
  t2             BYTEA,
  t3             BYTEA,
  t4             BYTEA,
  entries        BYTEA NOT NULL,
  has_raw        BOOLEAN NOT NULL,
  reverted       BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY ((tipset_key_cid) HASH, message_index ASC, event_index ASC)
) SPLIT INTO 8 TABLETS;
CREATE INDEX IF NOT EXISTS events_by_height ON events (height ASC) WHERE NOT reverted;
CREATE INDEX IF NOT EXISTS events_by_emitter ON events ((emitter_addr) HASH, height ASC) WHERE NOT reverted;
CREATE INDEX IF NOT EXISTS events_by_t1 ON events ((t1) HASH, height ASC) WHERE NOT reverted;
