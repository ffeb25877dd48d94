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
