/**
 * eth_getLogs (Lotus node/impl/eth/events.go EthGetLogs, parseEthFilterSpec,
 * parseBlockRange; chain/index/events.go GetEventsForFilter) over the index's
 * events: `fromBlock`/`toBlock` as `latest` (head−1), `earliest` or `0x` hex only;
 * a range wider than ETH_MAX_FILTER_HEIGHT_RANGE is -32005
 * `block range exceeds maximum of M (got G)`; more than ETH_MAX_FILTER_RESULTS
 * logs over several tipsets is refused; addresses match the emitter's f410 address
 * (or, for a masked ID, its actor ID); topics match `t1`…`t4` by position.
 */
import { LRUCache } from 'lru-cache';
import { P } from './params.js';
import { type MethodDef, method } from './registry.js';
import { S } from './schemas.js';
import { tipSetByEthHash } from './eth-block.js';
import { messageEthHash } from './eth-exec.js';
import { ethChainId } from './net.js';
import type { MethodContext } from './dispatch.js';
import type { ChainView } from './chain-view.js';
import { loadErr, readError } from './chain-view.js';
import { type CID } from '../chain/cid.js';
import { tipSetKeyCid } from '../chain/tipset.js';
import { decodeChainMessage } from '../chain/types.js';
import { ethAddressFromActorId, ethAddressFromFilecoin, isMaskedId, parseEthAddress, parseEthHash } from '../chain/eth/address.js';
import { type EthLogJson, ethLogJson, logFromEntries } from '../chain/eth/json.js';
import { HandlerError, LimitExceededError } from '../rpc/errors.js';
import type { IndexedEvent } from '../indexer/types.js';

/** Lotus ethtypes.EthFilterSpec, parsed. */
export interface EthFilterSpec {
  fromBlock?: string;
  toBlock?: string;
  /** 20-byte addresses. */
  address: Uint8Array[];
  /** Per position, the accepted 32-byte topics (empty = any). */
  topics: Uint8Array[][];
  blockHash?: Uint8Array;
}

/** Most topic positions (maxEthTopicsPerFilter). */
export const MAX_TOPICS = 4;

/** Parse a filter object as EthFilterSpec.UnmarshalJSON does. @throws Error with Go's json texts */
export function parseFilterSpec(v: unknown): EthFilterSpec {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`json: cannot unmarshal ${JSON.stringify(v)?.slice(0, 40)} into Go value of type ethtypes.EthFilterSpec`);
  const o = v as Record<string, unknown>;
  const str = (k: string): string | undefined => {
    const x = o[k];
    if (x === undefined || x === null) return undefined;
    if (typeof x !== 'string') throw new Error(`json: cannot unmarshal ${typeof x} into Go struct field EthFilterSpec.${k} of type string`);
    return x;
  };
  const addrs = o.address === undefined || o.address === null ? [] : Array.isArray(o.address) ? o.address : [o.address];
  const address = addrs.map((a) => {
    if (typeof a !== 'string') throw new Error('json: cannot unmarshal into Go value of type ethtypes.EthAddress');
    return parseEthAddress(a);
  });
  const rawTopics = o.topics === undefined || o.topics === null ? [] : o.topics;
  if (!Array.isArray(rawTopics)) throw new Error('json: cannot unmarshal into Go struct field EthFilterSpec.topics of type ethtypes.EthTopicSpec');
  const topics = rawTopics.map((t) => (t === null ? [] : (Array.isArray(t) ? t : [t]).map((h) => (typeof h === 'string' ? parseEthHash(h) : (() => { throw new Error('json: cannot unmarshal into Go value of type ethtypes.EthHash'); })()))));
  const blockHash = str('blockHash');
  return { fromBlock: str('fromBlock'), toBlock: str('toBlock'), address, topics, ...(blockHash !== undefined ? { blockHash: parseEthHash(blockHash) } : {}) };
}

/** The `0x` hex epoch of a block param (EthUint64FromHex), or null when it does not parse. */
function hexEpoch(s: string): number | null {
  if (!/^0x[0-9a-fA-F]+$/.test(s)) return null;
  const n = BigInt(s);
  return n > 2n ** 63n - 1n ? null : Number(n);
}

/**
 * Lotus parseBlockRange: [min, max] heights, max −1 = up to `heaviest`.
 * @throws HandlerError with Lotus's texts; LimitExceededError past `maxRange`.
 */
