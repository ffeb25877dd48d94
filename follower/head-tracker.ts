/**
 * The follower's head: what Lotus's `PutTipSet` did for a follower node. Head
 * changes come from the leader's ChainNotify (and from polling the store's head
 * row, since neither YugabyteDB nor Cassandra offers reliable LISTEN/NOTIFY). For
 * each target it loads the tipset from the store, checks every block of every
 * tipset to apply is readable, moves the head along the path (reverts, then
 * applies), and republishes the same change to its own ChainNotify subscribers.
 *
 * It also keeps its own chain's recent tipsets by height (the last `window`
 * epochs), so height lookups near the head answer from this follower's chain
 * even while the shared index already reflects a newer head or another branch.
 * Below the window (past finality) the index's canonical table is used.
 */
import type { CID } from '../chain/cid.js';
import { TipSet, type TipSetKey, tipSetKeyString } from '../chain/tipset.js';
import { parseCidJson } from '../chain/json.js';
import type { ChainReader, HeadChange } from '../blockstore/chain-reader.js';
import type { ChainIndex } from '../indexer/types.js';
import type { HeadNotifier } from '../common/chain-notify.js';
import { RpcWsClient, type Subscription } from '../common/rpc-client.js';
import type { Logger } from '../common/logger.js';
import type { Metrics } from '../common/metrics.js';

/** Options of the head tracker. */
export interface HeadTrackerOptions {
  /** WebSocket URL of the leader's `/rpc/v1`; unset: poll only. */
  leaderUrl?: string;
  /** Store head-row polling period, ms. */
  headPollMs: number;
  /** Longest reconnect backoff, ms. */
  reconnectMaxMs: number;
  /** Epochs of own chain kept by height (default 900, finality). */
  window?: number;
}

/** Collaborators. */
export interface HeadTrackerDeps {
  reader: ChainReader;
  index: ChainIndex;
  notifier: HeadNotifier;
  log: Logger;
  metrics: Metrics;
  /** Awaited before the first head is published (e.g. load genesis, learn the network). */
  beforeFirstHead?: (head: TipSet) => Promise<void>;
}

/** Tracks and serves the follower's head. */
export class HeadTracker {
  private headTs: TipSet | null = null;
  private readonly byHeight = new Map<number, TipSet>();
  private queue: Promise<void> = Promise.resolve();
  private pollTimer: NodeJS.Timeout | null = null;
  private client: RpcWsClient | null = null;
  private sub: Subscription | null = null;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** Whether the ChainNotify subscription to the leader is live. */
  leaderConnected = false;
  /** Height of the store's head row at the last poll. */
  storeHeadHeight: number | null = null;
  /** Last error moving the head (e.g. a block not yet readable). */
  lastError: string | null = null;
  private readonly window: number;

  constructor(private readonly opts: HeadTrackerOptions, private readonly deps: HeadTrackerDeps) {
    this.window = opts.window ?? 900;
  }

  /** The current head, or null before the store has one. */
  get head(): TipSet | null {
    return this.headTs;
  }

  /** Start polling the store and following the leader. Resolves after the first poll. */
  async start(): Promise<void> {
    await this.poll();
    const loop = (): void => {
      this.pollTimer = setTimeout(() => {
        this.poll().finally(() => {
          if (!this.stopped) loop();
        });
      }, this.opts.headPollMs);
    };
    loop();
    if (this.opts.leaderUrl) this.connect(0);
  }

  /** Stop following; subscribers are closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.sub?.cancel();
    this.client?.close();
    this.deps.notifier.closeAll();
    await this.queue.catch(() => undefined);
  }

  /** Read the store's head row and move there if it differs. */
  async poll(): Promise<void> {
    try {
      const row = await this.deps.index.getHead();
      this.storeHeadHeight = row?.height ?? null;
      if (row) await this.moveTo(row.key);
    } catch (e) {
      this.lastError = (e as Error).message;
      this.deps.log.warn({ err: (e as Error).message }, 'head poll failed');
    }
  }

  private connect(attempt: number): void {
    if (this.stopped) return;
    const url = this.opts.leaderUrl!;
    RpcWsClient.connect(url)
      .then(async (client) => {
        this.client = client;
        client.onClose(() => {
          this.leaderConnected = false;
          this.deps.metrics.upstreamUp.set({ upstream: 'leader' }, 0);
          if (!this.stopped) {
            this.deps.log.warn({ url }, 'leader connection lost; serving the last head, reconnecting');
            this.scheduleReconnect(1);
          }
        });
        this.sub = await client.subscribe(
          'Filecoin.ChainNotify',
          [],
          (v) => this.onHeadChanges(v),
          () => {
            if (!this.stopped && client.open) {
              // the leader closed our channel (e.g. we were a slow reader): resubscribe
              client.close();
            }
          },
        );
        this.leaderConnected = true;
        this.deps.metrics.upstreamUp.set({ upstream: 'leader' }, 1);
        this.deps.log.info({ url }, 'subscribed to leader ChainNotify');
        void this.poll();
      })
      .catch((e) => {
        this.deps.log.warn({ url, attempt, err: (e as Error).message }, 'cannot reach leader; retrying');
        this.scheduleReconnect(attempt + 1);
      });
  }

