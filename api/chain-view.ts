/**
 * The chain as every handler sees it: the head, tipsets by key with Lotus's errors
 * and lotus-gateway's lookback cap, headers, receipts, messages, and the network the
 * store's chain belongs to. One per process, shared by all methods; per-method
 * policies (lookback, cache) are applied by the {@link MethodContext} that wraps it.
 * Sources: lotus chain/store/store.go (LoadTipSet, GetTipSetFromKey), gateway/node.go
 * (checkTipsetKey, checkTipsetHeight).
 */
import type { TipSet, TipSetKey } from '../chain/tipset.js';
import type { CID } from '../chain/cid.js';
import { amtValues } from '../chain/amt.js';
import { type BlockHeader, type MessageReceipt, receiptFromCbor } from '../chain/types.js';
import { networkName } from '../chain/state.js';
import { type NetworkInfo, networkForGenesis, networkForName } from '../chain/network.js';
import type { NetworkPrefix } from '../chain/address.js';
import { BlockNotFoundError, type ChainMessage, type ChainReader } from '../blockstore/chain-reader.js';
import { HandlerError, InternalError, RpcError } from '../rpc/errors.js';
import { CorruptBlockError } from '../blockstore/verified.js';
import type { ApiDeps, HeadView } from './context.js';
import type { ChainIndex } from '../indexer/types.js';

/** The Lotus-shaped message of a load failure (`ipld: could not find <cid>`). */
export function loadErr(e: unknown): string {
  return (e as Error)?.message ?? String(e);
}

/**
 * The error a failed store read becomes: Lotus's code-1 `message` for what is not
 * found or does not decode, but a corrupt store row stays a server fault (-32603,
 * naming the CID), never dressed as the caller's error.
 */
export function readError(e: unknown, message: string): RpcError {
  if (e instanceof CorruptBlockError) return new InternalError(e.message, e);
  return new HandlerError(message, e);
}

/** The message of a failed LoadTipSet (lotus chain/store: `get block %s: %w`). */
function tipSetLoadErr(e: unknown): string {
  return e instanceof BlockNotFoundError ? `get block ${e.cid.toString()}: ${e.message}` : loadErr(e);
}

/** Go's time.Duration.String() of whole seconds (`8h0m0s`, `1m0s`, `30s`). */
function goDuration(secs: number): string {
  const [h, m, s] = [Math.floor(secs / 3600), Math.floor((secs % 3600) / 60), secs % 60];
  return h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
}

/**
 * A head view for a process whose head is the index's canonical chain (the leader,
 * tests): height lookups read the canonical tipset at that height from the index.
 */
export function canonicalHeads(index: ChainIndex, reader: ChainReader, head: () => TipSet | null): HeadView {
  return {
    get head() {
      return head();
    },
    async tipSetAtHeight(h, _from, prev) {
      const row = await index.canonicalAt(h, prev ? 'before' : 'after');
      if (!row) throw new HandlerError(`no tipset at height ${h}`);
      return reader.loadTipSet(row.key);
    },
  };
}

/** The chain view handlers share. */
export class ChainView {
  private genesis: TipSet | null = null;
  private network: NetworkInfo | null = null;

  constructor(readonly deps: ApiDeps) {}

  /** The network's address prefix; `t` until the network is known. */
  get prefix(): NetworkPrefix {
    return this.network?.prefix ?? 't';
  }

  /** The network, once known (from genesis or the init actor's NetworkName). */
  get networkInfo(): NetworkInfo | null {
    return this.network;
  }

  /**
   * Learn the network: from the genesis tipset when the store has it, else from the
   * init actor's NetworkName at the head's parent state (a leader that backfilled only
   * recent epochs stores no genesis). Never throws; retried on later heads.
   */
  async init(): Promise<void> {
    if (this.network) return;
    try {
      await this.getGenesis();
      return;
    } catch {
      /* no genesis stored */
    }
    try {
      const name = await networkName((c) => this.deps.reader.blockstore.get(c), this.head().parentState);
      this.network = networkForName(name);
    } catch {
      /* state not stored either: keep trying on later heads */
    }
  }