export function parseBlockRange(heaviest: number, from: string | undefined, to: string | undefined, maxRange: number): [number, number] {
  const bound = (v: string | undefined, open: number, what: 'FromBlock' | 'ToBlock'): number => {
    if (v === undefined || v === 'latest' || v === '') return open;
    if (v === 'earliest') return 0;
    if (!v.startsWith('0x')) throw new HandlerError(`failed to get events for filter: failed to parse eth filter spec: ${what} is not a hex`);
    const e = hexEpoch(v);
    if (e === null) throw new HandlerError('failed to get events for filter: failed to parse eth filter spec: invalid epoch');
    return e;
  };
  const min = bound(from, heaviest, 'FromBlock');
  const max = bound(to, -1, 'ToBlock');
  const exceeded = (got: number): LimitExceededError => new LimitExceededError(`block range exceeds maximum of ${maxRange} (got ${got})`);
  if (max === -1) {
    if (heaviest - min > maxRange) throw exceeded(heaviest - min);
  } else {
    if (min > max) throw new HandlerError(`failed to get events for filter: failed to parse eth filter spec: invalid epoch range: to block (${max}) must be after from block (${min})`);
    if (max - min > maxRange) throw exceeded(max - min);
  }
  return [min, max];
}

/** Eth hashes of messages by CID, per view (a message's hash never changes). */
const txHashes = new WeakMap<ChainView, LRUCache<string, Uint8Array>>();

/**
 * The eth hashes of the messages behind `cids`, by CID string: cached ones from the
 * cache, the rest from one batched store read (a message that cannot be loaded has
 * none, and Lotus skips its logs).
 */
async function txHashesOf(ctx: MethodContext, cids: CID[], chainId: number): Promise<Map<string, Uint8Array>> {
  let cache = txHashes.get(ctx.view);
  if (!cache) txHashes.set(ctx.view, (cache = new LRUCache({ max: 100_000 })));
  const out = new Map<string, Uint8Array>();
  const missing: CID[] = [];
  for (const c of cids) {
    const k = c.toString();
    if (out.has(k)) continue;
    const hit = cache.get(k);
    if (hit) out.set(k, hit);
    else missing.push(c);
  }
  for (let i = 0; i < missing.length; i += 500) {
    const page = missing.slice(i, i + 500);
    const blocks = await ctx.deps.reader.blockstore.getMany(page);
    page.forEach((c, j) => {
      const b = blocks[j];
      if (!b) return;
      const m = decodeChainMessage(b);
      const h = messageEthHash({ cid: c, message: m.message, signed: m.signed }, chainId);
      cache.set(c.toString(), h);
      out.set(c.toString(), h);
    });
  }
  return out;
}

/** Logs of indexed events (ethFilterLogsFromEvents): events that are not EVM-shaped are left out. */
export async function logsOf(ctx: MethodContext, events: IndexedEvent[]): Promise<EthLogJson[]> {
  const chainId = await ethChainId(ctx);
  const out: EthLogJson[] = [];
  // per answer: one block hash per tipset, one address per emitter, one tx hash per message
  const blockHashes = new Map<string, Uint8Array>();
  const addresses = new Map<number, Uint8Array>();
  const distinct = new Map<string, CID>();
  for (const e of events) distinct.set(e.messageCid.toString(), e.messageCid);
  const hashes = await txHashesOf(ctx, [...distinct.values()], chainId);
  for (const e of events) {
    const l = logFromEntries(e.entries);
    if (!l) continue;
    const lastHash = hashes.get(e.messageCid.toString());
    if (!lastHash) continue;
    let address = addresses.get(e.emitter);
    if (!address) {
      try {
        address = e.emitterAddr ? ethAddressFromFilecoin(e.emitterAddr, 'emitter') : ethAddressFromActorId(BigInt(e.emitter));
      } catch {
        throw new HandlerError('invalid Filecoin Eth address');
      }
      addresses.set(e.emitter, address);
    }
    const tk = e.tipset.key.join();
    let blockHash = blockHashes.get(tk);
    if (!blockHash) blockHashes.set(tk, (blockHash = tipSetKeyCid(e.tipset.key).multihash.digest));
    out.push(ethLogJson({ address, topics: l.topics, data: l.data, removed: e.reverted, logIndex: e.eventIndex, transactionIndex: e.messageIndex, transactionHash: lastHash, blockHash, blockNumber: e.tipset.height }));
  }
  return out;
}

/**
 * The events a filter spec selects (ethGetEventsForFilter), in chain order.
 * @throws HandlerError / LimitExceededError with Lotus's texts
 */