  private scheduleReconnect(attempt: number): void {
    if (this.stopped) return;
    const delay = Math.min(this.opts.reconnectMaxMs, 200 * 2 ** Math.min(attempt, 10));
    this.reconnectTimer = setTimeout(() => this.connect(attempt), delay);
  }

  /** A ChainNotify value: an array of `{Type, Val}`; the target is the last entry's tipset (or a revert's parent). */
  private onHeadChanges(v: unknown): void {
    if (!Array.isArray(v) || v.length === 0) return;
    const last = v[v.length - 1] as { Type?: string; Val?: { Cids?: unknown[]; Blocks?: Array<{ Parents?: unknown[] }> } };
    try {
      let key: TipSetKey;
      if (last.Type === 'revert') key = (last.Val?.Blocks?.[0]?.Parents ?? []).map((c) => parseCidJson(c));
      else key = (last.Val?.Cids ?? []).map((c) => parseCidJson(c));
      if (key.length > 0) void this.moveTo(key);
    } catch (e) {
      this.deps.log.warn({ err: (e as Error).message }, 'ignoring malformed head change from leader');
    }
  }

  /**
   * Move the head to the tipset with `key`, serialized with other moves.
   * Never moves to a tipset whose blocks cannot all be read; then the head stays
   * and the next poll or notification retries.
   */
  moveTo(key: TipSetKey): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.headTs && this.headTs.keyString === tipSetKeyString(key)) return;
      const { reader, notifier, metrics, log } = this.deps;
      try {
        const target = await reader.loadTipSet(key);
        const changes: HeadChange[] = this.headTs ? await reader.path(this.headTs, target) : [];
        for (const c of changes) if (c.type === 'apply') await this.checkReadable(c.tipset);
        if (!this.headTs) {
          await this.checkReadable(target);
          await this.fillWindow(target);
        }
        for (const c of changes) {
          if (c.type === 'revert') this.byHeight.delete(c.tipset.height);
          else this.byHeight.set(c.tipset.height, c.tipset);
          metrics.headChanges.inc({ type: c.type });
        }
        this.byHeight.set(target.height, target);
        for (const h of this.byHeight.keys()) if (h < target.height - this.window) this.byHeight.delete(h);
        const first = !this.headTs;
        this.headTs = target;
        if (first && this.deps.beforeFirstHead) {
          try {
            await this.deps.beforeFirstHead(target);
          } catch (e) {
            this.headTs = null;
            throw e;
          }
        }
        this.lastError = null;
        metrics.headHeight.set(target.height);
        notifier.publish(changes, target);
        log.debug({ height: target.height, changes: changes.length }, 'head moved');
      } catch (e) {
        this.lastError = (e as Error).message;
        log.warn({ err: (e as Error).message, target: tipSetKeyString(key) }, 'cannot move head yet');
      }
    };
    this.queue = this.queue.then(run, run);
    return this.queue;
  }

  /** Every header and TxMeta of the tipset must be readable. @throws BlockNotFoundError */
  private async checkReadable(ts: TipSet): Promise<void> {
    const metas: CID[] = ts.blocks.map((b) => b.header.messages);
    const got = await this.deps.reader.blockstore.getMany(metas);
    got.forEach((b, i) => {
      if (!b) throw new Error(`tipset ${ts.height} not fully readable: ipld: could not find ${metas[i]!.toString()}`);
    });
  }

  private async fillWindow(head: TipSet): Promise<void> {
    let ts = head;
    this.byHeight.set(ts.height, ts);
    while (ts.height > 0 && ts.height > head.height - this.window) {
      ts = await this.deps.reader.parentOf(ts);
      this.byHeight.set(ts.height, ts);
    }
  }

  /** Whether `ts` is on this follower's chain within the window. */
  private onOwnChain(ts: TipSet): boolean {
    return this.byHeight.get(ts.height)?.keyString === ts.keyString;
  }

  /**
   * The tipset at `height` on the chain ending at `from` (default the head):
   * greatest height ≤ `height` when `prev`, else smallest height ≥ `height`.
   * Callers check `height` ≤ `from.height`.
   */
  async tipSetAtHeight(height: number, from: TipSet, prev: boolean): Promise<TipSet> {
    const { reader, index } = this.deps;
    if (height >= from.height) return from;
    if (!this.onOwnChain(from)) return reader.walkBack(from, height, prev);
    const lowest = (this.headTs?.height ?? from.height) - this.window;
    if (height > lowest) {
      for (let h = height; prev ? h > lowest : h <= from.height; h += prev ? -1 : 1) {
        const t = this.byHeight.get(h);
        if (t && t.height <= from.height) return t;
      }
      if (!prev) return from;
    }
    const row = await index.canonicalAt(height, prev ? 'before' : 'after');
    if (!row) return reader.walkBack(from, height, prev);
    return reader.loadTipSet(row.key);
  }
}

