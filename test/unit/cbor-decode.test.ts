/**
 * chain/cbor-decode.ts against `@ipld/dag-cbor`: on every dag-cbor block of the fixture
 * CARs (mainnet headers, messages, AMTs; a calibnet state tree's HAMTs and actor states)
 * the view-building decoder gives the same values; CIDs are views of the block (of a copy
 * when the block sits in a larger buffer, such as a CAR read chunk); and on malformed and
 * mutated blocks it throws exactly when dag-cbor throws.
 */
import '../helpers/watchdog.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dagCbor from '@ipld/dag-cbor';
import fc from 'fast-check';
import { loadCar } from '../../blockstore/car.js';
import { CID, DAG_CBOR } from '../../chain/cid.js';
import { decodeDagCbor } from '../../chain/cbor-decode.js';
import { fixture } from '../../common/paths.js';

/** Deep equality where CIDs compare by their bytes and byte strings by content (and type). */
function same(a: unknown, b: unknown, path: string): void {
  const ca = CID.asCID(a);
  if (ca) {
    const cb = CID.asCID(b);
    assert.ok(cb, `${path}: a CID against ${String(b)}`);
    assert.ok(ca.equals(cb), `${path}: ${ca} ≠ ${cb}`);
    assert.deepEqual([ca.version, ca.code, ca.multihash.code, ca.multihash.size], [cb.version, cb.code, cb.multihash.code, cb.multihash.size], path);
    assert.equal(Buffer.from(ca.multihash.digest).toString('hex'), Buffer.from(cb.multihash.digest).toString('hex'), path);
    return;
  }
  if (a instanceof Uint8Array) {
    assert.ok(b instanceof Uint8Array, `${path}: bytes against ${typeof b}`);
    assert.equal(Buffer.from(a).toString('hex'), Buffer.from(b).toString('hex'), path);
    return;
  }
  if (Array.isArray(a)) {
    assert.ok(Array.isArray(b) && a.length === b.length, `${path}: array of ${a.length}`);
    a.forEach((v, i) => same(v, b[i], `${path}[${i}]`));
    return;
  }
  if (a !== null && typeof a === 'object') {
    assert.ok(b !== null && typeof b === 'object' && !Array.isArray(b), `${path}: a map`);
    assert.deepEqual(Object.keys(a), Object.keys(b), `${path}: keys in order`);
    for (const k of Object.keys(a)) same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
    return;
  }
  assert.equal(a, b, path); // numbers, bigints, strings, booleans, null: same type and value
}

/** The byte strings and the CIDs of a decoded value. */
function byteArrays(v: unknown, out: { bytes: Uint8Array[]; cids: CID[] } = { bytes: [], cids: [] }): { bytes: Uint8Array[]; cids: CID[] } {
  const c = CID.asCID(v);
  if (c) out.cids.push(c);
  else if (v instanceof Uint8Array) out.bytes.push(v);
  else if (Array.isArray(v)) v.forEach((x) => byteArrays(x, out));
  else if (v !== null && typeof v === 'object') Object.values(v).forEach((x) => byteArrays(x, out));
  return out;
}

const CARS = [fixture('chain', 'mainnet-h0-341.car'), fixture('chain', 'mainnet-h591818-591820.car'), fixture('state', 'calibnet-e16800-state.car')];

test('every dag-cbor block of three real CARs decodes to the values @ipld/dag-cbor gives, its CIDs views of one buffer no larger than a pooled Buffer of the block', async () => {
  let blocks = 0;
  let cids = 0;
  let byteStrings = 0;
  for (const file of CARS) {
    const car = await loadCar(file);
    for (const b of car.blocks.values()) {
      if (b.cid.code !== DAG_CBOR) continue;
      const mine = decodeDagCbor(b.bytes);
      same(mine, dagCbor.decode(b.bytes), `${file.split('/').pop()} ${b.cid}`);
      const arrays = byteArrays(mine);
      // a CID's bytes, multihash and digest: views of one buffer, at most Node's Buffer pool
      // size or twice the block (the CAR's read chunk only when that small); a CID under 23
      // bytes (an identity-hashed actor code: a short byte string) is a copy, as dag-cbor's
      const bound = Math.max(Buffer.poolSize, 2 * b.bytes.length);
      const viewed = arrays.cids.filter((c) => c.bytes.length >= 23).flatMap((c) => [c.bytes, c.multihash.bytes, c.multihash.digest]);
      for (const v of viewed) {
        assert.ok(v.buffer.byteLength <= bound, `${b.cid}: a CID over a ${v.buffer.byteLength}-byte buffer`);
        assert.equal(v.buffer, viewed[0]!.buffer, `${b.cid}: every CID a view of the one buffer`);
        if (b.bytes.buffer.byteLength <= bound) assert.equal(v.buffer, b.bytes.buffer, `${b.cid}: a view of the block itself`);
      }
      for (const v of [...arrays.bytes, ...arrays.cids.flatMap((c) => [c.bytes, c.multihash.digest])]) assert.equal(Object.getPrototypeOf(v), Uint8Array.prototype, 'plain Uint8Arrays, as dag-cbor gives');
      byteStrings += arrays.bytes.length;
      cids += viewed.length / 3;
      blocks++;
    }
  }
  assert.ok(blocks > 10_000, `${blocks} blocks`);
  assert.ok(byteStrings > 50_000, `${byteStrings} byte strings`);
  assert.ok(cids > 40_000, `${cids} CIDs viewed`);
  console.log(`# ${blocks} blocks, ${byteStrings} byte strings, ${cids} CIDs as views`);
});

