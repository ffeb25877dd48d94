/**
 * CachedBlockstore.putMany (blockstore/cached.ts) does not write a block it holds (it is in
 * the store already), and a repeated block stays recent: one written early and repeated
 * all through a long write is still skipped after far more bytes than the cache holds.
 * Data: the real blocks of mainnet-h0-341.car.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CachedBlockstore } from '../../blockstore/cached.js';
import { MemoryBlockstore } from '../../blockstore/memory.js';
import { loadCar } from '../../blockstore/car.js';
import { fixture } from '../../common/paths.js';
import type { Block } from '../../blockstore/types.js';

class CountingStore extends MemoryBlockstore {
  written = 0;
  override async putMany(blocks: Block[]): Promise<void> {
    this.written += blocks.length;
    return super.putMany(blocks);
  }
}

test('a cached block is not written again, and a block repeated through a long write stays cached', async () => {
  const blocks = [...(await loadCar(fixture('chain', 'mainnet-h0-341.car'))).blocks.values()];
  const inner = new CountingStore();
  const total = blocks.reduce((n, b) => n + b.bytes.length, 0);
  // a cache a tenth of the data: without recency, the repeated block would be evicted
  const cached = new CachedBlockstore(inner, Math.floor(total / 10));
  const repeated = blocks[0]!;
  await cached.putMany([repeated]);
  for (let i = 1; i < blocks.length; i += 100) await cached.putMany([repeated, ...blocks.slice(i, i + 100)]);
  assert.equal(inner.written, blocks.length, 'every block written once, the repeated one included');
  assert.equal(inner.size, blocks.length);
  // written again as a batch: the blocks still cached are skipped, the evicted ones are written
  const before = inner.written;
  await cached.putMany(blocks);
  assert.ok(inner.written - before < blocks.length, 'cached blocks were written again');
  assert.ok(inner.written - before > 0, 'evicted blocks are written (the cache is a tenth of them)');
});
