/**
 * chain/message-peek.ts against the full decoder: on every block of real mainnet CARs,
 * on the real 2023 mpool messages (signed here with SYNTHETIC signature bytes of each
 * type), and on random messages and mutations of real blocks (fast-check), a block the
 * peek reads decodes in full to the same From, Nonce and signature type; a real message
 * block is always read; what the full decoder rejects, the peek never reads. And the
 * ChainReader's message refs are messagesForTipset's, message for message.
 */
import '../helpers/watchdog.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { loadCar } from '../../blockstore/car.js';
import { ChainReader } from '../../blockstore/chain-reader.js';
import { MemoryBlockstore } from '../../blockstore/memory.js';
import { peekMessage } from '../../chain/message-peek.js';
import { type Message, decodeChainMessage, encodeMessage, encodeSignedMessage } from '../../chain/types.js';
import { encodeCbor } from '../../chain/cid.js';
import { parseMessageJson } from '../../chain/json.js';
import { fixture } from '../../common/paths.js';
import { CarReplaySource } from '../../leader/car-source.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The full decoder's answer, or null when it rejects the block. */
function full(b: Uint8Array): { from: string; nonce: number; signatureType: number | null } | null {
  try {
    const d = decodeChainMessage(b);
    return { from: hex(d.message.from), nonce: d.message.nonce, signatureType: d.signed ? d.signed.signature.type : null };
  } catch {
    return null;
  }
}

/** Peek and full decode agree wherever the peek reads; returns whether it read. */
function agrees(b: Uint8Array, what: string): boolean {
  const p = peekMessage(b);
  if (!p) return false;
  assert.deepEqual({ from: hex(p.from), nonce: p.nonce, signatureType: p.signatureType }, full(b), `${what}: the peek and the full decoder disagree`);
  return true;
}

const mpool = (): Message[] => {
  const text = gunzipSync(readFileSync(fixture('json', 'mainnet-2023-mpool-messages.json.gz'))).toString('utf8');
  return (JSON.parse(`[${text.trim().replace(/\}\s*\{/g, '},{')}]`) as Array<{ Message: unknown }>).map((o) => parseMessageJson(o.Message));
};

test('every message block of real mainnet CARs is read, and as the full decoder reads it; no other block is', async () => {
  for (const file of ['mainnet-h591818-591820.car', 'mainnet-h0-341.car']) {
    const car = await loadCar(fixture('chain', file));
    let read = 0;
    let decodable = 0;
    for (const b of car.blocks.values()) {
      const f = full(b.bytes);
      const ok = agrees(b.bytes, `${file} ${b.cid.toString()}`);
      if (f) decodable++;
      if (ok) read++;
      else assert.equal(f, null, `${file} ${b.cid.toString()}: a message block the peek did not read`);
    }
    assert.equal(read, decodable, file);
    process.stdout.write(`# ${file}: ${read} message blocks of ${car.blocks.size} read by the peek\n`);
    if (file === 'mainnet-h591818-591820.car') assert.equal(read, 798, `${file}: its 798 message blocks`);
  }
});

test('the real 2023 mpool messages, unsigned and signed with each signature type, are read as the full decoder reads them', () => {
  const msgs = mpool();
  assert.equal(msgs.length, 16268);
  let n = 0;
  for (const [i, m] of msgs.entries()) {
    assert.ok(agrees(encodeMessage(m), `mpool ${i}`), `mpool ${i} unsigned`);
    for (const type of [1, 2, 3]) {
      const data = new Uint8Array(type === 2 ? 96 : 65).fill(i & 0xff);
      assert.ok(agrees(encodeSignedMessage({ message: m, signature: { type, data } }), `mpool ${i} type ${type}`), `mpool ${i} signed, type ${type}`);
      n++;
    }
  }
  assert.equal(n, 3 * 16268);
});

