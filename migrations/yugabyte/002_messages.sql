-- Message inclusion index, YugabyteDB dialect (see migrations/postgres/002_messages.sql).
CREATE TABLE IF NOT EXISTS tipset_messages (
  tipset_key_cid BYTEA NOT NULL,
  height         BIGINT NOT NULL,
  message_index  INT NOT NULL,
  message_cid    BYTEA,
  reverted       BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY ((tipset_key_cid) HASH, message_index ASC)
) SPLIT INTO 8 TABLETS;
CREATE INDEX IF NOT EXISTS tipset_messages_by_cid ON tipset_messages (message_cid HASH) WHERE message_cid IS NOT NULL;
CREATE INDEX IF NOT EXISTS tipsets_by_parent ON tipsets (parent_key_cid HASH);
