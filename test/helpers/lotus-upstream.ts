/**
 * A Lotus-compatible upstream for tests (no Lotus node is reachable here): a
 * follower over a read-only, in-memory CAR blockstore, speaking the real Lotus wire
 * protocol (ChainNotify with xrpc channels, ChainHead, ChainGetBlock, ChainReadObj,
 * ChainHasObj, ChainGetPath, ChainGetTipSet), whose head advances on command or on a
 * clock and can be reorged on command. Fork blocks are SYNTHETIC: real headers with
 * a changed ForkSignaling field and re-pointed Parents, in the real encoding.
 */
import { cborCid } from '../../chain/cid.js';
import { TipSet } from '../../chain/tipset.js';
import { type BlockHeader, encodeBlockHeader } from '../../chain/types.js';
import { MemoryBlockstore } from '../../blockstore/memory.js';
import { MemoryChainIndex } from '../../indexer/memory.js';
import { Leader } from '../../leader/leader.js';
import { CarReplaySource } from '../../leader/car-source.js';
import { runFollower, type FollowerHandle } from '../../follower/main.js';
import { HeadNotifier } from '../../rpc/chain-notify.js';
import { createMetrics } from '../../common/metrics.js';
import { loadConfig } from '../../common/config.js';
import { silentLogger } from '../../common/logger.js';
import type { Store } from '../../store/open.js';

/** A simulated Lotus node. */
export class LotusUpstream {
  readonly blocks: MemoryBlockstore;
  private readonly store: Store;
  private readonly writer: Leader;
  private server: FollowerHandle | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Index in the CAR chain of the next real tipset to apply. */
  private next = 0;
  /** The chain as the upstream sees it, ascending (real tipsets, then any fork). */
  readonly chain: TipSet[] = [];

  private constructor(readonly source: CarReplaySource, readonly port: number) {
    this.blocks = new MemoryBlockstore(source.car.blocks.values());
    this.store = { blockstore: this.blocks, index: new MemoryChainIndex(), redactedUrl: 'memory:', migrate: async () => [], close: async () => undefined };
    this.writer = new Leader({ store: this.store, notifier: new HeadNotifier(() => 'f'), log: silentLogger(), metrics: createMetrics() });
  }

  /** Load the CAR; the head starts at its first `startCount` tipsets (at least genesis). */
  static async create(car: string, port: number, startCount = 1): Promise<LotusUpstream> {
    const u = new LotusUpstream(await CarReplaySource.open(car), port);
    for (let i = 0; i < Math.max(1, startCount); i++) await u.advance();
    return u;
  }

  /** `ws://127.0.0.1:port/rpc/v1`. */
  get url(): string {
    return `ws://127.0.0.1:${this.port}/rpc/v1`;
  }

  /** The upstream's head. */
  get head(): TipSet {
    return this.chain[this.chain.length - 1]!;
  }

  /** Whether every real tipset of the CAR has been applied. */
  get done(): boolean {
    return this.next >= this.source.tipsets.length;
  }

  /** Serve on the port (again, after {@link pause}). */
  async serve(): Promise<void> {
    const cfg = loadConfig('follower', { port: String(this.port), headPollMs: '20' }, {});
    cfg.leaderUrl = undefined;
    this.server = await runFollower(cfg, this.store, silentLogger());
  }

  /** Stop serving (connections drop), keeping the chain. */
  async pause(): Promise<void> {
    await this.server?.stop();
    this.server = null;
  }

  /** Apply the next real tipset. @returns false when the CAR is exhausted. */
  async advance(): Promise<boolean> {
    const ts = this.source.tipsets[this.next];
    if (!ts) return false;
    this.next++;
    await this.writer.advance(ts, []);
    this.chain.push(ts);
    return true;
  }

  /** Advance every `ms` until the CAR is exhausted or {@link stopClock}. */
  startClock(ms: number): void {
    this.timer = setInterval(() => {
      void this.advance().then((more) => {
        if (!more) this.stopClock();
      });
    }, ms);
  }

  /** Stop the clock. */
  stopClock(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Replace the top `depth` tipsets with SYNTHETIC single-block siblings at the same
   * heights (one head change: `depth` reverts, then `depth` applies).
   * @returns the new branch, ascending.
   */
  async reorg(depth: number): Promise<TipSet[]> {
    const base = this.chain[this.chain.length - 1 - depth]!;
    const replaced = this.chain.splice(this.chain.length - depth, depth);
    const fork: TipSet[] = [];
    let parent = base;
    for (const old of replaced) {
      const h: BlockHeader = { ...old.blocks[0]!.header, parents: parent.key, forkSignaling: old.blocks[0]!.header.forkSignaling + 1 };
      const bytes = encodeBlockHeader(h);
      const cid = cborCid(bytes);
      await this.blocks.putMany([{ cid, bytes }]);
      const ts = TipSet.create([{ cid, header: h }]);
      fork.push(ts);
      parent = ts;
    }
    await this.writer.advance(fork[fork.length - 1]!, []);
    this.chain.push(...fork);
    return fork;
  }

  /** Stop everything. */
  async stop(): Promise<void> {
    this.stopClock();
    await this.pause();
  }
}
