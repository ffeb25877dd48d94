/**
 * A tipset as the eth API reads it, from stored blocks only. Lotus executes a tipset
 * to learn its receipts (node/impl/eth/utils.go executeTipset); a follower reads
 * them from the tipset's canonical child (execution is deferred one epoch, so the
 * child's ParentMessageReceipts are exactly those receipts and its ParentState is
 * the state after the tipset). A tipset without a canonical child (the head, or a
 * reverted branch) has not been executed on this chain: asked for, it answers that.
 *
 * Conversions follow Lotus: delegated-signature messages are EIP-1559 transactions,
 * native ones are wrapped (ethTxFromNativeMessage) with addresses looked up in the
 * state after the tipset (lookupEthAddress); logs come from the index's events.
 */
import { LRUCache } from 'lru-cache';
import type { TipSet } from '../chain/tipset.js';
import type { CID } from '../chain/cid.js';
import { decodeCbor } from '../chain/cid.js';
import type { ChainMessage } from '../blockstore/chain-reader.js';
import type { MessageReceipt } from '../chain/types.js';
import { getActor, idOf, lookupId } from '../chain/state.js';
import { type EthAddress, EAM_ACTOR_ID, ethAddressFromActorId, ethAddressFromFilecoin, isMaskedId } from '../chain/eth/address.js';
import { METHOD_CREATE_EXTERNAL, METHOD_INVOKE_CONTRACT, decodeCborByteString, ethTransactionFromSignedMessage, ethTransactionHash } from '../chain/eth/transaction.js';
import { type EthTxJson, type LogInput, REVERTED_ETH_ADDRESS, ethTxJsonFrom1559, ethTxJsonFromLegacy, ethTxJsonFromNative, logFromEntries, logsBloom } from '../chain/eth/json.js';
import { HandlerError } from '../rpc/errors.js';
import type { MethodContext } from './dispatch.js';
import type { ChainView } from './chain-view.js';
import { loadErr, readError } from './chain-view.js';
import { ethChainId } from './net.js';

/** A tipset with its execution results and their eth forms. */
export interface EthTipSet {
  ts: TipSet;
  /** The eth block hash: the digest of the TipSetKey CID. */
  hash: Uint8Array;
  /** The tipset that executed it. */
  child: TipSet;
  /** The state after the tipset (the child's ParentStateRoot): what eth state reads at this block see. */
  stateAfter: CID;
  messages: ChainMessage[];
  receipts: MessageReceipt[];
  /** Eth transaction of each message, with its block position. */
  txs: EthTxJson[];
  /** Eth hash of each message. */
  txHashes: Uint8Array[];
  /** Every log of the tipset, in logIndex order. */
  logs: LogInput[];
  /** The tipset's logs bloom. */
  bloom: Uint8Array;
  /** Sum of the receipts' GasUsed. */
  gasUsed: bigint;
}

/** Converted tipsets per view: bounded, keyed by tipset and child (a reorg changes the child). */
const converted = new WeakMap<ChainView, LRUCache<string, EthTipSet>>();

/** `lookupEthAddress` (node/impl/eth/utils.go): f410 → its payload; else the actor's f410 if it has one; else the masked ID. null when no actor. */
export async function lookupEthAddress(ctx: MethodContext, addr: Uint8Array, state: CID): Promise<EthAddress | null> {
  if (addr[0] === 4 && addr[1] === EAM_ACTOR_ID && addr.length === 22) return addr.subarray(2);
  const get = (c: CID) => ctx.view.block(c);
  const id = await lookupId(get, state, addr);
  if (!id) return null;
  const actor = await getActor(get, state, id);
  if (actor?.delegatedAddress) {
    try {
      const e = ethAddressFromFilecoin(actor.delegatedAddress, 'delegated address');
      if (!isMaskedId(e)) return e;
    } catch {
      /* another f4 namespace: the masked ID */
    }
  }
  return ethAddressFromActorId(BigInt(idOf(id)));
}

/** The eth hash of a message: keccak of its eth form (EIP-1559 or legacy) for delegated signatures, else its CID's digest. */
export function messageEthHash(m: ChainMessage, chainId: number): Uint8Array {
  if (m.signed?.signature.type === 3) {
    try {
      return ethTransactionHash(ethTransactionFromSignedMessage(m.signed, chainId));
    } catch {
      /* not convertible: Lotus falls back to the CID */
    }
  }
  return m.cid.multihash.digest;
}

/** The tipset that executed `ts` on the follower's chain, or null. */
async function executor(ctx: MethodContext, ts: TipSet): Promise<TipSet | null> {
  const head = ctx.view.head();
  if (ts.height >= head.height) return null;
  const row = await ctx.deps.index.canonicalChild(ts.keyCid);
  if (!row || row.height > head.height) return null;
  return ctx.deps.reader.loadTipSet(row.key);
}

/**
 * The state after `ts` (its executor's ParentStateRoot), what eth state reads at `ts` see.
 * @throws HandlerError when `ts` has not been executed on the follower's chain.
 */
export async function stateAfter(ctx: MethodContext, ts: TipSet): Promise<CID> {
  return (await executorOrFail(ctx, ts)).parentState;
}

/** The executor of `ts`. @throws HandlerError when there is none on the follower's chain */
async function executorOrFail(ctx: MethodContext, ts: TipSet): Promise<TipSet> {
  let child: TipSet | null;
  try {
    child = await executor(ctx, ts);
  } catch (e) {
    throw readError(e, `failed to load the executing tipset: ${loadErr(e)}`);
  }
  if (!child) throw new HandlerError(`tipset at height ${ts.height} has not been executed yet (its receipts are written with the next tipset; the newest executed block is 'latest')`);
  return child;
}

