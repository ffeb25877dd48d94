/**
 * The read-only Lotus API a follower serves from the store. Each method matches
 * Lotus's JSON and errors (lotus node/impl/full/chain.go, state.go, common.go;
 * wire facts in DESIGN.md §2). Methods that need execution or the mempool are not
 * here: the load balancer forwards them or they answer -32601.
 */
import { type TipSet, type TipSetKey, tipSetKeyString } from '../chain/tipset.js';
import { blockHeaderJson, cidJson, eventJson, messageJson, receiptJson, signedMessageJson } from '../chain/json.js';
import { type CID, linksOf } from '../chain/cid.js';
import { amtValues } from '../chain/amt.js';
import { type BlockHeader, DecodeError, type MessageReceipt, eventFromCbor, receiptFromCbor } from '../chain/types.js';
import type { ResponseCache } from '../follower/response-cache.js';
import { addStateMethods } from './state.js';
import { networkName } from '../chain/state.js';
import { type NetworkInfo, networkForGenesis, networkForName } from '../chain/network.js';
import { BlockNotFoundError, type ChainMessage, type ChainReader } from '../blockstore/chain-reader.js';
import type { ChainIndex } from '../indexer/types.js';
import { HandlerError, InternalError, LimitExceededError, RpcError } from '../rpc/errors.js';
import type { HeadNotifier } from '../rpc/chain-notify.js';
import type { MethodSpec } from '../rpc/server.js';
import type { HeadTracker } from '../follower/head-tracker.js';
import { cidParam, epochParam, tipSetKeyParam } from './params.js';

/** Lotus full-node API versions (api/version.go): 2.3.0 for v1, 1.5.0 for v0. */
export const FULL_API_VERSION_1 = (2 << 16) | (3 << 8) | 0;
export const FULL_API_VERSION_0 = (1 << 16) | (5 << 8) | 0;

/** Longest ChainGetPath answered (epochs between the two tipsets); beyond: -32005. */
export const MAX_PATH_EPOCHS = 10_000;

/** Most blocks ChainStatObj walks before answering -32005. */
export const STAT_OBJ_MAX_BLOCKS = 1_000_000;

/** Our version string, Lotus-shaped (`<version>+<network>+fil-follower`). */
export const SOFTWARE_VERSION = '0.1.0';

/** Options of the API. */
export interface FollowerApiOptions {
  /** Lookback cap in epochs below the head for height lookups (0 = unlimited). */
  lookbackEpochs: number;
  /** Default message lookback of StateSearchMsg when the caller passes -1 (0 = unlimited). */
  messageLookbackEpochs?: number;
}

/** Collaborators of the API. */
export interface FollowerApiDeps {
  reader: ChainReader;
  index: ChainIndex;
  tracker: HeadTracker;
  notifier: HeadNotifier;
  cache: ResponseCache;
}

/** Builds the method tables for /rpc/v1 and /rpc/v0. */
export class FollowerApi {
  private genesis: TipSet | null = null;
  private network: NetworkInfo | null = null;
  private netName: string | null = null;

  constructor(private readonly opts: FollowerApiOptions, private readonly deps: FollowerApiDeps) {}

  /** Network of the store's chain (known once genesis is readable); `t` prefix until then. */
  get prefix(): 'f' | 't' {
    return this.network?.prefix ?? 't';
  }

