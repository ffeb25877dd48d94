/**
 * What a method handler may use, as interfaces: the head view, the answer cache,
 * the head-change fan-out, the chain reader and the index. The follower implements
 * them (follower/head-tracker.ts, follower/response-cache.ts, rpc/chain-notify.ts);
 * the leader implements the few its methods need. Handlers never import the
 * follower: data flows upstream → leader → store → follower → balancer.
 */
import type { TipSet } from '../chain/tipset.js';
import type { ChainReader } from '../blockstore/chain-reader.js';
import type { ChainIndex } from '../indexer/types.js';
import type { Channel } from '../rpc/server.js';
import type { HeadChange } from '../chain/head-change.js';

/** The head a process serves, and height lookups relative to a tipset. */
export interface HeadView {
  /** The current head, or null before the first. */
  readonly head: TipSet | null;
  /**
   * The tipset at height `h` on the chain of `from` (`prev`: the one below a null
   * round, as ChainGetTipSetByHeight; else the one above, as …AfterHeight).
   * @throws HandlerError / InternalError as Lotus's ChainGetTipSetByHeight would.
   */
  tipSetAtHeight(h: number, from: TipSet, prev: boolean): Promise<TipSet>;
}

/** A cache of JSON answers keyed by what makes them immutable (CID, TipSetKey). */
export interface AnswerCache {
  /** The cached answer of `method` for `key`, or compute, cache and return it. Errors are not cached. */
  get<T>(method: string, key: string, compute: () => Promise<T>): Promise<T>;
}

/** The ChainNotify fan-out and Lotus JSON rendering of tipsets (rpc/chain-notify.ts). */
export interface HeadChanges {
  /** Lotus JSON of a tipset (`{Cids, Blocks, Height}`), cached by TipSetKey. */
  render(ts: TipSet): Record<string, unknown>;
  /** Send `current` now (or at the first head) and every later head change on `ch`. */
  subscribe(ch: Channel): void;
  /** Call `cb` with every later head change (reverts, then applies); returns the unsubscribe. */
  onChange(cb: (changes: HeadChange[]) => void): () => void;
}

/** Public-endpoint limits (lotus-gateway's lookback caps), in epochs; 0 = unlimited. */
export interface ApiLimits {
  lookbackEpochs: number;
  messageLookbackEpochs: number;
  /** Widest eth_getLogs height range (epochs); default 2880. */
  ethMaxFilterHeightRange?: number;
  /** Most eth_getLogs results across several tipsets; default 10000. */
  ethMaxFilterResults?: number;
}

/** Everything a process hands the API. */
export interface ApiDeps {
  reader: ChainReader;
  index: ChainIndex;
  heads: HeadView;
  changes: HeadChanges;
  cache: AnswerCache;
  limits: ApiLimits;
  /** What `Version` and `web3_clientVersion` call this process (`fil-follower`, `fil-follower-leader`). */
  agent: string;
}
