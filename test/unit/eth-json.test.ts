/**
 * Lotus JSON of actor events against 360 real mainnet events (GetActorEventsRaw
 * answers of heights 4,622,129–4,622,139): decoding each and rendering it again gives
 * back the same object, field for field (base64 values, the emitter address, the
 * tipset key and message CID).
 */
import '../helpers/watchdog.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture } from '../../common/paths.js';
import { CID } from '../../chain/cid.js';
import { addressFromString } from '../../chain/address.js';
import { actorEventJson } from '../../chain/json.js';

interface RealEvent {
  emitter: string;
  entries: Array<{ Codec: number; Flags: number; Key: string; Value: string }>;
  height: number;
  msgCid: { '/': string };
  reverted: boolean;
  tipsetKey: Array<{ '/': string }>;
}

test('actorEventJson renders 360 real mainnet actor events exactly as Lotus returned them', () => {
  const events = JSON.parse(readFileSync(fixture('json', 'mainnet-h4622129-4622139-actor-events.json'), 'utf8')) as RealEvent[];
  assert.equal(events.length, 360);
  const heights = new Set<number>();
  for (const e of events) {
    const rendered = actorEventJson(
      {
        entries: e.entries.map((x) => ({ flags: x.Flags, key: x.Key, codec: x.Codec, value: Uint8Array.from(Buffer.from(x.Value, 'base64')) })),
        emitter: addressFromString(e.emitter),
        reverted: e.reverted,
        height: e.height,
        tipsetKey: e.tipsetKey.map((c) => CID.parse(c['/'])),
        msgCid: CID.parse(e.msgCid['/']),
      },
      'f',
    );
    assert.deepEqual(rendered, e);
    heights.add(e.height);
  }
  assert.ok(heights.size >= 5, `${heights.size} heights`);
});

test('stored event entries: the fast decoder reads exactly what the CBOR decoder reads (5,000 random entry lists, and malformed rows fall back)', async () => {
  const fc = await import('fast-check');
  const { encodeEntries, decodeEntries } = await import('../../indexer/event-rows.js');
  const { decodeCbor, encodeCbor } = await import('../../chain/cid.js');
  const entry = fc.record({ flags: fc.integer({ min: 0, max: 255 }), key: fc.string({ maxLength: 31 }), codec: fc.constantFrom(0x51, 0x55, 0x71, 70000), value: fc.uint8Array({ maxLength: 70000 }) });
  fc.assert(
    fc.property(fc.array(entry, { maxLength: 30 }), (entries) => {
      const b = encodeEntries(entries);
      const slow = decodeCbor<Array<[number, string, number, Uint8Array]>>(b).map(([flags, key, codec, value]) => ({ flags, key, codec, value: Buffer.from(value).toString('hex') }));
      const fast = decodeEntries(b).map((e) => ({ ...e, value: Buffer.from(e.value).toString('hex') }));
      assert.deepEqual(fast, slow);
    }),
    { numRuns: 5000, seed: 11 },
  );
  // another shape (a 5-field entry) is still read, by the general decoder
  assert.deepEqual(decodeEntries(encodeCbor([[1, 'k', 85, new Uint8Array([9]), 'extra']])).length, 1);
});

test('the base fee percentile (Lotus WeightedQuickSelect) is the premium of the index-th gas unit from the top, on 2,000 random tipsets', async () => {
  const fc = await import('fast-check');
  const { weightedPremiumAt } = await import('../../api/eth-gas.js');
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.bigInt({ min: 0n, max: 1000n }), fc.integer({ min: 0, max: 6 })), { maxLength: 12 }), fc.integer({ min: 0, max: 80 }), (msgs, index) => {
      // every message as `limit` units of its premium, highest first
      const units = msgs.flatMap(([p, w]) => Array.from({ length: w }, () => p)).sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
      const want = index < units.length ? units[index]! : 0n;
      assert.equal(weightedPremiumAt(msgs.map(([p]) => p), msgs.map(([, w]) => w), BigInt(index)), want);
    }),
    { numRuns: 2000, seed: 5 },
  );
});
