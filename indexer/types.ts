/**
 * The chain index: what the API needs beyond raw blocks. Modelled on Lotus's
 * ChainIndexer (chain/index/ddls.go): reorgs flip a `reverted` flag instead of
 * deleting rows; the canonical chain is the set of non-reverted tipsets, at most
 * one per height, none at a null round.
 */
import type { CID } from '../chain/cid.js';
import type { TipSet, TipSetKey } from '../chain/tipset.js';
import type { EventEntry } from '../chain/types.js';

/** A tipset as the index knows it. */
export interface IndexedTipSet {
  key: TipSetKey;
  /** Epoch. */
  height: number;
}

/** A tipset to record as canonical, with the messages it includes in execution order. */
export interface AppliedTipSet {
  tipset: TipSet;
  /** Message CIDs as ChainGetMessagesInTipset lists them (the CID each is known by); null when unknown (not indexed). */
  messages: CID[] | null;
  /**
   * Eth transaction hashes of the tipset's delegated-signature (EIP-1559) messages
   * (Lotus ChainIndexer `eth_tx_hash`); native messages need none, their hash is
   * their CID's digest. Empty or absent when there are none.
   */
  ethTxHashes?: EthTxHashRow[];
  /**
   * The events of the PARENT tipset's messages, learnt from this tipset's
   * ParentMessageReceipts (execution is deferred one epoch); null or absent when
   * the receipts or events are not stored (then the parent's events stay unindexed).
   */
  parentEvents?: EventRow[] | null;
  /** Epoch of the parent tipset; required with `parentEvents`. */
  parentHeight?: number;
}

/** An eth transaction hash and the message it names. */
export interface EthTxHashRow {
  /** keccak-256 of the signed RLP, 32 bytes. */
  txHash: Uint8Array;
  /** The signed message's CID. */
  messageCid: CID;
}

/**
 * One actor event of one message, as the index keeps it (Lotus ChainIndexer `event`
 * and `event_entry`, chain/index/ddls.go). Ordered by height, then message index,
 * then event index.
 */
export interface EventRow {
  /** Position of the emitting message in its tipset's execution order. */
  messageIndex: number;
  messageCid: CID;
  /**
   * Lotus's `event_index`: a counter over all events of the tipset's messages, in
   * execution order (it is an eth log's `logIndex`).
   */
  eventIndex: number;
  /** Actor ID of the emitter. */
  emitter: number;
  /** The emitter's f4 (f410) address bytes, or null when it has none. */
  emitterAddr: Uint8Array | null;
  entries: EventEntry[];
}

/** An indexed event with the tipset that included its message. */
export interface IndexedEvent extends EventRow {
  tipset: IndexedTipSet;
  /** Always false for canonical queries; true in the rows a reorg removed. */
  reverted: boolean;
}

/**
 * An event query (eth_getLogs, GetActorEventsRaw): canonical events of tipsets in
 * [fromHeight, toHeight], or all events of one tipset (`tipsetKeyCid`: reverted ones
 * too, flagged, as Lotus's query drops its reverted condition then), optionally by emitter f4 address and by
 * EVM topics (`t1`…`t4` entries, each position a set of accepted 32-byte values,
 * null = any).
 */
export interface EventQuery {
  fromHeight: number;
  toHeight: number;
  /** Only this tipset (eth_getLogs blockHash). */
  tipsetKeyCid?: CID;
  /** Emitter f4 address bytes; empty or absent = any emitter. */
  emitterAddrs?: Uint8Array[];
  /**
   * Emitter actor IDs (eth masked-ID addresses); empty or absent = any. Given with
   * `emitterAddrs`, an event must match both (as Lotus's indexer query ANDs them).
   */
  emitterIds?: number[];
  /** Up to 4 positions; a position null or empty matches anything. */
  topics?: Array<Uint8Array[] | null>;
  /** Only events with at least one raw-codec (0x55) entry: what can be an eth log (Lotus's codec filter). */
  rawOnly?: boolean;
  /** Stop after this many rows (the caller asks for one more than its cap to detect overflow). */
  limit: number;
}

/** Where a message was included. */
export interface MessageInclusion extends IndexedTipSet {
  /** Position in the tipset's execution order (= index in the child's receipts AMT). */
  index: number;
}

/** The head row. */
export interface HeadRow extends IndexedTipSet {
  /** When the leader committed it (ms since epoch). */
  updatedAt: number;
}

/** Index operations the leader (writes) and followers (reads) use. */
export interface ChainIndex {
  /**
   * Record a head change: mark `reverts` reverted, then record `applies` as canonical
   * (any other canonical tipset at an applied height is marked reverted). Idempotent.
   */
  applyHeadChange(reverts: TipSet[], applies: AppliedTipSet[]): Promise<void>;
  /** Move the head row. Call only after the tipset's blocks and index rows are committed. */
  setHead(ts: TipSet): Promise<void>;
  /** The head row, or null before the first head. */
  getHead(): Promise<HeadRow | null>;
  /**
   * The canonical tipset at the greatest height ≤ `height` (`before`) or the
   * smallest height ≥ `height` (`after`); null when there is none.
   */
  canonicalAt(height: number, dir: 'before' | 'after'): Promise<IndexedTipSet | null>;
  /** The canonical (non-reverted) inclusions of a message, highest first. */
  messageInclusions(messageCid: CID): Promise<MessageInclusion[]>;
  /** The canonical child of a tipset (the tipset whose parents it is), or null. */
  canonicalChild(keyCid: CID): Promise<IndexedTipSet | null>;
  /** Record that a snapshot import started; returns its (opaque) id. */
  importStarted(path: string): Promise<string>;
  /** Record that an import finished (earlier unfinished imports of the same file too). */
  importFinished(id: string, blocks: number): Promise<void>;
  /** Paths of imports that started and never finished. */
  unfinishedImports(): Promise<string[]>;
  /** Whether the tipset is indexed and not reverted. */
  isCanonical(keyCid: CID): Promise<boolean>;
  /**
   * The indexed tipset whose TipSetKey CID is `keyCid` (canonical or reverted: an eth
   * block hash names any tipset, as Lotus's GetTipSetByCid), or null.
   */
  byKeyCid(keyCid: CID): Promise<(IndexedTipSet & { reverted: boolean }) | null>;
  /** The message an eth transaction hash names (delegated-signature messages), or null. */
  messageByEthTxHash(txHash: Uint8Array): Promise<CID | null>;
  /**
   * Canonical events matching `q`, in chain order (height, message index, event
   * index); only tipsets whose events were indexed (a child applied) contribute.
   */
  events(q: EventQuery): Promise<IndexedEvent[]>;
  /** Release connections. */
  close(): Promise<void>;
}
