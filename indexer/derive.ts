/**
 * The index rows the leader derives from a tipset it applies, from stored blocks
 * only (no execution): its messages in execution order, the eth transaction hashes
 * of its delegated-signature messages, and the events of its PARENT's messages,
 * read from its ParentMessageReceipts (Lotus ChainIndexer
 * indexTipsetWithParentEvents, chain/index/indexer.go). Used by the leader's head
 * changes and by `import`, so both write the same rows.
 */
import { BlockNotFoundError, type ChainReader } from '../blockstore/chain-reader.js';
import { MissingBlockError, amtValues } from '../chain/amt.js';
import { DecodeError, eventFromCbor, receiptFromCbor } from '../chain/types.js';
import type { TipSet } from '../chain/tipset.js';
import { getActor, idAddress, networkName } from '../chain/state.js';
import { networkForName } from '../chain/network.js';
import { ethTransactionFromSignedMessage, ethTransactionHash } from '../chain/eth/transaction.js';
import type { AppliedTipSet, EthTxHashRow, EventRow } from './types.js';

/** A block an index row needs is not stored (the snapshot or sync did not bring it), or does not decode. */
const isMissing = (e: unknown): boolean => e instanceof MissingBlockError || e instanceof BlockNotFoundError || e instanceof DecodeError;

/** Derives AppliedTipSet rows; caches the chain id (it never changes). */
export class IndexRowDeriver {
  private chainId: number | null = null;

  /**
   * @param reader the chain as stored
   * @param fallbackChainId the EIP-155 chain id when the state names no network (e.g. the store lacks it)
   */
  constructor(
    private readonly reader: ChainReader,
    private readonly fallbackChainId: () => number | null = () => null,
  ) {}

  /**
   * Rows for `ts`. `strict`: a missing message list throws (the head being applied);
   * otherwise it yields `messages: null`. Missing receipts or events leave the
   * parent's events unindexed (`parentEvents: null`), never half-indexed.
   */
  async derive(ts: TipSet, strict: boolean): Promise<AppliedTipSet> {
    let msgs;
    try {
      msgs = await this.reader.messageRefsForTipset(ts);
    } catch (e) {
      if (strict) throw e;
      return { tipset: ts, messages: null };
    }
    const ethTxHashes: EthTxHashRow[] = [];
    const delegatedMsgs = msgs.filter((m) => m.delegated !== null);
    if (delegatedMsgs.length > 0) {
      const chainId = await this.chainIdFor(ts);
      if (chainId !== null) {
        for (const m of delegatedMsgs) {
          try {
            ethTxHashes.push({ txHash: ethTransactionHash(ethTransactionFromSignedMessage(m.delegated!, chainId)), messageCid: m.cid });
          } catch {
            /* not an eth transaction (a malformed one): Lotus indexes no hash either */
          }
        }
      }
    }
    const parent = await this.eventsExecutedBy(ts);
    return { tipset: ts, messages: msgs.map((m) => m.cid), ethTxHashes, ...(parent ? { parentEvents: parent.events, parentHeight: parent.parent.height } : { parentEvents: null }) };
  }

  /** The EIP-155 chain id of the network `ts` belongs to (the init actor's NetworkName), cached. */
  private async chainIdFor(ts: TipSet): Promise<number | null> {
    if (this.chainId !== null) return this.chainId;
    try {
      this.chainId = networkForName(await networkName((c) => this.reader.blockstore.get(c), ts.parentState)).ethChainId;
    } catch {
      return this.fallbackChainId();
    }
    return this.chainId;
  }

  /**
   * The events `ts` executed: those of its parent's messages, from its
   * ParentMessageReceipts, in Lotus's order (event_index counting over the parent).
   * @returns null when the parent, its messages, the receipts or the events are not stored.
   */
  async eventsExecutedBy(ts: TipSet): Promise<{ parent: TipSet; events: EventRow[] } | null> {
    if (ts.height === 0) return null;
    const get = (c: Parameters<typeof this.reader.blockstore.get>[0]) => this.reader.blockstore.get(c);
    // emitters' f4 addresses at this tipset's state (two forks may give one ID to different actors)
    const emitters = new Map<number, Uint8Array | null>();
    try {
      const parent = await this.reader.loadTipSet(ts.parents);
      const msgs = await this.reader.messageRefsForTipset(parent);
      const receipts = (await amtValues(get, ts.blocks[0]!.header.parentMessageReceipts)).map(receiptFromCbor);
      if (receipts.length !== msgs.length) return null;
      const events: EventRow[] = [];
      let eventIndex = 0; // Lotus event_index: a counter over the whole tipset
      for (const [i, r] of receipts.entries()) {
        if (!r.eventsRoot) continue;
        for (const v of await amtValues(get, r.eventsRoot)) {
          const e = eventFromCbor(v);
          if (!emitters.has(e.emitter)) emitters.set(e.emitter, await this.emitterAddr(ts, e.emitter));
          events.push({ messageIndex: i, messageCid: msgs[i]!.cid, eventIndex: eventIndex++, emitter: e.emitter, emitterAddr: emitters.get(e.emitter)!, entries: e.entries });
        }
      }
      return { parent, events };
    } catch (e) {
      if (isMissing(e)) return null; // receipts, events or the parent not stored: left unindexed
      throw e; // a store failure: the caller retries the whole head change
    }
  }

  /**
   * The emitter's f4 address at the state that executed its events (ts.ParentState), as
   * Lotus's indexer resolves it; null (the ID address stands) when it has none or the
   * state is not stored (Lotus falls back to the ID address when LoadActor fails).
   */
  private async emitterAddr(ts: TipSet, id: number): Promise<Uint8Array | null> {
    try {
      return (await getActor((c) => this.reader.blockstore.get(c), ts.parentState, idAddress(id)))?.delegatedAddress ?? null;
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }
}
