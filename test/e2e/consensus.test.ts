/**
 * Expected-consensus reads on the real mainnet chain 0–341: ChainTipSetWeight
 * (the formula at genesis, whose state the CAR holds, agrees with the ParentWeight
 * every height-1 block carries) and StateGetRandomnessDigestFromBeacon (the digest of
 * the beacon entry found independently in the CAR's headers, nv0 rules).
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { blake2b } from '@noble/hashes/blake2.js';
import { fixture } from '../../common/paths.js';
import { cidJson } from '../../chain/json.js';
import type { TipSet } from '../../chain/tipset.js';
import { rpc } from '../helpers/cluster.js';
import { type InProcess, startInProcess } from '../helpers/inprocess.js';

let ip: InProcess;
const byHeight = new Map<number, TipSet>();

before(async () => {
  ip = await startInProcess(fixture('chain', 'mainnet-h0-341.car'));
  for (const t of ip.source.tipsets) byHeight.set(t.height, t);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && ip.follower.tracker.head?.height !== 341) await new Promise((r) => setTimeout(r, 100));
  assert.equal(ip.follower.tracker.head?.height, 341);
});
after(async () => {
  await ip?.stop();
});

test("ChainTipSetWeight: the genesis weight from the genesis state's power is the ParentWeight of every block at height 1; later tipsets agree with their children", async () => {
  const genesis = byHeight.get(0)!;
  const w0 = (await rpc(ip.url, 'Filecoin.ChainTipSetWeight', [genesis.key.map(cidJson)])).body;
  assert.equal(w0.error, undefined, JSON.stringify(w0.error));
  const one = byHeight.get(1)!;
  for (const b of one.blocks) assert.equal(w0.result, b.header.parentWeight.toString());
  // 0 + (log2(power) << 8) with no wins at genesis: log2 of 791,648,371,998,720 bytes is 49
  assert.equal(w0.result, String(49 << 8));
  for (const h of [5, 100, 340]) {
    const ts = byHeight.get(h)!;
    const child = ip.source.tipsets[ip.source.tipsets.indexOf(ts) + 1]!;
    assert.equal((await rpc(ip.url, 'Filecoin.ChainTipSetWeight', [ts.key.map(cidJson)])).body.result, child.blocks[0]!.header.parentWeight.toString(), `weight of ${h}`);
  }
  const head = await rpc(ip.url, 'Filecoin.ChainTipSetWeight', [[]]);
  assert.match(head.body.error.message, /ipld: could not find/, 'the head has no child and its parent state is not in the CAR');
});

test('StateGetRandomnessDigestFromBeacon: blake2b-256 of the last beacon entry at or below the epoch (nv0)', async () => {
  const digest = (d: Uint8Array) => Buffer.from(blake2b(d, { dkLen: 32 })).toString('base64');
  let checked = 0;
  for (const epoch of [0, 1, 4, 7, 24, 100, 312, 341]) {
    // independent: walk down from the epoch to the first tipset with beacon entries in its first block
    let ts = [...byHeight.values()].filter((t) => t.height <= epoch).sort((a, b) => b.height - a.height)[0]!;
    while (ts.blocks[0]!.header.beaconEntries.length === 0) ts = byHeight.get(Math.max(...[...byHeight.keys()].filter((h) => h < ts.height)))!;
    const entries = ts.blocks[0]!.header.beaconEntries;
    const r = await rpc(ip.url, 'Filecoin.StateGetRandomnessDigestFromBeacon', [epoch, []]);
    assert.equal(r.body.result, digest(entries[entries.length - 1]!.data), `epoch ${epoch}`);
    checked++;
  }
  assert.equal(checked, 8);
  // genesis carries one entry of 32 zero bytes
  assert.equal((await rpc(ip.url, 'Filecoin.StateGetRandomnessDigestFromBeacon', [0, []])).body.result, digest(new Uint8Array(32)));
  assert.deepEqual((await rpc(ip.url, 'Filecoin.StateGetRandomnessDigestFromBeacon', [342, []])).body.error, { code: 1, message: 'failed to get randomness digest from tickets: cannot draw randomness from the future' });
  const from100 = byHeight.get(100)!.key.map(cidJson);
  assert.equal((await rpc(ip.url, 'Filecoin.StateGetRandomnessDigestFromBeacon', [200, from100])).body.error.message, 'failed to get randomness digest from tickets: cannot draw randomness from the future');
});

test("GasEstimateGasPremium: the premium filling 52.5% of the recent blocks' gas target, from the real messages of the last 2×N tipsets", async () => {
  const { ChainReader } = await import('../../blockstore/chain-reader.js');
  const reader = new ChainReader(ip.source.car.blocks);
  const head = byHeight.get(341)!;
  for (const n of [1, 2, 5]) {
    // independent: premiums and limits of the messages in the 2n tipsets below the head
    const msgs: Array<[bigint, bigint]> = [];
    let blocks = 0;
    let ts = head;
    for (let i = 0; i < 2 * n; i++) {
      ts = ip.source.tipsets[ip.source.tipsets.indexOf(ts) - 1]!;
      blocks += ts.blocks.length;
      for (const m of await reader.messagesForTipset(ts)) msgs.push([m.message.gasPremium, BigInt(m.message.gasLimit)]);
    }
    assert.ok(msgs.length > 10, `${msgs.length} messages below 341`);
    msgs.sort((a, b) => Number(b[0] - a[0]));
    let budget = 5_000_000_000n * BigInt(blocks) * 21n / 40n;
    let i = 0;
    while (i < msgs.length - 1 && (budget -= msgs[i]![1]) >= 0n) i++;
    let expected = i > 0 ? (msgs[i]![0] + msgs[i - 1]![0]) / 2n : msgs[0]![0];
    if (expected < 100_000n) expected = [0n, 200_000n, 150_000n][n] ?? 100_000n;
    expected += expected >> 32n;
    const r = await rpc(ip.url, 'Filecoin.GasEstimateGasPremium', [n, 'f01000', 10_000_000, []]);
    assert.equal(r.body.result, expected.toString(), `nblocksincl ${n}`);
  }
  assert.equal((await rpc(ip.url, 'Filecoin.GasEstimateGasPremium', [-1, 'f01000', 0, []])).body.error.code, -32602);
});

test('/rpc/v2: ChainGetTipSet by tag, key and height (with anchors and null rounds), StateGetActor and StateGetID by selector, eth methods shared with v1, selector errors as Lotus words them', async () => {
  const v2 = ip.url.replace(/\/rpc\/v1$/, '/rpc/v2');
  const get = async (sel: unknown) => (await rpc(v2, 'Filecoin.ChainGetTipSet', [sel])).body;
  const height = async (sel: unknown) => {
    const r = await get(sel);
    assert.equal(r.error, undefined, `${JSON.stringify(sel)}: ${JSON.stringify(r.error)}`);
    return r.result.Height as number;
  };
  assert.equal(await height({ tag: 'latest' }), 341);
  assert.equal(await height({ tag: 'finalized' }), 0, 'head − 900 is below genesis');
  const safe = Math.max(...[...byHeight.keys()].filter((h) => h <= 341 - 200));
  assert.equal(await height({ tag: 'safe' }), safe, 'the tipset at or below head − 200 (141 is a null round)');
  assert.equal(await height({ Tag: 'safe' }), safe, 'keys match case-insensitively, as Go does');
  const t100 = byHeight.get(100)!;
  assert.deepEqual((await get({ key: t100.key.map(cidJson) })).result.Cids, t100.key.map(cidJson));
  assert.equal(await height({ height: { at: 100, anchor: {} } }), 100);
  // 103 is a null round: the next tipset above, or with previous the one below
  assert.ok(!byHeight.has(103));
  assert.equal(await height({ height: { at: 103, anchor: {} } }), Math.min(...[...byHeight.keys()].filter((h) => h > 103)));
  assert.equal(await height({ height: { at: 103, previous: true, anchor: { tag: 'latest' } } }), Math.max(...[...byHeight.keys()].filter((h) => h < 103)));
  assert.equal(await height({ height: { at: 50, anchor: { key: t100.key.map(cidJson) } } }), 50);
  const err = async (sel: unknown) => (await get(sel)).error;
  assert.deepEqual(await err({ height: { at: 100 } }), { code: 1, message: 'looking for tipset with height greater than start point, req: 100, head: 0' }, 'no anchor: from the finalized tipset');
  assert.deepEqual(await err({}), { code: 1, message: 'validating selector: exactly one tipset selection criteria must be specified, found: 0' });
  assert.deepEqual(await err({ tag: 'latest', key: [] }), { code: 1, message: 'validating selector: exactly one tipset selection criteria must be specified, found: 2' });
  assert.deepEqual(await err({ height: {} }), { code: 1, message: 'validating selector: validating tipset height: invalid tipset height: at epoch must be specified' });
  assert.deepEqual(await err({ height: { at: -1 } }), { code: 1, message: 'validating selector: validating tipset height: invalid tipset height: epoch cannot be less than zero' });
  assert.deepEqual(await err({ height: { at: 1, anchor: { tag: 'latest', key: [] } } }), { code: 1, message: 'validating selector: validating tipset height: invalid tipset anchor: at most one of key or tag must be specified' });
  assert.deepEqual(await err({ tag: 'pending' }), { code: 1, message: 'unknown tipset tag: pending' });
  assert.deepEqual(await err({ height: { at: 1, anchor: { tag: 'pending' } } }), { code: 1, message: 'getting anchor from tipset: unknown tipset tag: pending' });
  // state by selector: the genesis state is in the CAR
  const atGenesis = { height: { at: 0, anchor: {} } };
  const actor = (await rpc(v2, 'Filecoin.StateGetActor', ['f01000', atGenesis])).body.result;
  assert.deepEqual(actor, (await rpc(ip.url, 'Filecoin.StateGetActor', ['f01000', byHeight.get(0)!.key.map(cidJson)])).body.result);
  const robust = (await rpc(ip.url, 'Filecoin.StateLookupRobustAddress', ['f01000', byHeight.get(0)!.key.map(cidJson)])).body.result;
  assert.equal((await rpc(v2, 'Filecoin.StateGetID', [robust, atGenesis])).body.result, 'f01000');
  assert.deepEqual((await rpc(v2, 'Filecoin.StateGetActor', ['f09999', atGenesis])).body.error, { code: 1, message: 'actor not found' });
  const status = (await rpc(v2, 'Filecoin.ChainGetTipSetFinalityStatus', [])).body.result;
  assert.deepEqual([status.ecFinalityThresholdDepth, status.ecFinalizedTipSet, status.f3FinalizedTipSet, status.finalizedTipSet.Height, status.head.Height], [-1, null, null, 0, 341]);
  // eth methods are shared with v1; v1-only Filecoin methods are not in v2
  assert.equal((await rpc(v2, 'eth_blockNumber')).body.result, (await rpc(ip.url, 'eth_blockNumber')).body.result);
  assert.equal((await rpc(v2, 'Filecoin.ChainHead')).body.error.code, -32601);
});
