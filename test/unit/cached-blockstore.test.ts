/**
 * CachedBlockstore.putMany (blockstore/cached.ts) does not write a block it holds (it is in
 * the store already), and a repeated block stays recent: one written early and repeated
 * all through a long write is still skipped after far more bytes than the cache holds;
 * reads through withoutFill() are served from the cache and leave it as it was.
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
  read = 0;
  override async getMany(cids: Parameters<MemoryBlockstore['getMany']>[0]): Promise<Array<Uint8Array | null>> {
    this.read += cids.length;
    return super.getMany(cids);
  }
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

test('reads without filling serve cached blocks and leave the cache as it was', async () => {
  const blocks = [...(await loadCar(fixture('chain', 'mainnet-h0-341.car'))).blocks.values()];
  const inner = new CountingStore();
  await inner.putMany(blocks);
  const cached = new CachedBlockstore(inner, 1 << 30);
  const held = blocks.slice(0, 100);
  await cached.getMany(held.map((b) => b.cid)); // fills
  assert.equal(inner.read, 100);
  const view = cached.withoutFill();
  const rest = blocks.slice(100, 2100);
  for (let round = 0; round < 2; round++) {
    const got = await view.getMany([...held, ...rest].map((b) => b.cid));
    assert.deepEqual(got.map((b) => Buffer.from(b!).toString('hex')), [...held, ...rest].map((b) => Buffer.from(b.bytes).toString('hex')));
  }
  assert.equal(inner.read, 100 + 2 * rest.length, 'the held blocks came from the cache both times, the others from the store both times');
  await cached.getMany(rest.slice(0, 10).map((b) => b.cid));
  assert.equal(inner.read, 100 + 2 * rest.length + 10, 'nothing read through the view was cached');
});
