/**
 * The leader following a Lotus-compatible upstream (the test upstream: a follower
 * over the real mainnet-h0-341.car, see test/helpers/lotus-upstream.ts), with the
 * cluster started the way `npm start -- --upstream-url …` starts it: backfill,
 * following a clock, the upstream gone and back, and SYNTHETIC reorgs of depth 1
 * and 5 seen by every follower's ChainNotify as one array of reverts then applies.
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { WebSocket } from 'ws';
import { fixture } from '../../common/paths.js';
import { mhKey } from '../../blockstore/types.js';
import { cidJson } from '../../chain/json.js';
import type { TipSet } from '../../chain/tipset.js';
import { freePort, rpc, startCluster, type TestCluster, waitFor } from '../helpers/cluster.js';
import { LotusUpstream } from '../helpers/lotus-upstream.js';

const CAR = fixture('chain', 'mainnet-h0-341.car');
let upstream: LotusUpstream;
let cluster: TestCluster;

const headOf = async (url: string): Promise<{ Height: number; Cids: Array<{ '/': string }> } | undefined> => (await rpc(url, 'Filecoin.ChainHead')).body?.result;
const keyOf = (ts: TipSet) => ts.key.map(cidJson);

before(async () => {
  upstream = await LotusUpstream.create(CAR, await freePort(), 150);
  await upstream.serve();
  cluster = await startCluster({ extra: ['--upstream-url', upstream.url, '--backfill-epochs', '100000', '--max-lag-epochs', '1000'] });
});
after(async () => {
  await cluster?.stop();
  await upstream?.stop();
});

test('backfill from genesis, then follow the upstream clock; the upstream gone and back is caught up with ChainGetPath', async () => {
  const first = upstream.head;
  await waitFor(async () => (await headOf(cluster.lbUrl))?.Height === first.height, 60_000, `backfilled head ${first.height}`);
  upstream.startClock(15);
  await waitFor(async () => upstream.head.height >= 250, 30_000, 'upstream at 250');
  upstream.stopClock();
  const mid = upstream.head;
  await waitFor(async () => (await headOf(cluster.lbUrl))?.Height === mid.height, 30_000, `followed to ${mid.height}`);

  // the upstream goes away; it moves on meanwhile; followers keep serving their head
  await upstream.pause();
  while (await upstream.advance()) {
    /* to the end of the CAR */
  }
  for (const f of cluster.followerUrls) {
    const h = await headOf(`${f}/rpc/v1`);
    assert.equal(h?.Height, mid.height, 'followers keep serving the last head');
  }
  await new Promise((r) => setTimeout(r, 1500));
  await upstream.serve();
  await waitFor(async () => (await headOf(cluster.lbUrl))?.Height === 341, 60_000, 'caught up to 341');
  for (const f of cluster.followerUrls) await waitFor(async () => (await headOf(`${f}/rpc/v1`))?.Height === 341, 20_000, `${f} at 341`);
  // the leader's sync metrics
  const metrics = await (await fetch(cluster.leaderUrl.replace('ws://', 'http://').replace('/rpc/v1', '/debug/metrics'))).text();
  const value = (name: string): number => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metrics)?.[1]);
  assert.equal(value('filfollower_head_height_epochs'), 341);
  assert.equal(value('filfollower_upstream_head_height_epochs'), 341);
  assert.equal(value('filfollower_head_lag_epochs'), 0);
  assert.ok(value('filfollower_blocks_fetched_total') > 8000, 'blocks fetched');
  assert.ok(value('filfollower_block_bytes_fetched_total') > 2_500_000, 'bytes fetched');
  assert.ok(value('filfollower_blocks_written_total') > 8000, 'blocks written');
  assert.equal(value('filfollower_upstream_up'), 1);
});

