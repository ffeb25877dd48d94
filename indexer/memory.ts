/**
 * The chain index in memory, with the same semantics as the SQL one (reverted flags,
 * one canonical tipset per height, empty-tipset placeholders). For the test
 * upstream and tests; nothing durable.
 */
import type { CID } from '../chain/cid.js';
import { type TipSet, type TipSetKey, tipSetKeyCid } from '../chain/tipset.js';
import type { AppliedTipSet, ChainIndex, EventQuery, EventRow, HeadRow, IndexedEvent, IndexedTipSet, MessageInclusion } from './types.js';
import { matchesFilters } from './event-rows.js';

interface Row {
  key: TipSetKey;
  height: number;
  parent: string;
  reverted: boolean;
  messages: string[];
}

/** ChainIndex over Maps. */
export class MemoryChainIndex implements ChainIndex {
  private readonly tipsets = new Map<string, Row>();
  private head: HeadRow | null = null;
  private readonly ethTxHashes = new Map<string, CID>();
  /** Events of a tipset's messages (learnt from a child) by tipset key CID, and whether a revert removed them. */
  private readonly tipsetEvents = new Map<string, { events: EventRow[]; reverted: boolean }>();

  async applyHeadChange(reverts: TipSet[], applies: AppliedTipSet[]): Promise<void> {
    for (const t of reverts) {
      const r = this.tipsets.get(t.keyCid.toString());
      if (r) r.reverted = true;
      const parentEvents = this.tipsetEvents.get(tipSetKeyCid(t.parents).toString());
      if (parentEvents) parentEvents.reverted = true;
    }
    for (const a of applies) {
      const { tipset, messages } = a;
      const k = tipset.keyCid.toString();
      for (const [kk, r] of this.tipsets) if (r.height === tipset.height && !r.reverted && kk !== k) r.reverted = true;
      this.tipsets.set(k, { key: tipset.key, height: tipset.height, parent: tipSetKeyCid(tipset.parents).toString(), reverted: false, messages: (messages ?? []).map(String) });
      for (const h of a.ethTxHashes ?? []) this.ethTxHashes.set(Buffer.from(h.txHash).toString('hex'), h.messageCid);
      if (a.parentEvents) this.tipsetEvents.set(tipSetKeyCid(tipset.parents).toString(), { events: a.parentEvents, reverted: false });
    }
  }

  async messageByEthTxHash(txHash: Uint8Array): Promise<CID | null> {
    return this.ethTxHashes.get(Buffer.from(txHash).toString('hex')) ?? null;
  }

  async events(q: EventQuery): Promise<IndexedEvent[]> {
    const out: IndexedEvent[] = [];
    const named = q.tipsetKeyCid?.toString();
    // a named tipset's events come whether canonical or not, flagged (as Lotus)
    const live = (k: string, r: Row): boolean => !r.reverted && this.tipsetEvents.get(k)?.reverted === false;
    const rows = [...this.tipsetEvents.keys()]
      .map((k) => [k, this.tipsets.get(k)] as const)
      .filter((x): x is readonly [string, Row] => !!x[1] && x[1].height >= q.fromHeight && x[1].height <= q.toHeight && (named ? x[0] === named : live(x[0], x[1])))
      .sort((a, b) => a[1].height - b[1].height);
    for (const [k, r] of rows) {
      for (const e of this.tipsetEvents.get(k)!.events) {
        if (!matchesFilters(e, q)) continue;
        out.push({ ...e, tipset: { key: r.key, height: r.height }, reverted: !live(k, r) });
        if (out.length >= q.limit) return out;
      }
    }
    return out;
  }

  async setHead(ts: TipSet): Promise<void> {
    this.head = { key: ts.key, height: ts.height, updatedAt: Date.now() };
  }

  async getHead(): Promise<HeadRow | null> {
    return this.head;
  }

  async canonicalAt(height: number, dir: 'before' | 'after'): Promise<IndexedTipSet | null> {
    let best: Row | null = null;
    for (const r of this.tipsets.values()) {
      if (r.reverted) continue;
      if (dir === 'before' ? r.height <= height && (!best || r.height > best.height) : r.height >= height && (!best || r.height < best.height)) best = r;
    }
    return best ? { key: best.key, height: best.height } : null;
  }

  async messageInclusions(messageCid: CID): Promise<MessageInclusion[]> {
    const c = messageCid.toString();
    const out: MessageInclusion[] = [];
    for (const r of this.tipsets.values()) {
      if (r.reverted) continue;
      const i = r.messages.indexOf(c);
      if (i >= 0) out.push({ key: r.key, height: r.height, index: i });
    }
    return out.sort((a, b) => b.height - a.height);
  }

  async canonicalChild(keyCid: CID): Promise<IndexedTipSet | null> {
    const k = keyCid.toString();
    let best: Row | null = null;
    for (const r of this.tipsets.values()) if (!r.reverted && r.parent === k && (!best || r.height < best.height)) best = r;
    return best ? { key: best.key, height: best.height } : null;
  }

  private readonly imports = new Map<string, { path: string; done: boolean }>();

  async importStarted(path: string): Promise<string> {
    const id = String(this.imports.size + 1);
    this.imports.set(id, { path, done: false });
    return id;
  }

  async importFinished(id: string): Promise<void> {
    const path = this.imports.get(id)?.path;
    for (const r of this.imports.values()) if (r.path === path) r.done = true;
  }

  async unfinishedImports(): Promise<string[]> {
    return [...this.imports.values()].filter((r) => !r.done).map((r) => r.path);
  }

  async isCanonical(keyCid: CID): Promise<boolean> {
    const r = this.tipsets.get(keyCid.toString());
    return !!r && !r.reverted;
  }

  async byKeyCid(keyCid: CID): Promise<(IndexedTipSet & { reverted: boolean }) | null> {
    const r = this.tipsets.get(keyCid.toString());
    return r ? { key: r.key, height: r.height, reverted: r.reverted } : null;
  }

  async close(): Promise<void> {}
}