/**
 * The eth view of an executed tipset.
 * @throws HandlerError `tipset at height N has not been executed yet …` for the head or a tipset with no canonical child.
 */
export async function ethTipSet(ctx: MethodContext, ts: TipSet): Promise<EthTipSet> {
  const child = await executorOrFail(ctx, ts);
  let cache = converted.get(ctx.view);
  // bounded by an estimate of the JSON each entry holds (about 1 KB per transaction, 0.5 KB per log)
  if (!cache) converted.set(ctx.view, (cache = new LRUCache({ maxSize: 64 << 20, sizeCalculation: (e) => 1024 + e.txs.length * 1024 + e.logs.length * 512 })));
  const key = `${ts.keyString}>${child.keyString}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const chainId = await ethChainId(ctx);
  const messages = await ctx.view.tipSetMessages(ts);
  const receipts = await ctx.view.receipts(child.blocks[0]!.header.parentMessageReceipts);
  if (receipts.length !== messages.length) throw new HandlerError(`receipt count ${receipts.length} does not match message count ${messages.length}`);
  const hash = ts.keyCid.multihash.digest;
  const stateAfter = child.parentState;
  const txs: EthTxJson[] = [];
  const txHashes: Uint8Array[] = [];
  try {
    for (const [index, m] of messages.entries()) {
      const tx = await ethTx(ctx, chainId, m, stateAfter, { blockHash: hash, blockNumber: ts.height, index });
      txs.push(tx);
      txHashes.push(Uint8Array.from(Buffer.from(tx.hash.slice(2), 'hex')));
    }
  } catch (e) {
    if (e instanceof HandlerError) throw new HandlerError(`failed to create Ethereum block from Filecoin tipset: failed to convert msg to ethTx: ${e.message}`, e);
    throw readError(e, `failed to convert msg to ethTx: ${loadErr(e)}`);
  }
  const events = await ctx.deps.index.events({ fromHeight: ts.height, toHeight: ts.height, tipsetKeyCid: ts.keyCid, rawOnly: true, limit: Number.MAX_SAFE_INTEGER });
  const logs: LogInput[] = [];
  for (const e of events) {
    const l = e.reverted ? null : logFromEntries(e.entries);
    if (!l) continue;
    logs.push({
      address: e.emitterAddr ? ethAddressFromFilecoin(e.emitterAddr, 'emitter') : ethAddressFromActorId(BigInt(e.emitter)),
      topics: l.topics,
      data: l.data,
      removed: false,
      logIndex: e.eventIndex,
      transactionIndex: e.messageIndex,
      transactionHash: txHashes[e.messageIndex]!,
      blockHash: hash,
      blockNumber: ts.height,
    });
  }
  const out: EthTipSet = { ts, hash, child, stateAfter, messages, receipts, txs, txHashes, logs, bloom: logsBloom(logs), gasUsed: receipts.reduce((n, r) => n + BigInt(r.gasUsed), 0n) };
  cache.set(key, out);
  return out;
}

/** The EthTx of one message at a position (newEthTxFromSignedMessage). @throws HandlerError with Lotus's conversion texts */
export async function ethTx(ctx: MethodContext, chainId: number, m: ChainMessage, state: CID, pos: { blockHash: Uint8Array; blockNumber: number; index: number } | null): Promise<EthTxJson> {
  if (m.signed?.signature.type === 3) {
    let t;
    try {
      t = ethTransactionFromSignedMessage(m.signed, chainId);
    } catch (e) {
      throw new HandlerError((e as Error).message, e);
    }
    const from = m.message.from.subarray(2);
    return t.type === 2 ? ethTxJsonFrom1559(t.tx, from, pos) : ethTxJsonFromLegacy(t.tx, from, pos);
  }
  const msg = m.message;
  const from = await lookupEthAddress(ctx, msg.from, state);
  if (!from) throw new HandlerError(`failed to lookup sender address when converting a native message to an eth txn: actor not found`);
  const to = await lookupEthAddress(ctx, msg.to, state);
  let decodedInput: Uint8Array | null = null;
  let creation = false;
  const isEam = msg.to.length === 2 && msg.to[0] === 0 && msg.to[1] === EAM_ACTOR_ID;
  const create = isEam && BigInt(msg.method) === METHOD_CREATE_EXTERNAL;
  if (BigInt(msg.method) === METHOD_INVOKE_CONTRACT || create) {
    try {
      // Lotus decodePayload: cbg.ReadByteArray, lenient (empty and trailing bytes allowed)
      decodedInput = decodeCborByteString(msg.params, false);
      creation = create;
    } catch {
      /* params that do not decode stay ABI-wrapped */
    }
  }
  return ethTxJsonFromNative(
    { chainId, hash: m.cid.multihash.digest, from, to: creation ? null : to, toText: creation ? undefined : to ? undefined : REVERTED_ETH_ADDRESS, decodedInput, message: msg },
    pos,
  );
}

/** The eth address a successful creation's receipt names (EAM CreateExternalReturn `[ActorID, RobustAddress, EthAddress]`), or null. */
export function createdAddress(r: MessageReceipt): EthAddress | null {
  try {
    const v = decodeCbor<unknown[]>(r.return);
    return Array.isArray(v) && v[2] instanceof Uint8Array && v[2].length === 20 ? v[2] : null;
  } catch {
    return null;
  }
}
