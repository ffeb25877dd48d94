/**
 * The chain index in memory, with the same semantics as the SQL one (reverted flags,
 * one canonical tipset per height, empty-tipset placeholders). For the test
 * upstream and tests; nothing durable.
 */
import type { CID } from '../chain/cid.js';
import { type TipSet, type TipSetKey, tipSetKeyCid } from '../chain/tipset.js';
import type { AppliedTipSet, ChainIndex, HeadRow, IndexedTipSet, MessageInclusion } from './types.js';

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

  async applyHeadChange(reverts: TipSet[], applies: AppliedTipSet[]): Promise<void> {
    for (const t of reverts) {
      const r = this.tipsets.get(t.keyCid.toString());
      if (r) r.reverted = true;
    }
    for (const { tipset, messages } of applies) {
      const k = tipset.keyCid.toString();
      for (const [kk, r] of this.tipsets) if (r.height === tipset.height && !r.reverted && kk !== k) r.reverted = true;
      this.tipsets.set(k, { key: tipset.key, height: tipset.height, parent: tipSetKeyCid(tipset.parents).toString(), reverted: false, messages: (messages ?? []).map(String) });
    }
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
