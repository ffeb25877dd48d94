/**
 * Following a Lotus-compatible upstream (Lotus or Forest) over JSON-RPC: subscribe
 * to its `ChainNotify`; for every new head, get the path from our committed head
 * (`ChainGetPath`), and for each tipset to apply fetch what the store lacks:
 * headers, then everything reachable from each header's TxMeta, receipts root and
 * state root (`ChainReadObj`, every block's hash checked against its CID), walking
 * with bounded concurrency and stopping at blocks already stored. Then the leader
 * commits: blocks, index rows, head row, publish. A reorg is committed as one head
 * change (reverts then applies). On reconnect the same path logic catches up.
 * Before the first head, `backfillEpochs` tipsets below the upstream head are synced.
 */
import { CID, linksOf, verifyBlock } from '../chain/cid.js';
import { TipSet, type TipSetKey, tipSetKeyString } from '../chain/tipset.js';
import { decodeBlockHeader } from '../chain/types.js';
import { parseCidJson } from '../chain/json.js';
import { RpcWsClient, type Subscription } from '../rpc/client.js';
import { RpcError, isRetryable } from '../rpc/errors.js';
import type { Logger } from '../common/logger.js';
import type { Metrics } from '../common/metrics.js';
import type { Store } from '../store/open.js';
import { sleep } from '../common/runtime.js';
import type { Block } from '../blockstore/types.js';
import type { Leader } from './leader.js';

/** Upstream settings. */
export interface UpstreamOptions {
  /** `ws(s)://host:port/rpc/v1`. */
  url: string;
  /** Bearer token. */
  token?: string;
  /** Tipsets below the upstream head to sync before following, on an empty store. */
  backfillEpochs: number;
  /** Concurrent ChainReadObj calls. */
  concurrency: number;
  /** Longest reconnect backoff, ms. */
  reconnectMaxMs: number;
  /** Blocks per write batch while walking. */
  writeBatch?: number;
}

/** Collaborators. */
export interface UpstreamDeps {
  leader: Leader;
  store: Store;
  log: Logger;
  metrics: Metrics;
}

/** A block the upstream does not have (e.g. pruned state): skipped, counted. */
function isNotFound(e: unknown): boolean {
  return e instanceof RpcError && /could not find/.test(e.message);
}

/** Follows an upstream and commits its chain through the leader. */
export class UpstreamSync {
  private client: RpcWsClient | null = null;
  private sub: Subscription | null = null;
  private stopped = false;
  private target: TipSetKey | null = null;
  private syncing: Promise<void> | null = null;
  /** Whether the ChainNotify subscription is live. */
  connected = false;
  /** Height the upstream last reported. */
  upstreamHeight: number | null = null;
  /** Blocks the upstream could not provide (skipped). */
  missingBlocks = 0;
  /** The error that stopped syncing for good (not retryable), if any. */
  fatalError: Error | null = null;

  constructor(private readonly opts: UpstreamOptions, private readonly deps: UpstreamDeps) {}

  /** Connect (retrying with backoff) and follow until stopped. */
  start(): void {
    void this.connectLoop();
  }

  /** Stop following; an in-flight commit finishes first. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.sub?.cancel();
    this.client?.close();
    await this.syncing?.catch(() => undefined);
  }

  private async connectLoop(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        const client = await RpcWsClient.connect(this.opts.url, { token: this.opts.token });
        this.client = client;
        const closed = new Promise<void>((resolve) => client.onClose(() => resolve()));
        this.sub = await client.subscribe(
          'Filecoin.ChainNotify',
          [],
          (v) => this.onChanges(v),
          () => client.close(),
        );
        this.connected = true;
        this.deps.metrics.upstreamUp.set({ upstream: 'upstream' }, 1);
        this.deps.log.info({ url: this.opts.url }, 'following upstream ChainNotify');
        attempt = 0;
        await closed;
        this.connected = false;
        this.deps.metrics.upstreamUp.set({ upstream: 'upstream' }, 0);
        if (!this.stopped) this.deps.log.warn({ url: this.opts.url }, 'upstream connection lost; reconnecting');
      } catch (e) {
        // a connection whose subscription failed is closed here, not leaked
        this.client?.close();
        this.connected = false;
        this.deps.log.warn({ url: this.opts.url, attempt, err: (e as Error).message }, 'cannot reach upstream; retrying');
      }
      if (!this.stopped) await sleep(Math.min(this.opts.reconnectMaxMs, 250 * 2 ** Math.min(attempt, 8)));
    }
  }

  private onChanges(v: unknown): void {
    if (!Array.isArray(v) || v.length === 0) return;
    const last = v[v.length - 1] as { Type?: string; Val?: { Cids?: unknown[]; Height?: number; Blocks?: Array<{ Parents?: unknown[] }> } };
    try {
      const key = last.Type === 'revert' ? (last.Val?.Blocks?.[0]?.Parents ?? []).map((c) => parseCidJson(c)) : (last.Val?.Cids ?? []).map((c) => parseCidJson(c));
      if (typeof last.Val?.Height === 'number') {
        this.upstreamHeight = last.Val.Height;
        this.deps.metrics.upstreamHead.set({ upstream: 'upstream' }, last.Val.Height);
      }
      this.target = key;
      this.kick();
    } catch (e) {
      this.deps.log.warn({ err: (e as Error).message }, 'ignoring malformed head change from upstream');
    }
  }

  /** Run sync to the latest target, one run at a time; a newer target queued meanwhile runs next. */
  private kick(): void {
    if (this.syncing) return;
    this.syncing = (async () => {
      while (this.target && !this.stopped) {
        const t = this.target;
        this.target = null;
        for (let attempt = 0; !this.stopped; attempt++) {
          try {
            await this.syncTo(t);
            break;
          } catch (e) {
            if (!isRetryable(e)) {
              // data that can never decode: stop syncing rather than loop; health says why
              this.fatalError = e as Error;
              this.deps.log.fatal({ err: e }, 'sync stopped: the upstream sent data that cannot be used; fix the cause and restart the leader');
              this.stopped = true;
              return;
            }
            this.deps.log.warn({ attempt, err: (e as Error).message }, 'sync failed; retrying');
            // a newer target supersedes this one; a dropped connection brings a fresh one; give up after 10
            if (this.target || !this.client?.open || attempt >= 9) break;
            await sleep(Math.min(5000, 200 * 2 ** attempt));
          }
        }
      }
    })().finally(() => {
      this.syncing = null;
      if (this.target && !this.stopped) this.kick();
    });
  }

