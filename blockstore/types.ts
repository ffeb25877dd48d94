/**
 * The blockstore: immutable IPLD blocks keyed by multihash (as Lotus keys its
 * blockstore), one interface over every backend.
 */
import type { CID } from '../chain/cid.js';

/** A block: its CID and its bytes. */
export interface Block {
  cid: CID;
  bytes: Uint8Array;
}

/** Get, getMany, has and putMany over a backend. Every method may reject when the backend is unreachable. */
export interface Blockstore {
  /** The block's bytes, or null when absent. */
  get(cid: CID): Promise<Uint8Array | null>;
  /** Bytes for each CID, in the order asked, null where absent. */
  getMany(cids: CID[]): Promise<Array<Uint8Array | null>>;
  /** Whether the block is stored. */
  has(cid: CID): Promise<boolean>;
  /** Store blocks; idempotent (an existing block is left as it is). */
  putMany(blocks: Block[]): Promise<void>;
  /** Release connections. */
  close(): Promise<void>;
}

/** Map key for a CID's multihash (base64 of the multihash bytes). */
export function mhKey(cid: CID): string {
  const b = cid.multihash.bytes;
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

/**
 * A wrapper that hands every call to `inner`: subclasses override the reads they change
 * (VerifiedBlockstore checks them, BatchingBlockstore groups them).
 */
export abstract class ForwardingBlockstore implements Blockstore {
  constructor(protected readonly inner: Blockstore) {}

  get(cid: CID): Promise<Uint8Array | null> {
    return this.inner.get(cid);
  }

  getMany(cids: CID[]): Promise<Array<Uint8Array | null>> {
    return this.inner.getMany(cids);
  }

  has(cid: CID): Promise<boolean> {
    return this.inner.has(cid);
  }

  putMany(blocks: Block[]): Promise<void> {
    return this.inner.putMany(blocks);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
