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
import { TipSet, type TipSetKey, tipSetKeyCid, tipSetKeyString } from '../chain/tipset.js';
import { HandlerError, LimitExceededError } from '../rpc/errors.js';
import { parseCidJson } from '../chain/json.js';
import { BlockNotFoundError, type ChainReader } from '../blockstore/chain-reader.js';
import type { HeadChange } from '../chain/head-change.js';
import type { ChainIndex } from '../indexer/types.js';
import type { HeadNotifier } from '../rpc/chain-notify.js';
import { RpcWsClient, type Subscription } from '../rpc/client.js';
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
  /** Awaited before the first head is published (e.g. learn the network); must not throw. */
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
  /** Lowest height of our chain held in `byHeight` (lower heights: the index). */
  private windowLow = 0;
  /** The window's fill behind the first head (see fillWindow). */
  private filling: Promise<void> = Promise.resolve();
  /** Counts leader notifications, so a poll can tell it was overtaken. */
  private notifySeq = 0;
  /** A lower head row seen by the previous poll (followed if the next poll sees it again). */
  private lowerRowSeen: string | null = null;

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
    await this.filling;
  }

  /**
   * Read the store's head row and move there if it differs. A poll never undoes a
   * newer move: its target is dropped when a leader notification arrived while the
   * row was being read, and a row lower than the current head (a stale read, e.g. from
   * a lagging replica) is followed only when two polls in a row agree on it.
   */
  async poll(): Promise<void> {
    const seq = this.notifySeq;
    try {
      const row = await this.deps.index.getHead();
      this.storeHeadHeight = row?.height ?? null;
      if (!row || seq !== this.notifySeq) return;
      const key = tipSetKeyString(row.key);
      if (this.headTs && row.height < this.headTs.height && this.lowerRowSeen !== key) {
        this.lowerRowSeen = key;
        return;
      }
      this.lowerRowSeen = null;
      await this.moveTo(row.key);
    } catch (e) {
      this.lastError = (e as Error).message;
      this.deps.log.warn({ err: (e as Error).message }, 'head poll failed');
    }
  }

  private connect(attempt: number): void {
    if (this.stopped) return;
    const url = this.opts.leaderUrl!;
    let client: RpcWsClient | null = null;
    RpcWsClient.connect(url)
      .then(async (c) => {
        client = c;
        this.client = c;
        c.onClose(() => {
          if (this.client !== c) return; // a superseded connection: its loop already ended
          this.leaderConnected = false;
          this.deps.metrics.upstreamUp.set({ upstream: 'leader' }, 0);
          if (!this.stopped) {
            this.deps.log.warn({ url }, 'leader connection lost; serving the last head, reconnecting');
            this.scheduleReconnect(1);
          }
        });
        this.sub = await c.subscribe(
          'Filecoin.ChainNotify',
          [],
          (v) => this.onHeadChanges(v),
          () => {
            // the leader closed our channel (e.g. we were a slow reader): drop the connection, which reconnects
            if (!this.stopped && c.open) c.close();
          },
        );
        this.leaderConnected = true;
        this.deps.metrics.upstreamUp.set({ upstream: 'leader' }, 1);
        this.deps.log.info({ url }, 'subscribed to leader ChainNotify');
        void this.poll();
      })
      .catch((e) => {
        const c = client as RpcWsClient | null;
        if (c) {
          // connected but the subscription failed: this loop reconnects, not the socket's onClose
          if (this.client === c) this.client = null;
          c.close();
        }
        this.deps.log.warn({ url, attempt, err: (e as Error).message }, 'cannot subscribe to leader; retrying');
        this.scheduleReconnect(attempt + 1);
      });
  }

  private scheduleReconnect(attempt: number): void {
    if (this.stopped) return;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const delay = Math.min(this.opts.reconnectMaxMs, 200 * 2 ** Math.min(attempt, 10));
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect(attempt);
    }, delay);
  }

  /** A ChainNotify value: an array of `{Type, Val}`; the target is the last entry's tipset (or a revert's parent). */
  private onHeadChanges(v: unknown): void {
    if (!Array.isArray(v) || v.length === 0) return;
    this.notifySeq++;
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
          this.byHeight.clear();
          this.byHeight.set(target.height, target);
          this.windowLow = target.height;
          // the rest of the window fills behind the first head (one store read per epoch: ~1 s
          // for 900 epochs): the follower serves at once, lower heights from the index meanwhile
          this.filling = this.fillWindow(target);
        }
        for (const c of changes) {
          if (c.type === 'revert') this.byHeight.delete(c.tipset.height);
          else this.byHeight.set(c.tipset.height, c.tipset);
          metrics.headChanges.inc({ type: c.type });
        }
        this.byHeight.set(target.height, target);
        for (const h of this.byHeight.keys()) if (h < target.height - this.window) this.byHeight.delete(h);
        this.windowLow = Math.max(this.windowLow, target.height - this.window);
        const first = !this.headTs;
        this.headTs = target;
        if (first && this.deps.beforeFirstHead) await this.deps.beforeFirstHead(target);
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

  /**
   * Our chain by height from `head` down `window` epochs (of the head as it is then), or
   * as far as the store has headers. Runs beside head moves: it stops where a reorg
   * replaced the tipset it walked from, and at stop(). Never throws.
   */
  private async fillWindow(head: TipSet): Promise<void> {
    let ts = head;
    try {
      while (!this.stopped && ts.height > 0 && ts.height > (this.headTs?.height ?? head.height) - this.window) {
        const parent = await this.deps.reader.parentOf(ts);
        if (!this.onOwnChain(ts)) return; // reverted meanwhile: below it is not our chain
        this.byHeight.set(parent.height, parent);
        this.windowLow = Math.min(this.windowLow, parent.height);
        ts = parent;
      }
    } catch (e) {
      // the leader backfilled less than the window (BlockNotFoundError), or the store failed: lower heights come from the index
      if (!(e instanceof BlockNotFoundError)) this.deps.log.warn({ err: (e as Error).message, height: ts.height }, 'filling the head window stopped');
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
    if (!this.onOwnChain(from)) {
      // a tipset off our window: the index answers for canonical ones, a bounded walk for the rest
      if (await index.isCanonical(from.keyCid)) return this.fromIndex(height, prev);
      if (from.height - height > this.window) throw new LimitExceededError(`looking back ${from.height - height} epochs from a non-canonical tipset exceeds the limit of ${this.window}`);
      return reader.walkBack(from, height, prev);
    }
    // heights held in our window: (lowest, head]; the window may be shorter than
    // `window` when the store holds less (a short backfill)
    const lowest = Math.max((this.headTs?.height ?? from.height) - this.window, this.windowLow - 1);
    if (height > lowest) {
      for (let h = height; prev ? h > lowest : h <= from.height; h += prev ? -1 : 1) {
        const t = this.byHeight.get(h);
        if (t && t.height <= from.height) return t;
      }
      if (!prev) return from;
    }
    return this.fromIndex(height, prev);
  }

  /**
   * The canonical tipset at `height` from the index, checked for gaps (a leader that
   * backfilled only recent epochs indexes genesis and then its backfill range): a row
   * below `height` must have a canonical child above it, a row above must have a
   * canonical parent below it.
   * @throws HandlerError when the store's chain does not cover `height`.
   */
  private async fromIndex(height: number, prev: boolean): Promise<TipSet> {
    const { reader, index } = this.deps;
    const gap = (): HandlerError => new HandlerError(`tipset at height ${height} is not in the store's indexed chain`);
    const row = await index.canonicalAt(height, prev ? 'before' : 'after');
    if (!row) throw gap();
    const ts = await reader.loadTipSet(row.key);
    if (ts.height === height) return ts;
    if (prev) {
      const child = await index.canonicalChild(ts.keyCid);
      if ((!child || child.height <= height) && !ts.equals(this.headTs)) throw gap();
    } else if (!(await index.isCanonical(tipSetKeyCid(ts.parents)))) throw gap();
    return ts;
  }

}

