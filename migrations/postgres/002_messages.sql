-- Message inclusion index (Lotus ChainIndexer's tipset_message, chain/index/ddls.go):
-- one row per message a tipset includes, in the tipset's execution order
-- (blocks in tipset order, BLS then secp per block, each sender's nonce once);
-- an empty tipset gets one placeholder row with message_cid NULL, so
-- "indexed and empty" differs from "not indexed". Reorgs flip `reverted`.
CREATE TABLE IF NOT EXISTS tipset_messages (
  tipset_key_cid BYTEA NOT NULL,
  height         BIGINT NOT NULL,
  message_index  INT NOT NULL,      -- -1 for the empty-tipset placeholder
  message_cid    BYTEA,             -- NULL only for the placeholder
  reverted       BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (tipset_key_cid, message_index)
);
CREATE INDEX IF NOT EXISTS tipset_messages_by_cid ON tipset_messages (message_cid) WHERE message_cid IS NOT NULL;

-- Children of a tipset: where its messages' receipts are (execution is deferred one epoch).
CREATE INDEX IF NOT EXISTS tipsets_by_parent ON tipsets (parent_key_cid);
