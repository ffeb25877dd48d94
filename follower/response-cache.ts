/**
 * Per-method caches of rendered answers (DESIGN.md invariant 3). Only answers that
 * can never change are cached, keyed by what makes them immutable: a CID, a
 * TipSetKey, or "height H as seen from tipset K" — never by "the head" or a bare
 * height. After a revert the head's key changes, so nothing computed from the
 * reverted branch is reachable by a new request. Bounded by entry count (LRU).
 * Hits and misses are counted per method in /debug/metrics.
 */
import { LRUCache } from 'lru-cache';
import type { Metrics } from '../common/metrics.js';

/** A cache of JSON answers shared by all methods, bounded by their serialized size. */
export class ResponseCache {
  private readonly lru: LRUCache<string, { v: unknown; size: number }>;

  /**
   * @param maxBytes bound on the cached answers' JSON size, bytes
   * @param maxEntryBytes answers larger than this are served but not cached
   */
  constructor(maxBytes: number, private readonly metrics?: Metrics, private readonly maxEntryBytes = 1 << 20) {
    this.lru = new LRUCache({ maxSize: Math.max(1, maxBytes), sizeCalculation: (e) => e.size });
  }

  /**
   * The cached answer of `method` for `key`, or compute, cache and return it.
   * Errors are not cached. `null` answers are cached (they are answers too).
   */
  async get<T>(method: string, key: string, compute: () => Promise<T>): Promise<T> {
    const k = `${method}\u0000${key}`;
    const hit = this.lru.get(k);
    if (hit) {
      this.metrics?.cacheHits.inc({ cache: method });
      return hit.v as T;
    }
    this.metrics?.cacheMisses.inc({ cache: method });
    const v = await compute();
    const size = v === null || v === undefined ? 8 : JSON.stringify(v).length + k.length;
    if (size <= this.maxEntryBytes) this.lru.set(k, { v, size });
    return v;
  }

  /** Number of cached answers. */
  get size(): number {
    return this.lru.size;
  }
}