  /**
   * Learn the network: from the genesis tipset when the store has it, else from the
   * init actor's NetworkName at the head's parent state (a leader that backfilled only
   * recent epochs stores no genesis). Never throws: an unknown network renders `t`
   * addresses until it is known, and is retried on the next head.
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
      const name = await networkName((c) => this.deps.reader.blockstore.get(c), this.requireHead().parentState);
      this.network = networkForName(name);
    } catch {
      /* state not stored either: keep trying on later heads */
    }
  }

  private async getGenesis(): Promise<TipSet> {
    if (this.genesis) return this.genesis;
    const head = this.requireHead();
    const row = await this.deps.index.canonicalAt(0, 'after');
    if (!row || row.height !== 0) throw new HandlerError('genesis tipset not found in the store');
    const g = await this.deps.tracker.tipSetAtHeight(0, head, false);
    if (g.height !== 0) throw new HandlerError('genesis tipset not found in the store');
    this.genesis = g;
    this.network = networkForGenesis(g.key[0]!.toString());
    return g;
  }

  private requireHead(): TipSet {
    const h = this.deps.tracker.head;
    if (!h) throw new InternalError('follower has no head yet (store empty or unreadable)');
    return h;
  }

  /**
   * Lotus's GetTipSetFromKey: the empty key is the head. A tipset further below the
   * head than the lookback cap is refused, as lotus-gateway does.
   */
  private async tipSetFromKey(key: TipSetKey): Promise<TipSet> {
    if (key.length === 0) return this.requireHead();
    let ts: TipSet;
    try {
      ts = await this.deps.reader.loadTipSet(key);
    } catch (e) {
      throw new HandlerError(`loading tipset {${key.map(String).join(',')}}: ${loadErr(e)}`);
    }
    this.checkLookback(ts.height);
    return ts;
  }

  /** lotus-gateway's lookback check, in epochs; its message names the cap as a Go duration. */
  private checkLookback(height: number, what: 'bad tipset' | 'bad tipset height' = 'bad tipset'): void {
    const cap = this.opts.lookbackEpochs;
    if (cap > 0 && height < this.requireHead().height - cap) {
      const secs = cap * (this.network?.blockDelaySecs ?? 30);
      const [h, m, sec] = [Math.floor(secs / 3600), Math.floor((secs % 3600) / 60), secs % 60];
      const dur = h > 0 ? `${h}h${m}m${sec}s` : m > 0 ? `${m}m${sec}s` : `${sec}s`; // Go's time.Duration.String()
      throw new HandlerError(`${what}: lookbacks of more than ${dur} are disallowed`);
    }
  }

  /** Lotus's LoadTipSet (ChainGetTipSet, ChainGetPath): the empty key is an error. */
  private async loadTipSet(key: TipSetKey): Promise<TipSet> {
    if (key.length === 0) throw new HandlerError('NewTipSet called with zero length array of blocks');
    try {
      return await this.deps.reader.loadTipSet(key);
    } catch (e) {
      throw new HandlerError(loadErr(e));
    }
  }

  private async byHeight(method: string, params: unknown[], prev: boolean): Promise<Record<string, unknown>> {
    const h = epochParam(method, params[0]);
    const from = await this.tipSetFromKey(tipSetKeyParam(method, params[1]));
    if (h < 0) throw new HandlerError(`height ${h} is negative`);
    if (h > from.height) throw new HandlerError(`looking for tipset with height greater than start point, req: ${h}, head: ${from.height}`);
    this.checkLookback(h, 'bad tipset height');
    // keyed by the tipset it was asked from: never "the head", so a revert cannot leak
    return this.deps.cache.get(method, `${h}@${from.keyString}`, async () => this.deps.notifier.render(await this.deps.tracker.tipSetAtHeight(h, from, prev)));
  }

  private async header(cid: CID): Promise<BlockHeader> {
    try {
      return await this.deps.reader.getHeader(cid);
    } catch (e) {
      throw new HandlerError(loadErr(e));
    }
  }

  private async tipSetMessages(ts: TipSet): Promise<ChainMessage[]> {
    try {
      return await this.deps.reader.messagesForTipset(ts);
    } catch (e) {
      throw new HandlerError(`failed to get messages for tipset: ${loadErr(e)}`);
    }
  }

  private async receipts(root: CID): Promise<MessageReceipt[]> {
    try {
      return (await amtValues((c) => this.deps.reader.blockstore.get(c), root)).map(receiptFromCbor);
    } catch (e) {
      throw new HandlerError(`failed to load receipts: ${loadErr(e)}`);
    }
  }

  /**
   * Lotus StateSearchMsg: the execution tipset (the canonical child of the
   * including tipset, where the receipt is) at or below `from`, within `limit`
   * epochs of `from` (-1: the configured default, unlimited when 0). null when the
   * message is not indexed, not yet executed, or outside the limit.
   */
  private async searchMsg(from: TipSet, msgCid: CID, limit: number): Promise<unknown> {
    const { index, cache, tracker } = this.deps;
    if (!(await this.deps.reader.blockstore.has(msgCid))) throw new HandlerError(`failed to load message: ipld: could not find ${msgCid.toString()}`);
    // -1 is "no limit" (api.LookbackNoLimit); a configured cap (lotus-gateway: 20) replaces -1 and larger limits
    const cap = this.opts.messageLookbackEpochs ?? 0;
    const effective = cap > 0 && (limit < 0 || limit > cap) ? cap : limit;
    for (const inc of await index.messageInclusions(msgCid)) {
      if (inc.height >= from.height) continue;
      const incTs = await this.deps.reader.loadTipSet(inc.key);
      const child = await index.canonicalChild(incTs.keyCid);
      if (!child || child.height > from.height) continue;
      // limit N covers execution heights in (from - N, from]
      if (effective >= 0 && child.height !== from.height && from.height - child.height >= effective) return null;
      // the execution tipset must be on the chain of `from`
      const exec = await tracker.tipSetAtHeight(child.height, from, false);
      if (exec.keyString !== tipSetKeyString(child.key)) continue;
      return cache.get('StateSearchMsg', `${msgCid}@${exec.keyString}`, async () => {
        const receipts = await this.receipts(exec.blocks[0]!.header.parentMessageReceipts);
        const r = receipts[inc.index];
        if (!r) throw new HandlerError(`failed to get receipt ${inc.index} of ${exec.blocks[0]!.header.parentMessageReceipts}`);
        return { Message: cidJson(msgCid), Receipt: receiptJson(r), ReturnDec: null, TipSet: exec.key.map(cidJson), Height: exec.height };
      });
    }
    return null;
  }

  /** ChainStatObj: blocks and bytes reachable from `obj`, minus those reachable from `base`. */
  private async statObj(obj: CID, base: CID | null): Promise<{ Size: number; Links: number }> {
    const get = (c: CID): Promise<Uint8Array | null> => this.deps.reader.blockstore.get(c);
    const walk = async (root: CID, skip: Set<string>, visit: (c: CID, b: Uint8Array) => void): Promise<Set<string>> => {
      const seen = new Set<string>();
      const stack = [root];
      while (stack.length > 0) {
        const c = stack.pop()!;
        const k = c.toString();
        if (seen.has(k) || skip.has(k)) continue;
        seen.add(k);
        if (seen.size > STAT_OBJ_MAX_BLOCKS) throw new LimitExceededError(`ChainStatObj: more than ${STAT_OBJ_MAX_BLOCKS} blocks`);
        const b = await get(c);
        if (!b) throw new HandlerError(`ipld: could not find ${k}`);
        visit(c, b);
        stack.push(...linksOf(c, b));
      }
      return seen;
    };
    const skip = base ? await walk(base, new Set(), () => undefined) : new Set<string>();
    let size = 0;
    let links = 0;
    await walk(obj, skip, (_c, b) => {
      size += b.length;
      links++;
    });
    return { Size: size, Links: links };
  }

  /** Method table for /rpc/v1 (`apiVersion` overrides Version's APIVersion for /rpc/v0). */
  methods(apiVersion = FULL_API_VERSION_1): Map<string, MethodSpec> {
    const { reader, notifier, cache } = this.deps;
    const m = new Map<string, MethodSpec>();
    const add = (name: string, params: number, handler: MethodSpec['handler'], minParams?: number): void => {
      m.set(`Filecoin.${name}`, { params, minParams, handler: wrap(handler) });
    };

    add('ChainHead', 0, () => notifier.render(this.requireHead()));
    add('ChainGetGenesis', 0, async () => notifier.render(await this.getGenesis()));
    add('ChainGetTipSet', 1, async (p) => notifier.render(await this.loadTipSet(tipSetKeyParam('Filecoin.ChainGetTipSet', p[0]))));
    add('ChainGetTipSetByHeight', 2, (p) => this.byHeight('Filecoin.ChainGetTipSetByHeight', p, true));
    add('ChainGetTipSetAfterHeight', 2, (p) => this.byHeight('Filecoin.ChainGetTipSetAfterHeight', p, false));
    add('ChainGetBlock', 1, async (p) => {
      const cid = cidParam('Filecoin.ChainGetBlock', p[0]);
      return cache.get('ChainGetBlock', cid.toString(), async () => blockHeaderJson(await this.header(cid), this.prefix));
    });
    add('ChainGetBlockMessages', 1, async (p) => {
      const cid = cidParam('Filecoin.ChainGetBlockMessages', p[0]);
      return cache.get('ChainGetBlockMessages', cid.toString(), async () => {
        const header = await this.header(cid);
        let msgs;
        try {
          msgs = await reader.messagesForBlock(header);
        } catch (e) {
          throw new HandlerError(`failed to load msgmeta (${header.messages.toString()}): ${loadErr(e)}`);
        }
        return {
          BlsMessages: msgs.bls.map((x) => messageJson(x.message, this.prefix, x.cid)),
          SecpkMessages: msgs.secpk.map((x) => signedMessageJson(x.signed, this.prefix, x.cid)),
          Cids: [...msgs.bls.map((x) => cidJson(x.cid)), ...msgs.secpk.map((x) => cidJson(x.cid))],
        };
      });
    });
    add('ChainGetMessage', 1, async (p) => {
      const cid = cidParam('Filecoin.ChainGetMessage', p[0]);
      let msg;
      try {
        msg = await reader.getMessage(cid);
      } catch (e) {
        throw new HandlerError(loadErr(e));
      }
      // a secp CID answers with the inner unsigned message and its own CID, as Lotus
      return messageJson(msg.message, this.prefix, msg.signed ? undefined : cid);
    });
    add('ChainReadObj', 1, async (p) => {
      const cid = cidParam('Filecoin.ChainReadObj', p[0]);
      const b = await reader.blockstore.get(cid);
      if (!b) throw new HandlerError(`blockstore get: ipld: could not find ${cid.toString()}`);
      return Buffer.from(b).toString('base64');
    });
    add('ChainHasObj', 1, async (p) => reader.blockstore.has(cidParam('Filecoin.ChainHasObj', p[0])));
    add('ChainGetPath', 2, async (p) => {
      const from = await this.loadTipSet(tipSetKeyParam('Filecoin.ChainGetPath', p[0]));
      const to = await this.loadTipSet(tipSetKeyParam('Filecoin.ChainGetPath', p[1]));
      this.checkLookback(from.height);
      this.checkLookback(to.height);
      const span = Math.max(from.height, to.height) - Math.min(from.height, to.height);
      if (span > MAX_PATH_EPOCHS) throw new LimitExceededError(`ChainGetPath spans ${span} epochs, more than the limit of ${MAX_PATH_EPOCHS}`);
      const path = await reader.path(from, to);
      return path.map((c) => ({ Type: c.type, Val: notifier.render(c.tipset) }));
    });
    m.set('Filecoin.ChainNotify', notifier.methodSpec());
    const messagesJson = (msgs: ChainMessage[]): unknown =>
      msgs.length === 0 ? null : msgs.map((x) => ({ Cid: cidJson(x.cid), Message: messageJson(x.message, this.prefix) }));
    add('ChainGetParentMessages', 1, async (p) => {
      const cid = cidParam('Filecoin.ChainGetParentMessages', p[0]);
      return cache.get('ChainGetParentMessages', cid.toString(), async () => {
        const header = await this.header(cid);
        if (header.height === 0) return null;
        return messagesJson(await this.tipSetMessages(await this.loadTipSet(header.parents)));
      });
    });
    add('ChainGetParentReceipts', 1, async (p) => {
      const cid = cidParam('Filecoin.ChainGetParentReceipts', p[0]);
      return cache.get('ChainGetParentReceipts', cid.toString(), async () => {
        const header = await this.header(cid);
        if (header.height === 0) return null;
        // every receipt of the AMT, index i for message i of the parent tipset (lotus ReadReceipts)
        return (await this.receipts(header.parentMessageReceipts)).map(receiptJson);
      });
    });
    add('ChainGetMessagesInTipset', 1, async (p) => {
      const ts = await this.tipSetFromKey(tipSetKeyParam('Filecoin.ChainGetMessagesInTipset', p[0]));
      return cache.get('ChainGetMessagesInTipset', ts.keyString, async () => (ts.height === 0 ? null : messagesJson(await this.tipSetMessages(ts))));
    });
    add('ChainGetEvents', 1, async (p) => {
      const root = cidParam('Filecoin.ChainGetEvents', p[0]);
      return cache.get('ChainGetEvents', root.toString(), async () => {
        try {
          return (await amtValues((c) => reader.blockstore.get(c), root)).map((v) => eventJson(eventFromCbor(v)));
        } catch (e) {
          throw new HandlerError(`load events amt: ${loadErr(e)}`);
        }
      });
    });
    add('ChainStatObj', 2, async (p) => {
      const obj = cidParam('Filecoin.ChainStatObj', p[0]);
      const base = p[1] === null || p[1] === undefined ? null : cidParam('Filecoin.ChainStatObj', p[1]);
      return cache.get('ChainStatObj', `${obj}/${base ?? ''}`, () => this.statObj(obj, base));
    }, 1);
    const searchMsg = async (from: TipSet, msgCid: CID, limit: number): Promise<unknown> => this.searchMsg(from, msgCid, limit);
    if (apiVersion === FULL_API_VERSION_1) {
      add('StateSearchMsg', 4, async (p) => {
        const from = await this.tipSetFromKey(tipSetKeyParam('Filecoin.StateSearchMsg', p[0]));
        const msg = cidParam('Filecoin.StateSearchMsg', p[1]);
        const limit = p[2] === undefined ? -1 : epochParam('Filecoin.StateSearchMsg', p[2]);
        return searchMsg(from, msg, limit);
      }, 2);
    } else {
      add('StateSearchMsg', 1, async (p) => searchMsg(this.requireHead(), cidParam('Filecoin.StateSearchMsg', p[0]), -1));
      add('StateSearchMsgLimited', 2, async (p) =>
        searchMsg(this.requireHead(), cidParam('Filecoin.StateSearchMsgLimited', p[0]), epochParam('Filecoin.StateSearchMsgLimited', p[1])),
      );
      add('StateGetReceipt', 2, async (p) => {
        const msg = cidParam('Filecoin.StateGetReceipt', p[0]);
        const from = await this.tipSetFromKey(tipSetKeyParam('Filecoin.StateGetReceipt', p[1]));
        const found = (await searchMsg(from, msg, -1)) as { Receipt: unknown } | null;
        return found ? found.Receipt : null;
      });
    }
    addStateMethods(
      m,
      {
        get: (c) => reader.blockstore.get(c),
        tipSetFromKey: (k) => this.tipSetFromKey(k),
        head: () => this.requireHead(),
        prefix: () => this.prefix,
        network: () => this.network?.name ?? 'unknown',
        cache,
      },
      wrap,
    );
    add('StateNetworkName', 0, async () => {
      if (this.netName) return this.netName;
      // the init actor's NetworkName is set at genesis and never changes: read it at the
      // head's parent state, else at genesis (CAR replays store no later state)
      const read = (root: CID): Promise<string> => networkName((c) => reader.blockstore.get(c), root);
      try {
        this.netName = await read(this.requireHead().parentState).catch(async () => read((await this.getGenesis()).parentState));
      } catch (e) {
        throw new HandlerError(loadErr(e));
      }
      return this.netName;
    });
    add('Version', 0, async () => {
      await this.init();
      const net = this.network?.name ?? 'unknown';
      return { Version: `${SOFTWARE_VERSION}+${net}+fil-follower`, APIVersion: apiVersion, BlockDelay: this.network?.blockDelaySecs ?? 30, Agent: 'lotus' };
    });
    // eth basics derived from the head (lotus node/impl/eth)
    const chainId = async (): Promise<number> => {
      await this.init();
      if (!this.network) throw new HandlerError('network not known yet (no genesis or state in the store)');
      return this.network.ethChainId;
    };
    add('EthChainId', 0, async () => `0x${(await chainId()).toString(16)}`);
    add('NetVersion', 0, async () => String(await chainId()));
    add('EthBlockNumber', 0, async () => {
      const head = this.requireHead();
      if (head.height === 0) return '0x0';
      const parent = await reader.parentOf(head);
      return `0x${parent.height.toString(16)}`;
    });
    add('Web3ClientVersion', 0, () => `${SOFTWARE_VERSION}+${this.network?.name ?? 'unknown'}+fil-follower`);
    return m;
  }
}

/** The Lotus-shaped message of a load failure. */
function loadErr(e: unknown): string {
  if (e instanceof BlockNotFoundError) return e.message;
  return (e as Error)?.message ?? String(e);
}

/** Store failures (connection lost, …) become retryable internal errors; Lotus-shaped errors pass through. */
function wrap(h: MethodSpec['handler']): MethodSpec['handler'] {
  return async (params, ctx) => {
    try {
      return await h(params, ctx);
    } catch (e) {
      if (e instanceof RpcError) throw e;
      // malformed data is the caller's or the chain's problem (code 1), not the store's
      if (e instanceof DecodeError) throw new HandlerError(e.message);
      throw new InternalError(`store error: ${(e as Error).message}`, e);
    }
  };
}