test('the store holds exactly the CAR blocks reachable from its headers; answers equal the CAR source', async () => {
  const expected = new Set<string>();
  for (const s of upstream.source.steps()) for (const b of s.blocks) expected.add(mhKey(b.cid));
  const client = new pg.Client({ connectionString: `postgres://postgres:filfollower@127.0.0.1:${cluster.pgPort}/filfollower` });
  await client.connect();
  try {
    const rows = (await client.query<{ mh: Buffer }>('SELECT mh FROM blocks')).rows.map((r) => r.mh.toString('base64'));
    assert.equal(rows.length, expected.size, 'same number of blocks');
    for (const k of rows) assert.ok(expected.has(k), `unexpected block ${k}`);
    const dup = await client.query('SELECT height FROM tipsets WHERE NOT reverted GROUP BY height HAVING count(*) > 1');
    assert.equal(dup.rowCount, 0);
  } finally {
    await client.end();
  }
  const byHeight = new Map(upstream.source.tipsets.map((t) => [t.height, t]));
  let expectedTs = upstream.source.tipsets[0]!;
  for (let h = 0; h <= 341; h += 7) {
    for (let k = h; k >= 0; k--) if (byHeight.has(k)) { expectedTs = byHeight.get(k)!; break; }
    const r = await rpc(cluster.lbUrl, 'Filecoin.ChainGetTipSetByHeight', [h, null]);
    assert.deepEqual(r.body.result.Cids, keyOf(expectedTs), `height ${h}`);
  }
  const msgs = await rpc(cluster.lbUrl, 'Filecoin.ChainGetMessagesInTipset', [keyOf(byHeight.get(340)!)]);
  assert.ok(msgs.body.result.length > 8);
});

/** Subscribe to a follower's ChainNotify; collect every value after the first. */
async function subscribe(url: string): Promise<{ values: Array<Array<{ Type: string; Val: { Height: number; Cids: unknown[] } }>>; close(): void }> {
  const ws = new WebSocket(url.replace('http', 'ws') + '/rpc/v1');
  await new Promise((r) => ws.once('open', r));
  const values: Array<Array<{ Type: string; Val: { Height: number; Cids: unknown[] } }>> = [];
  ws.on('message', (d) => {
    const m = JSON.parse(String(d));
    if (m.method === 'xrpc.ch.val') values.push(m.params[1]);
  });
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'Filecoin.ChainNotify', params: [] }));
  await waitFor(async () => values.length > 0, 5000, 'current');
  return { values, close: () => ws.close() };
}

for (const depth of [1, 5]) {
  test(`SYNTHETIC reorg of depth ${depth}: every follower's ChainNotify gets one array, reverts then applies; no answer from the old branch remains`, async () => {
    const subs = await Promise.all(cluster.followerUrls.map(subscribe));
    const old = upstream.chain.slice(-depth);
    const fork = await upstream.reorg(depth);
    const tip = fork[fork.length - 1]!;
    for (const [i, s] of subs.entries()) {
      await waitFor(async () => s.values.length >= 2, 20_000, `follower ${i} notified`);
      const change = s.values[1]!;
      assert.deepEqual(
        change.map((c) => [c.Type, c.Val.Height]),
        [...old.slice().reverse().map((t) => ['revert', t.height]), ...fork.map((t) => ['apply', t.height])],
      );
      assert.deepEqual(change.map((c) => c.Val.Cids), [...old.slice().reverse().map(keyOf), ...fork.map(keyOf)]);
      s.close();
    }
    for (const f of cluster.followerUrls) {
      const url = `${f}/rpc/v1`;
      assert.deepEqual((await headOf(url))?.Cids, keyOf(tip));
      for (const [j, t] of fork.entries()) {
        const r = await rpc(url, 'Filecoin.ChainGetTipSetByHeight', [t.height, null]);
        assert.deepEqual(r.body.result.Cids, keyOf(t), `height ${t.height} is the new branch`);
        assert.notDeepEqual(r.body.result.Cids, keyOf(old[j]!));
      }
    }
  });
}
