/**
 * A read-through cache in front of a blockstore. Blocks are immutable, so they are
 * cached by multihash with no expiry, bounded by total bytes (lru-cache). Misses
 * are not cached: a block absent now may be written by the leader a moment later.
 */
import { LRUCache } from 'lru-cache';
import type { CID } from '../chain/cid.js';
import type { Metrics } from '../common/metrics.js';
import { type Block, type Blockstore, mhKey } from './types.js';

/**
 * Heap bytes a cached block costs beyond its own bytes: its key (the multihash in base64),
 * its Uint8Array and ArrayBuffer objects, and the LRU's slots. Measured on Node 20 with
 * 300,000 entries of 250-byte blocks: 358 B of heap per entry (and ~900 B of RSS in all).
 * Counted so that the cache's bound is memory, not just block bytes: counting only the
 * bytes, a "256 MiB" import cache of mainnet-shaped blocks (~250 B each) held 1 M blocks
 * and the importer's RSS sat at 1.4–1.5 GB.
 */
export const CACHE_ENTRY_OVERHEAD = 384;

/** Blockstore wrapper with a byte-bounded LRU. */
export class CachedBlockstore implements Blockstore {
  private readonly cache: LRUCache<string, Uint8Array>;

  /** @param maxBytes bound of the cache: block bytes plus {@link CACHE_ENTRY_OVERHEAD} per block */
  constructor(private readonly inner: Blockstore, maxBytes: number, private readonly metrics?: Metrics) {
    this.cache = new LRUCache<string, Uint8Array>({ maxSize: Math.max(1, maxBytes), sizeCalculation: (v) => v.length + CACHE_ENTRY_OVERHEAD });
  }

  async get(cid: CID): Promise<Uint8Array | null> {
    return this.read(cid, true);
  }

  async getMany(cids: CID[]): Promise<Array<Uint8Array | null>> {
    return this.readMany(cids, true);
  }

  /**
   * This cache's reads without filling it: hits are served from it, misses are read from the
   * store and not kept; writes go through {@link putMany}. For a pass that reads each block
   * once, such as an import's indexing reading the snapshot back: filling the cache there
   * only evicts blocks still to be read, and keeps each block read long enough for V8 to
   * promote it to the old generation before it is evicted (a SYNTHETIC 1 GB import spent a
   * third of its indexing phase in the garbage collector while filling the cache).
   */
  withoutFill(): Blockstore {
    return {
      get: (cid) => this.read(cid, false),
      getMany: (cids) => this.readMany(cids, false),
      has: (cid) => this.has(cid),
      putMany: (blocks) => this.putMany(blocks),
      close: () => this.close(),
    };
  }

  private async read(cid: CID, fill: boolean): Promise<Uint8Array | null> {
    const k = mhKey(cid);
    const hit = this.cache.get(k);
    if (hit) {
      this.metrics?.cacheHits.inc({ cache: 'blocks' });
      return hit;
    }
    this.metrics?.cacheMisses.inc({ cache: 'blocks' });
    this.metrics?.storeReads.inc({ op: 'get' });
    const b = await this.inner.get(cid);
    if (b && fill) this.cache.set(k, b);
    return b;
  }

  private async readMany(cids: CID[], fill: boolean): Promise<Array<Uint8Array | null>> {
    const out: Array<Uint8Array | null> = new Array(cids.length).fill(null);
    const missIdx: number[] = [];
    cids.forEach((c, i) => {
      const hit = this.cache.get(mhKey(c));
      if (hit) out[i] = hit;
      else missIdx.push(i);
    });
    this.metrics?.cacheHits.inc({ cache: 'blocks' }, cids.length - missIdx.length);
    if (missIdx.length > 0) {
      this.metrics?.cacheMisses.inc({ cache: 'blocks' }, missIdx.length);
      this.metrics?.storeReads.inc({ op: 'getMany' });
      const got = await this.inner.getMany(missIdx.map((i) => cids[i]!));
      got.forEach((b, j) => {
        const i = missIdx[j]!;
        out[i] = b;
        if (b && fill) this.cache.set(mhKey(cids[i]!), b);
      });
    }
    return out;
  }

  async has(cid: CID): Promise<boolean> {
    if (this.cache.has(mhKey(cid))) return true;
    this.metrics?.storeReads.inc({ op: 'has' });
    return this.inner.has(cid);
  }

  /**
   * Write through to the store, then cache (followers never write; the leader reads back
   * what it wrote). A block in the cache is in the store already (it was read from it or
   * written through here; blocks are never deleted), so it is not written again: a
   * snapshot that repeats a block costs no store write, and no conflict for a COPY.
   */
  async putMany(blocks: Block[]): Promise<void> {
    // `get`, not `has`: a block that repeats stays recent (a snapshot repeats a few blocks,
    // such as empty AMTs, all through; evicted, each repeat would be written again)
    const fresh: Block[] = [];
    const keys: string[] = [];
    for (const b of blocks) {
      const k = mhKey(b.cid);
      if (this.cache.get(k) !== undefined) continue;
      fresh.push(b);
      keys.push(k);
    }
    if (fresh.length > 0) await this.inner.putMany(fresh);
    fresh.forEach((b, i) => this.cache.set(keys[i]!, b.bytes));
  }

  async close(): Promise<void> {
    await this.inner.close();
  }
}