export async function eventsForFilter(ctx: MethodContext, spec: EthFilterSpec): Promise<IndexedEvent[]> {
  const head = ctx.view.head();
  const maxRange = ctx.deps.limits.ethMaxFilterHeightRange ?? 2880;
  const maxResults = ctx.deps.limits.ethMaxFilterResults ?? 10_000;
  const notYet = new HandlerError('failed to get events for filter: events for the requested block are not yet available');
  let from: number;
  let to: number;
  let tipsetKeyCid: CID | undefined;
  if (spec.blockHash) {
    if (spec.fromBlock !== undefined || spec.toBlock !== undefined) throw new HandlerError('failed to get events for filter: failed to parse eth filter spec: must not specify block hash and from/to block');
    let ts;
    try {
      ts = await tipSetByEthHash(ctx, spec.blockHash);
    } catch (e) {
      throw new HandlerError(`failed to get events for filter: failed to get tipset by cid: ${(e as Error).message.replace(/^failed to get tipset by hash: /, '')}`, e);
    }
    if (ts.height >= head.height) throw notYet;
    [from, to, tipsetKeyCid] = [ts.height, ts.height, ts.keyCid];
  } else {
    const [min, max] = parseBlockRange(head.height - 1, spec.fromBlock, spec.toBlock, maxRange);
    if (min >= head.height || max >= head.height) throw notYet;
    [from, to] = [min, max === -1 ? head.height - 1 : max];
  }
  if (spec.topics.length > MAX_TOPICS) throw new HandlerError(`failed to get events for filter: failed to parse eth filter spec: too many topics in filter: ${spec.topics.length}, max: ${MAX_TOPICS}`);
  const q = { fromHeight: from, toHeight: to, tipsetKeyCid, ...emitterQuery(spec.address), topics: spec.topics.map((t) => (t.length ? t : null)), rawOnly: true };
  const tooMany = new HandlerError('failed to get events for filter: failed to get events for filter from chain indexer: failed to get events: filter matches too many events, try a more restricted filter');
  let events: IndexedEvent[];
  try {
    events = await ctx.deps.index.events({ ...q, limit: maxResults + 1 });
    if (events.length > maxResults) {
      // the cap holds once results span more than one tipset (Lotus); one tipset may exceed it
      const h = events[0]!.tipset.height;
      if (events.some((e) => e.tipset.height !== h)) throw tooMany;
      const whole = await ctx.deps.index.events({ ...q, fromHeight: h, toHeight: h, limit: Number.MAX_SAFE_INTEGER });
      if (h < q.toHeight && (await ctx.deps.index.events({ ...q, fromHeight: h + 1, limit: 1 })).length > 0) throw tooMany;
      events = whole;
    }
  } catch (e) {
    if (e instanceof HandlerError) throw e;
    throw readError(e, `failed to get events for filter: ${loadErr(e)}`);
  }
  return events;
}

/** An EthFilterSpec param (eth_getLogs, eth_newFilter). */
export const filterSpecParam = (name: string) => P.object(name, '*ethtypes.EthFilterSpec', { $ref: '#/components/schemas/EthFilterSpec' }, parseFilterSpec);

/**
 * The emitter part of an index query for eth addresses: masked IDs match the emitter's
 * actor ID, others its f410 address (Lotus's query ANDs the two lists when both are given).
 */
export function emitterQuery(addresses: Uint8Array[]): { emitterIds: number[]; emitterAddrs: Uint8Array[] } {
  return {
    emitterIds: addresses.filter(isMaskedId).map((a) => Number(Buffer.from(a.subarray(12)).readBigUInt64BE())),
    emitterAddrs: addresses.filter((a) => !isMaskedId(a)).map((a) => Uint8Array.from([4, 10, ...a])),
  };
}

/** The log methods. */
export const ETH_LOG_METHODS: MethodDef[] = [
  method({
    name: 'Filecoin.EthGetLogs',
    namespace: 'Eth',
    aliases: ['eth_getLogs'],
    summary: 'Logs matching a filter (block range or hash, addresses, topics), in chain order, from the index; Lotus\'s range and result limits.',
    params: [filterSpecParam('filter')],
    result: { type: 'array', items: S.object('EthLog') },
    answer: 'served',
    cost: 'heavy',
    source: 'index (events) + store (messages, for transaction hashes)',
    handler: async (ctx, [spec]) => logsOf(ctx, await eventsForFilter(ctx, spec)),
  }),
];
