/**
 * The IPLD writers the SYNTHETIC chain generator uses, checked against real chain
 * data: rebuilding a real HAMT from its entries must give back its root CID and
 * every node block byte for byte.
 */
import '../helpers/watchdog.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCar } from '../../blockstore/car.js';
import { type CID, decodeCbor } from '../../chain/cid.js';
import { buildHamt, hamtEntries } from '../../chain/hamt.js';
import { actorFromCbor, INIT_ACTOR_ADDRESS, getActor, openStateTree } from '../../chain/state.js';
import { fixture } from '../../common/paths.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('buildHamt rebuilds the real calibnet e16800 actors HAMT (495 actors) and init address map, root and every node', async () => {
  const car = await loadCar(fixture('state', 'calibnet-e16800-state.car'));
  const get = (c: CID) => car.blocks.get(c);
  const tree = await openStateTree(get, car.roots[0]!);
  const init = await getActor(get, car.roots[0]!, INIT_ACTOR_ADDRESS);
  const initState = decodeCbor<[CID, number, string]>((await get(init!.head))!);
  for (const [what, root, count] of [['actors', tree.actors, 495], ['init address map', initState[0], 0]] as const) {
    const entries = await hamtEntries(get, root);
    if (count > 0) assert.equal(entries.length, count);
    if (what === 'actors') actorFromCbor(entries[0]![1]); // values are real actors
    const built = buildHamt([...entries].reverse());
    assert.equal(built.root.toString(), root.toString(), what);
    for (const b of built.blocks) assert.equal(hex(b.bytes), hex((await get(b.cid))!), `${what} node ${b.cid}`);
    assert.ok(built.blocks.length > 1, `${what}: a multi-level HAMT (${built.blocks.length} nodes)`);
  }
});

test('buildHamt of nothing is the well-known empty HAMT, and a duplicate key is refused', () => {
  assert.equal(buildHamt([]).root.toString(), 'bafy2bzaceamp42wmmgr2g2ymg46euououzfyck7szknvfacqscohrvaikwfay');
  const k = Uint8Array.from([0, 1]);
  assert.throws(() => buildHamt([[k, 1], [k, 2]]), /duplicate key/);
});

test('buildKamt and buildHamt match the Rust fvm_ipld_kamt / fvm_ipld_hamt crates byte for byte on 120 random sets (EVM storage shapes)', async () => {
  const fc = await import('fast-check');
  const { runIpldRef } = await import('../helpers/ipld-ref.js');
  const { keccak_256 } = await import('@noble/hashes/sha3.js');
  const { buildKamt, kamtGet, kamtEntries, padWord } = await import('../../chain/kamt.js');
  const { encodeCbor } = await import('../../chain/cid.js');
  // keys as Solidity lays storage out: small slot numbers (long shared prefixes) and mapping slots (keccak)
  const key = fc.oneof(
    fc.integer({ min: 0, max: 40 }).map((n) => padWord(Uint8Array.from([n]))),
    fc.uint8Array({ minLength: 20, maxLength: 20 }).map((a) => keccak_256(Uint8Array.from([...padWord(a), ...padWord(Uint8Array.from([1]))]))),
    fc.uint8Array({ minLength: 32, maxLength: 32 }),
  );
  const value = fc.uint8Array({ minLength: 1, maxLength: 32 }).filter((v) => v.some((x) => x !== 0));
  const kamtCases = fc.sample(fc.uniqueArray(fc.tuple(key, value), { minLength: 1, maxLength: 60, selector: ([k]) => hex(k) }), { numRuns: 80, seed: 42 });
  const hamtCases = fc.sample(fc.uniqueArray(fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 22 }), fc.nat()), { minLength: 0, maxLength: 200, selector: ([k]) => hex(k) }), { numRuns: 40, seed: 7 });
  const ref = runIpldRef({
    kamt: kamtCases.map((c) => c.map(([k, v]) => [hex(k), hex(v)] as [string, string])),
    hamt: hamtCases.map((c) => c.map(([k, v]) => [hex(k), hex(encodeCbor(v))] as [string, string])),
  });
  let multiLevel = 0;
  for (const [i, c] of kamtCases.entries()) {
    const built = buildKamt(c);
    assert.equal(built.root.toString(), ref.kamt[i]!.root, `KAMT case ${i}`);
    assert.equal(built.blocks.length, Object.keys(ref.kamt[i]!.blocks).length, `KAMT case ${i} block count`);
    for (const b of built.blocks) assert.equal(hex(b.bytes), ref.kamt[i]!.blocks[b.cid.toString()], `KAMT case ${i} block ${b.cid}`);
    if (built.blocks.length > 2) multiLevel++;
    // and the reader finds every value, and nothing else
    const store = new Map(built.blocks.map((b) => [b.cid.toString(), b.bytes]));
    const get = async (cid: CID) => store.get(cid.toString()) ?? null;
    for (const [k, v] of c) assert.equal(hex((await kamtGet(get, built.root, k))!), hex(v.subarray(v.findIndex((x) => x !== 0))));
    assert.equal(await kamtGet(get, built.root, padWord(Uint8Array.from([0xfe, 0xed]))), null);
    assert.equal((await kamtEntries(get, built.root)).length, c.length);
  }
  assert.ok(multiLevel > 20, `multi-level KAMTs with extensions (${multiLevel})`);
  for (const [i, c] of hamtCases.entries()) {
    const built = buildHamt(c);
    assert.equal(built.root.toString(), ref.hamt[i]!.root, `HAMT case ${i}`);
    for (const b of built.blocks) assert.equal(hex(b.bytes), ref.hamt[i]!.blocks[b.cid.toString()], `HAMT case ${i} block ${b.cid}`);
  }
});