  /** The genesis tipset. @throws HandlerError when the store lacks it. */
  async getGenesis(): Promise<TipSet> {
    if (this.genesis) return this.genesis;
    const head = this.head();
    const row = await this.deps.index.canonicalAt(0, 'after');
    if (!row || row.height !== 0) throw new HandlerError('genesis tipset not found in the store');
    const g = await this.deps.heads.tipSetAtHeight(0, head, false);
    if (g.height !== 0) throw new HandlerError('genesis tipset not found in the store');
    this.genesis = g;
    this.network = networkForGenesis(g.key[0]!.toString());
    if (this.network.name === 'unknown') {
      // a genesis this gateway does not know: the init actor's NetworkName says which network it is
      const name = await networkName((c) => this.deps.reader.blockstore.get(c), g.parentState).catch(() => null);
      if (name) this.network = networkForName(name);
    }
    return g;
  }

  /** The head. @throws InternalError before the first head. */
  head(): TipSet {
    const h = this.deps.heads.head;
    if (!h) throw new InternalError('no head yet (store empty or unreadable)');
    return h;
  }

  /**
   * lotus-gateway's lookback check: `height` more than the cap below the head is
   * refused; its message names the cap as a Go duration.
   * @throws HandlerError `bad tipset: lookbacks of more than 8h0m0s are disallowed`
   */
  checkLookback(height: number, what: 'bad tipset' | 'bad tipset height' = 'bad tipset'): void {
    const cap = this.deps.limits.lookbackEpochs;
    if (cap > 0 && height < this.head().height - cap) {
      throw new HandlerError(`${what}: lookbacks of more than ${goDuration(cap * (this.network?.blockDelaySecs ?? 30))} are disallowed`);
    }
  }

  /**
   * Lotus's GetTipSetFromKey: the empty key is the head, any other key is loaded.
   * @param wrap prefix errors with `loading tipset {cids}: ` as most StateAPI methods do
   * @throws HandlerError `loading tipset {…}: get block <cid>: ipld: could not find <cid>`
   */
  async tipSetFromKey(key: TipSetKey, wrap = true): Promise<TipSet> {
    if (key.length === 0) return this.head();
    try {
      return await this.deps.reader.loadTipSet(key);
    } catch (e) {
      throw readError(e, wrap ? `loading tipset {${key.map(String).join(',')}}: ${tipSetLoadErr(e)}` : tipSetLoadErr(e));
    }
  }

  /**
   * Lotus's LoadTipSet (ChainGetTipSet, ChainGetPath): the empty key is an error.
   * @throws HandlerError `get block <cid>: ipld: could not find <cid>`
   */
  async loadTipSet(key: TipSetKey): Promise<TipSet> {
    if (key.length === 0) throw new HandlerError('NewTipSet called with zero length array of blocks');
    try {
      return await this.deps.reader.loadTipSet(key);
    } catch (e) {
      throw readError(e, tipSetLoadErr(e));
    }
  }

  /** A block header. @throws HandlerError `ipld: could not find <cid>` */
  async header(cid: CID): Promise<BlockHeader> {
    try {
      return await this.deps.reader.getHeader(cid);
    } catch (e) {
      throw readError(e, loadErr(e));
    }
  }

  /** A tipset's messages in Lotus's order (per-sender nonce selection). */
  async tipSetMessages(ts: TipSet): Promise<ChainMessage[]> {
    try {
      return await this.deps.reader.messagesForTipset(ts);
    } catch (e) {
      throw readError(e, `failed to get messages for tipset: ${loadErr(e)}`);
    }
  }

  /** Every receipt of a receipts AMT, index i for message i of the parent tipset (lotus ReadReceipts). */
  async receipts(root: CID): Promise<MessageReceipt[]> {
    try {
      return (await amtValues((c) => this.deps.reader.blockstore.get(c), root)).map(receiptFromCbor);
    } catch (e) {
      throw readError(e, `failed to load receipts: ${loadErr(e)}`);
    }
  }

  /** A raw block, or null. */
  block(cid: CID): Promise<Uint8Array | null> {
    return this.deps.reader.blockstore.get(cid);
  }
}