  private call<T>(method: string, params: unknown[]): Promise<T> {
    if (!this.client?.open) return Promise.reject(new Error('upstream not connected'));
    return this.client.call<T>(method, params, 60_000);
  }

  /** Fetch one block from the upstream and check its hash. @returns null when the upstream lacks it. */
  private async fetchBlock(cid: CID): Promise<Block | null> {
    let b64: string;
    try {
      b64 = await this.call<string>('Filecoin.ChainReadObj', [{ '/': cid.toString() }]);
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
    const bytes = new Uint8Array(Buffer.from(b64, 'base64'));
    if (!verifyBlock(cid, bytes)) throw new Error(`upstream block ${cid.toString()} does not match its CID`);
    this.deps.metrics.blocksFetched.inc();
    this.deps.metrics.bytesFetched.inc(bytes.length);
    return { cid, bytes };
  }

  /** Store blocks and count them. */
  private async write(blocks: Block[]): Promise<void> {
    if (blocks.length === 0) return;
    await this.deps.store.blockstore.putMany(blocks);
    this.deps.metrics.blocksWritten.inc(blocks.length);
    this.deps.metrics.bytesWritten.inc(blocks.reduce((n, b) => n + b.bytes.length, 0));
  }

  /** Headers of a tipset: from the store when present, else from the upstream. */
  private async loadTipSet(key: TipSetKey): Promise<{ tipset: TipSet; fetched: Block[] }> {
    const stored = await this.deps.store.blockstore.getMany(key);
    const fetched: Block[] = [];
    const blocks = await Promise.all(
      key.map(async (cid, i) => {
        const have = stored[i];
        if (have) return { cid, bytes: have };
        const b = await this.fetchBlock(cid);
        if (!b) throw new Error(`upstream lacks block header ${cid.toString()}`);
        fetched.push(b);
        return b;
      }),
    );
    return { tipset: TipSet.create(blocks.map((b) => ({ cid: b.cid, header: decodeBlockHeader(b.bytes) }))), fetched };
  }

  /**
   * Fetch and store everything reachable from the tipset's headers (TxMeta, message
   * AMTs and messages, receipts and events, state) that the store lacks, stopping
   * at stored blocks, `concurrency` fetches at a time.
   *
   * Blocks are written bottom-up (a block only after every block it links to), so a
   * stored block always has its whole subtree stored: that is what makes stopping
   * at stored blocks safe after a crash at any moment. A block the upstream lacks
   * (pruned state) is skipped and counted.
   */
  private async fetchReachable(ts: TipSet): Promise<number> {
    const { store } = this.deps;
    const done = new Map<string, Promise<void>>();
    let written = 0;
    // a batching writer: each block's promise resolves once its batch is durably written,
    // and a parent is handed to it only after all its children's promises resolved, so
    // even a backend that writes a batch's rows in parallel (Cassandra) never stores a
    // parent before its children
    let pending: Array<{ block: Block; resolve: () => void; reject: (e: unknown) => void }> = [];
    let timer: NodeJS.Timeout | null = null;
    let chain: Promise<void> = Promise.resolve();
    const flush = (): void => {
      if (timer) clearTimeout(timer);
      timer = null;
      const batch = pending;
      pending = [];
      if (batch.length === 0) return;
      chain = chain.then(() =>
        this.write(batch.map((x) => x.block)).then(
          () => {
            written += batch.length;
            for (const x of batch) x.resolve();
          },
          (e) => {
            for (const x of batch) x.reject(e);
          },
        ),
      );
    };
    const writeBlock = (block: Block): Promise<void> =>
      new Promise((resolve, reject) => {
        pending.push({ block, resolve, reject });
        if (pending.length >= (this.opts.writeBatch ?? 1000)) flush();
        else if (!timer) timer = setTimeout(flush, 5);
      });
    let inFlight = 0;
    const waiters: Array<() => void> = [];
    const acquire = async (): Promise<void> => {
      while (inFlight >= this.opts.concurrency) await new Promise<void>((r) => waiters.push(r));
      inFlight++;
    };
    const release = (): void => {
      inFlight--;
      waiters.shift()?.();
    };
    const ensure = (cid: CID): Promise<void> => {
      const k = cid.toString();
      let p = done.get(k);
      if (!p) {
        p = (async () => {
          if (this.stopped) throw new Error('stopped');
          await acquire();
          let b: Block | null;
          try {
            if (await store.blockstore.has(cid)) return;
            b = await this.fetchBlock(cid);
          } finally {
            release();
          }
          if (!b) {
            this.missingBlocks++;
            return;
          }
          await Promise.all(linksOf(b.cid, b.bytes).map(ensure));
          await writeBlock(b);
        })();
        done.set(k, p);
      }
      return p;
    };
    const roots = ts.blocks.flatMap((b) => [b.header.messages, b.header.parentMessageReceipts, b.header.parentStateRoot]);
    // genesis's Parents is not a tipset but the "Filecoin genesis" block (sha2-256): keep it too
    if (ts.height === 0) roots.push(...ts.parents);
    try {
      await Promise.all(roots.map(ensure));
    } finally {
      flush();
      await chain.catch(() => undefined);
    }
    return written;
  }

  /** Bring the store (and the leader's head) to the upstream tipset `target`. */
  private async syncTo(target: TipSetKey): Promise<void> {
    const { leader, log } = this.deps;
    const head = leader.currentHead;
    if (head && head.keyString === tipSetKeyString(target)) return;
    if (!head) {
      await this.backfill(target);
      return;
    }
    let applies: TipSetKey[];
    let reorg: boolean;
    try {
      const path = await this.call<Array<{ Type: string; Val: { Cids: unknown[] } }>>('Filecoin.ChainGetPath', [head.key.map((c) => ({ '/': c.toString() })), target.map((c) => ({ '/': c.toString() }))]);
      applies = path.filter((c) => c.Type === 'apply').map((c) => c.Val.Cids.map((x) => parseCidJson(x)));
      reorg = path.some((c) => c.Type === 'revert');
    } catch (e) {
      // the upstream does not know our head: walk back from the target to a tipset we have
      log.warn({ err: (e as Error).message }, 'ChainGetPath failed; walking back from the target');
      applies = [];
      let key = target;
      for (;;) {
        const { tipset } = await this.loadTipSet(key);
        if (await this.deps.store.index.isCanonical(tipset.keyCid)) break;
        applies.unshift(key);
        key = tipset.parents;
        if (tipset.height === 0) break;
      }
      reorg = true;
    }
    if (applies.length === 0) return;
    const loaded: TipSet[] = [];
    for (const key of applies) {
      const { tipset, fetched } = await this.loadTipSet(key);
      await this.write(fetched);
      await this.fetchReachable(tipset);
      if (reorg) loaded.push(tipset);
      else await leader.advance(tipset, []); // extensions commit tipset by tipset
    }
    // a reorg commits once, so followers get one array: reverts, then applies
    if (reorg) await leader.advance(loaded[loaded.length - 1]!, []);
    log.info({ height: leader.currentHead?.height, applied: applies.length, reorg }, 'synced to upstream head');
  }

  /** Empty store: sync `backfillEpochs` tipsets below the target first, then the target, ascending. */
  private async backfill(target: TipSetKey): Promise<void> {
    const chain: TipSet[] = [];
    let key = target;
    for (;;) {
      const { tipset, fetched } = await this.loadTipSet(key);
      await this.write(fetched);
      chain.unshift(tipset);
      if (tipset.height === 0 || chain[chain.length - 1]!.height - tipset.height >= this.opts.backfillEpochs) break;
      key = tipset.parents;
    }
    this.deps.log.info({ from: chain[0]!.height, to: chain[chain.length - 1]!.height }, 'backfilling');
    if (chain[0]!.height > 0) {
      // the genesis tipset too (not as the head): followers learn the network from it and answer ChainGetGenesis
      const g = await this.call<{ Cids: unknown[] }>('Filecoin.ChainGetGenesis', []);
      const { tipset: genesis, fetched } = await this.loadTipSet(g.Cids.map((c) => parseCidJson(c)));
      await this.write(fetched);
      await this.fetchReachable(genesis);
      await this.deps.store.index.applyHeadChange([], [{ tipset: genesis, messages: [] }]);
    }
    for (const ts of chain) {
      await this.fetchReachable(ts);
      await this.deps.leader.advance(ts, []);
    }
  }
}
