/**
 * The chain index: what the API needs beyond raw blocks. Modelled on Lotus's
 * ChainIndexer (chain/index/ddls.go): reorgs flip a `reverted` flag instead of
 * deleting rows; the canonical chain is the set of non-reverted tipsets, at most
 * one per height, none at a null round.
 */
import type { CID } from '../chain/cid.js';
import type { TipSet, TipSetKey } from '../chain/tipset.js';

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
  /** Release connections. */
  close(): Promise<void>;
}
