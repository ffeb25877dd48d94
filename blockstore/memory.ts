/**
 * An in-memory blockstore keyed by multihash: the read-only view of a CAR file,
 * and a scratch store for tests.
 */
import type { CID } from '../chain/cid.js';
import { type Block, type Blockstore, mhKey } from './types.js';

/** A Map-backed blockstore. */
export class MemoryBlockstore implements Blockstore {
  private readonly blocks = new Map<string, Block>();

  constructor(blocks: Iterable<Block> = []) {
    for (const b of blocks) this.blocks.set(mhKey(b.cid), b);
  }
  /** Number of stored blocks. */
  get size(): number {
    return this.blocks.size;
  }
  /** Synchronous read. */
  getSync(cid: CID): Uint8Array | null {
    return this.blocks.get(mhKey(cid))?.bytes ?? null;
  }
  async get(cid: CID): Promise<Uint8Array | null> {
    return this.getSync(cid);
  }
  async getMany(cids: CID[]): Promise<Array<Uint8Array | null>> {
    return cids.map((c) => this.getSync(c));
  }
  async has(cid: CID): Promise<boolean> {
    return this.blocks.has(mhKey(cid));
  }
  async putMany(blocks: Block[]): Promise<void> {
    for (const b of blocks) if (!this.blocks.has(mhKey(b.cid))) this.blocks.set(mhKey(b.cid), b);
  }
  /** Every block, in insertion order. */
  values(): IterableIterator<Block> {
    return this.blocks.values();
  }
  async close(): Promise<void> {}
}
