/**
 * The leader: the only writer. For each new tipset it writes the blocks, then the
 * index rows, then the head row, and only then publishes the head change on its
 * ChainNotify (DESIGN.md invariant 1).
 */
import type { Logger } from '../common/logger.js';
import type { Metrics } from '../common/metrics.js';
import type { HeadNotifier } from '../rpc/chain-notify.js';
import type { Store } from '../store/open.js';
import { ChainReader } from '../blockstore/chain-reader.js';
import type { HeadChange } from '../chain/head-change.js';
import type { Block } from '../blockstore/types.js';
import { CachedBlockstore } from '../blockstore/cached.js';
import type { TipSet } from '../chain/tipset.js';
import type { AppliedTipSet } from '../indexer/types.js';
import { IndexRowDeriver } from '../indexer/derive.js';

/** Collaborators of the leader. */
export interface LeaderDeps {
  store: Store;
  notifier: HeadNotifier;
  log: Logger;
  metrics: Metrics;
}

/** Writes tipsets to the store in the invariant order and publishes head changes. */
export class Leader {
  private readonly reader: ChainReader;
  private readonly rows: IndexRowDeriver;
  private head: TipSet | null = null;

  constructor(private readonly deps: LeaderDeps) {
    // a write-through cache: what advance() just wrote is read back from memory when indexing
    this.reader = new ChainReader(new CachedBlockstore(deps.store.blockstore, 64 << 20));
    this.rows = new IndexRowDeriver(this.reader);
  }

  /** The committed head. */
  get currentHead(): TipSet | null {
    return this.head;
  }

  /**
   * Load the committed head from the store (after a restart) and publish it as the
   * notifier's current head. @returns the head, or null for an empty store.
   */
  async resume(): Promise<TipSet | null> {
    const row = await this.deps.store.index.getHead();
    if (!row) return null;
    this.head = await this.reader.loadTipSet(row.key);
    this.deps.notifier.publish([], this.head);
    this.deps.metrics.headHeight.set(this.head.height);
    return this.head;
  }

  /**
   * Make `ts` the head: write `blocks` (idempotent), record the head change in the
   * index, move the head row, then publish. The path from the old head is computed
   * from the store, so a tipset on another branch becomes a revert/apply reorg.
   * @returns the head changes published.
   * @throws whatever the store throws; nothing is published then, and a retry is safe.
   */
  async advance(ts: TipSet, blocks: Block[]): Promise<HeadChange[]> {
    const { store, notifier, metrics, log } = this.deps;
    await this.reader.blockstore.putMany(blocks);
    metrics.blocksWritten.inc(blocks.length);
    metrics.bytesWritten.inc(blocks.reduce((n, b) => n + b.bytes.length, 0));
    const changes: HeadChange[] = this.head ? await this.reader.path(this.head, ts) : [{ type: 'apply', tipset: ts }];
    if (changes.length === 0) return changes;
    const reverts = changes.filter((c) => c.type === 'revert').map((c) => c.tipset);
    // index rows of each applied tipset, a few tipsets at a time; a tipset whose messages the
    // store lacks (e.g. a snapshot without old messages) is indexed without them
    const applies: AppliedTipSet[] = [];
    const toApply = changes.filter((c) => c.type === 'apply').map((c) => c.tipset);
    for (let i = 0; i < toApply.length; i += 8) {
      applies.push(...(await Promise.all(toApply.slice(i, i + 8).map((t) => this.rows.derive(t, t.equals(ts))))));
    }
    await store.index.applyHeadChange(reverts, applies);
    await store.index.setHead(ts);
    this.head = ts;
    notifier.publish(changes, ts);
    metrics.headHeight.set(ts.height);
    for (const c of changes) metrics.headChanges.inc({ type: c.type });
    log.debug({ height: ts.height, reverts: reverts.length, applies: applies.length, blocks: blocks.length }, 'head committed');
    return changes;
  }
}