test('random messages are read as the full decoder reads them; a mutated real block is read only as the full decoder reads it', () => {
  const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
  const bytes = fc.uint8Array({ maxLength: 80 });
  const bigIntBytes = fc.oneof(fc.constant(new Uint8Array(0)), fc.tuple(fc.constantFrom(0, 1), fc.uint8Array({ minLength: 1, maxLength: 20 })).map(([s, m]) => Uint8Array.from([s, ...m])));
  const message = fc.record({
    version: fc.nat(300),
    to: bytes,
    from: bytes,
    nonce: fc.oneof(u64, fc.bigInt({ min: 0n, max: 100_000n })),
    value: bigIntBytes,
    gasLimit: fc.oneof(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.bigInt({ min: -1000n, max: 10_000_000_000n })),
    gasFeeCap: bigIntBytes,
    gasPremium: bigIntBytes,
    method: fc.oneof(u64, fc.bigInt({ min: 0n, max: 5000n })),
    params: fc.uint8Array({ maxLength: 300 }),
  });
  // encoded as the chain encodes it (the dag-cbor tuple), integers past 2^53 as CBOR uint64/int64
  const int = (v: bigint): number | bigint => (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
  let read = 0;
  let canonical = 0;
  fc.assert(
    fc.property(message, fc.option(fc.uint8Array({ minLength: 1, maxLength: 97 })), (r, sig) => {
      const tuple = [r.version, r.to, r.from, int(r.nonce), r.value, int(r.gasLimit), r.gasFeeCap, r.gasPremium, int(r.method), r.params];
      const b = encodeCbor(sig ? [tuple, sig] : tuple);
      const ok = agrees(b, 'random');
      if (ok) read++;
      // a canonical message (its integers within ±2^53) is always read
      const safe = (v: bigint): boolean => v < 2n ** 53n && v > -(2n ** 53n);
      if (safe(r.nonce) && safe(r.method) && safe(r.gasLimit)) {
        canonical++;
        assert.ok(ok, 'a canonical message the peek did not read');
      }
    }),
    { numRuns: 2000, seed: 13 },
  );
  assert.equal(read, canonical, 'read: the canonical ones, and only those');
  assert.ok(canonical > 200, `${canonical} of 2000 canonical`);
  // a mutated block the peek reads must decode in full to the same fields (agrees() asserts it)
  const real = mpool()
    .slice(0, 500)
    .map((m, i) => encodeSignedMessage({ message: m, signature: { type: 1 + (i % 3), data: new Uint8Array(65).fill(7) } }));
  const verdicts = { read: 0, left: 0 };
  fc.assert(
    fc.property(fc.nat(real.length - 1), fc.nat(400), fc.nat(255), fc.constantFrom('flip', 'cut', 'append'), (k, at, v, how) => {
      const b = real[k]!;
      const i = at % b.length;
      const m = how === 'cut' ? b.subarray(0, i) : how === 'append' ? Uint8Array.from([...b, v]) : Uint8Array.from(b, (x, j) => (j === i ? v : x));
      verdicts[agrees(m, `${how} at ${i}`) ? 'read' : 'left']++;
    }),
    { numRuns: 5000, seed: 13 },
  );
  process.stdout.write(`# mutated real blocks: ${verdicts.read} read by the peek (the full decoder agreed), ${verdicts.left} left to the full decoder\n`);
  assert.ok(verdicts.left > 0 && verdicts.read > 0);
});

test("a tipset's message refs are messagesForTipset's messages, in order, on real mainnet tipsets", async () => {
  const file = fixture('chain', 'mainnet-h591818-591820.car');
  const car = await loadCar(file);
  const bs = new MemoryBlockstore();
  await bs.putMany([...car.blocks.values()]);
  const src = await CarReplaySource.open(file);
  let n = 0;
  for (const ts of src.tipsets) {
    const all = await new ChainReader(bs).messagesForTipset(ts).catch(() => null);
    if (!all) continue;
    const refs = await new ChainReader(bs).messageRefsForTipset(ts);
    assert.deepEqual(refs.map((r) => r.cid.toString()), all.map((m) => m.cid.toString()), `tipset ${ts.height}`);
    assert.deepEqual(refs.map((r) => r.delegated !== null), all.map((m) => m.signed?.signature.type === 3));
    n += refs.length;
  }
  assert.equal(n, 796, "the 796 messages these tipsets execute (of the CAR's 798 message blocks)");
});
