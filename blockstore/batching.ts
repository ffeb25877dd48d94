/**
 * A blockstore whose single-block reads made in the same turn of the event loop travel
 * as one `getMany` (the DataLoader pattern, with the `dataloader` package): work that
 * walks many small blocks at once (indexing a page of tipsets: their TxMeta, message AMT
 * nodes, receipts and events) costs one store round trip per group instead of one per
 * block. Nothing is cached here (cache: false): put a CachedBlockstore below it.
 */
import DataLoader from 'dataloader';
import type { CID } from '../chain/cid.js';
import { type Blockstore, ForwardingBlockstore } from './types.js';

/** Blocks asked for in one `getMany` at most. */
export const BATCH_MAX_BLOCKS = 1000;

/** Blockstore wrapper that batches concurrent `get`s into `getMany`s of up to {@link BATCH_MAX_BLOCKS}. */
export class BatchingBlockstore extends ForwardingBlockstore {
  private readonly loader: DataLoader<CID, Uint8Array | null>;

  /** @param inner the store that answers the batches (its errors reject every `get` of the batch) */
  constructor(inner: Blockstore, maxBatch = BATCH_MAX_BLOCKS) {
    super(inner);
    this.loader = new DataLoader<CID, Uint8Array | null>((cids) => inner.getMany([...cids]), { cache: false, maxBatchSize: maxBatch });
  }

  /** The block's bytes, or null when absent; travels with the other `get`s of this turn. */
  override get(cid: CID): Promise<Uint8Array | null> {
    return this.loader.load(cid);
  }
}
