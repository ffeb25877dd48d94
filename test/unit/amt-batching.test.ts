/**
 * The AMT walk reads a level's nodes together (chain/amt.ts), and BatchingBlockstore
 * (blockstore/batching.ts) turns the reads of one turn into one getMany: a 5,000-entry
 * v0 AMT (bit width 3, height 4, 718 blocks) is read in 15 store queries instead of 718
 * one-block reads, every value in index order; a missing node is still named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { amtEntries, buildAmt, MissingBlockError } from '../../chain/amt.js';
import { MemoryBlockstore } from '../../blockstore/memory.js';
import { BatchingBlockstore } from '../../blockstore/batching.js';
import type { CID } from '../../chain/cid.js';

/** A MemoryBlockstore that counts getMany calls and the blocks they asked for. */
class CountingStore extends MemoryBlockstore {
  batches = 0;
  asked = 0;
  override async getMany(cids: CID[]): Promise<Array<Uint8Array | null>> {
    this.batches++;
    this.asked += cids.length;
    return super.getMany(cids);
  }
}

const N = 5000;
const values = Array.from({ length: N }, (_, i) => i * 7);

test('a 5,000-entry AMT is read level by level: 15 batched queries for its 717 blocks, values in index order', async () => {
  const amt = buildAmt(values, { bitWidth: 3, legacy: true });
  assert.equal(amt.blocks.length, 1 + 2 + 10 + 79 + 625, 'the root block, then levels of 2, 10, 79 and 625 nodes');
  const inner = new CountingStore(amt.blocks);
  const store = new BatchingBlockstore(inner);
  const got = await amtEntries((c) => store.get(c), amt.root);
  assert.deepEqual(got, values.map((v, i) => [i, v]));
  // root; levels of 2, 10, 79 (64 + 15) and 625 (10 groups of at most 64) nodes
  assert.equal(inner.asked, amt.blocks.length);
  assert.equal(inner.batches, 1 + 1 + 1 + 2 + 10);
});

test('two AMTs walked at once share queries; a missing node fails its walk with its CID', async () => {
  const a = buildAmt(values, { bitWidth: 3, legacy: true });
  const b = buildAmt(values.map((v) => v + 1), { bitWidth: 3, legacy: true });
  const inner = new CountingStore([...a.blocks, ...b.blocks]);
  const store = new BatchingBlockstore(inner);
  const [ga, gb] = await Promise.all([amtEntries((c) => store.get(c), a.root), amtEntries((c) => store.get(c), b.root)]);
  assert.equal(ga[N - 1]![1], (N - 1) * 7);
  assert.equal(gb[N - 1]![1], (N - 1) * 7 + 1);
  assert.equal(inner.asked, a.blocks.length + b.blocks.length);
  assert.ok(inner.batches < 2 * 15, `${inner.batches} queries for two walks`);
  // drop one leaf of a: its walk names it
  const leaf = a.blocks[0]!; // the first block written is the first leaf
  const gone = new BatchingBlockstore(new MemoryBlockstore(a.blocks.filter((x) => x !== leaf)));
  await assert.rejects(amtEntries((c) => gone.get(c), a.root), (e: unknown) => e instanceof MissingBlockError && String(e.message).includes(leaf.cid.toString()));
});