test('a block inside a larger buffer (a read chunk) is decoded from a copy of its own: its CIDs keep only that alive', async () => {
  const car = await loadCar(fixture('chain', 'mainnet-h0-341.car'));
  const blocks = [...car.blocks.values()].filter((b) => b.cid.code === DAG_CBOR);
  const chunk = Buffer.concat(blocks.map((b) => b.bytes)); // 1 MB and more: one buffer holding them all
  assert.ok(chunk.buffer.byteLength > 8 * Buffer.poolSize);
  let offset = 0;
  let checked = 0;
  for (const b of blocks) {
    const inChunk = chunk.subarray(offset, offset + b.bytes.length);
    offset += b.bytes.length;
    const mine = decodeDagCbor(inChunk);
    same(mine, dagCbor.decode(b.bytes), `${b.cid} inside the chunk`);
    for (const c of byteArrays(mine).cids.filter((c) => c.bytes.length >= 23)) {
      assert.notEqual(c.bytes.buffer, chunk.buffer, `${b.cid}: a CID keeps the whole chunk alive`);
      assert.ok(c.bytes.buffer.byteLength <= Math.max(Buffer.poolSize, 2 * b.bytes.length), `${b.cid}: a CID over ${c.bytes.buffer.byteLength} bytes`);
      assert.equal(c.multihash.digest.buffer, c.bytes.buffer, 'the digest a view of the same copy');
      checked++;
    }
  }
  assert.ok(checked > 5_000, `${checked} CIDs checked`);
});

test('malformed blocks are refused as @ipld/dag-cbor refuses them', () => {
  const cid = CID.parse('bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm2');
  const good = dagCbor.encode([cid, new Uint8Array(30), 'x']);
  const cases: Array<[string, Uint8Array]> = [
    ['truncated inside a CID', good.subarray(0, 20)],
    ['truncated inside bytes', good.subarray(0, good.length - 10)],
    ['trailing bytes', Uint8Array.from([...good, 0x00])],
    ['a short length in the 1-byte form (0x58 0x05)', Uint8Array.from([0x58, 0x05, 1, 2, 3, 4, 5])],
    ['a short length in the 2-byte form (0x59 0x00 0x05)', Uint8Array.from([0x59, 0x00, 0x05, 1, 2, 3, 4, 5])],
    ['indefinite-length bytes', Uint8Array.from([0x5f, 0x41, 0x01, 0xff])],
    ['tag 42 without the 0x00 prefix', Uint8Array.from([0xd8, 0x2a, 0x58, cid.bytes.length, ...cid.bytes])],
    ['tag 42 over bytes longer than the CID', Uint8Array.from([0xd8, 0x2a, 0x58, cid.bytes.length + 2, 0x00, ...cid.bytes, 0x07])],
    ['tag 42 over a truncated CID', Uint8Array.from([0xd8, 0x2a, 0x58, 0x20, 0x00, ...cid.bytes.subarray(0, 31)])],
    ['empty', new Uint8Array(0)],
  ];
  for (const [what, bytes] of cases) {
    assert.throws(() => dagCbor.decode(bytes), `dag-cbor accepts ${what}`);
    assert.throws(() => decodeDagCbor(bytes), `decodeDagCbor accepts ${what}`);
  }
});

test('mutated real blocks: decodeDagCbor throws exactly when @ipld/dag-cbor throws, and otherwise gives its values', async () => {
  const car = await loadCar(fixture('chain', 'mainnet-h0-341.car'));
  const blocks = [...car.blocks.values()].filter((b) => b.cid.code === DAG_CBOR).map((b) => b.bytes);
  let refused = 0;
  fc.assert(
    fc.property(fc.nat(blocks.length - 1), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(8), (i, at, byte, cut) => {
      const b = Uint8Array.from(blocks[i]!);
      b[at % b.length] = byte;
      const input = b.subarray(0, b.length - cut);
      let theirs: unknown;
      try {
        theirs = dagCbor.decode(input);
      } catch {
        refused++;
        assert.throws(() => decodeDagCbor(input));
        return;
      }
      same(decodeDagCbor(input), theirs, 'mutated');
    }),
    { numRuns: 3000, seed: 42 },
  );
  assert.ok(refused > 100, `${refused} of 3000 mutations refused`);
});
