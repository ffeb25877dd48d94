-- Eth indices (Lotus ChainIndexer's eth_tx_hash, event and event_entry, chain/index/ddls.go).
--
-- Eth transaction hash of every delegated-signature (EIP-1559) message: keccak-256 of
-- its signed RLP. Native messages need no row: their hash is their CID's digest.
-- Like Lotus's, rows are never reverted; a lookup checks the message's inclusion.
CREATE TABLE IF NOT EXISTS eth_tx_hashes (
  tx_hash     BYTEA PRIMARY KEY,    -- 32 bytes
  message_cid BYTEA NOT NULL        -- CID bytes of the signed message
);

-- Actor events, one row per event of a message, keyed by the tipset that included the
-- message. They are learnt when a child tipset is applied (its ParentMessageReceipts);
-- a reorg that reverts that child flips `reverted`, as Lotus's indexer does.
CREATE TABLE IF NOT EXISTS events (
  tipset_key_cid BYTEA NOT NULL,    -- tipset that included the emitting message
  height         BIGINT NOT NULL,   -- its epoch
  message_index  INT NOT NULL,      -- the message's position in the tipset's execution order
  event_index    INT NOT NULL,      -- counter over the tipset's events in execution order (Lotus event_index, eth logIndex)
  message_cid    BYTEA NOT NULL,
  emitter_id     BIGINT NOT NULL,   -- actor ID of the emitter
  emitter_addr   BYTEA,             -- its f4 (f410) address bytes, NULL when it has none
  t1             BYTEA,             -- EVM topics: the raw-codec t1…t4 entries, for eth_getLogs filters
  t2             BYTEA,
  t3             BYTEA,
  t4             BYTEA,
  entries        BYTEA NOT NULL,    -- dag-cbor [[flags, key, codec, value]…], verbatim
  has_raw        BOOLEAN NOT NULL,  -- some entry has the raw codec: the event can be an eth log
  reverted       BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (tipset_key_cid, message_index, event_index)
);
CREATE INDEX IF NOT EXISTS events_by_height ON events (height) WHERE NOT reverted;
CREATE INDEX IF NOT EXISTS events_by_emitter ON events (emitter_addr, height) WHERE NOT reverted;
CREATE INDEX IF NOT EXISTS events_by_t1 ON events (t1, height) WHERE NOT reverted;
