/**
 * A blockstore that checks every block it reads against the multihash it was asked
 * by (blake2b-256, sha2-256, identity; chain/cid.ts `verifyBlock`) before anything
 * above it can serve or cache it: a corrupt or tampered row in the shared store is
 * an error naming the CID and counted (`filfollower_corrupt_blocks_total`), never an
 * answer. Followers read through it unless VERIFY_BLOCKS=false.
 */
import { type CID, verifyBlock } from '../chain/cid.js';
import type { Metrics } from '../common/metrics.js';
import { type Blockstore, ForwardingBlockstore } from './types.js';

/** A stored block whose bytes do not hash to its CID. */
export class CorruptBlockError extends Error {
  constructor(readonly cid: CID) {
    super(`block ${cid.toString()} in the store does not match its hash (corrupt or altered row); not served`);
    this.name = 'CorruptBlockError';
  }
}

/** Blockstore wrapper verifying reads. */
export class VerifiedBlockstore extends ForwardingBlockstore {
  constructor(inner: Blockstore, private readonly metrics?: Metrics) {
    super(inner);
  }

  private check(cid: CID, bytes: Uint8Array | null): Uint8Array | null {
    if (bytes && !verifyBlock(cid, bytes)) {
      this.metrics?.corruptBlocks.inc();
      throw new CorruptBlockError(cid);
    }
    return bytes;
  }

  /** @throws CorruptBlockError when the stored bytes do not hash to `cid` */
  override async get(cid: CID): Promise<Uint8Array | null> {
    return this.check(cid, await this.inner.get(cid));
  }

  /** @throws CorruptBlockError for the first block whose stored bytes do not hash to its CID */
  override async getMany(cids: CID[]): Promise<Array<Uint8Array | null>> {
    const got = await this.inner.getMany(cids);
    return got.map((b, i) => this.check(cids[i]!, b));
  }

}
