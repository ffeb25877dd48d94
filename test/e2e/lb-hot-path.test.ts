/**
 * The balancer's hot path on a cluster replaying mainnet 0–341 at 100 ms epochs, two
 * followers. The edge cache (EDGE_CACHE_BYTES): while the head moves, ChainHead through
 * the balancer never goes back and is never more than one epoch behind the highest head
 * the balancer had been told of just before (its upstream_head_height_epochs gauges: a
 * stale cached head would fall behind them); how far it trails what a follower said
 * just before is the notification's latency, printed, not asserted (a loaded machine
 * delays it by epochs at 100 ms). Cached answers are byte for byte the followers' answers with the
 * client's own id; by CID answers are served from the cache (x-upstream: edge-cache);
 * errors, batches and odd ids always reach a follower. Batch coalescing (LB_COALESCE_MAX):
 * 300 calls sent at once (results, handler errors, bad params) each get the status and
 * bytes a follower gives that call alone, and batches were made.
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CarReplaySource } from '../../leader/car-source.js';
import { fixture } from '../../common/paths.js';
import { Agent, request } from 'undici';
import { rpc, startCluster, type TestCluster, waitFor } from '../helpers/cluster.js';
import { metricValue, scrapeMetrics, seriesOf } from '../helpers/metrics.js';

let cluster: TestCluster;
let src: CarReplaySource;

/** POST a body; status, x-upstream and the exact answer text. */
async function raw(url: string, body: string): Promise<{ status: number; upstream: string | null; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, upstream: res.headers.get('x-upstream'), text: await res.text() };
}

before(async () => {
  src = await CarReplaySource.open(fixture('chain', 'mainnet-h0-341.car'));
  cluster = await startCluster({ epochMs: 100, followers: 2, env: { EDGE_CACHE_BYTES: String(16 << 20) } });
});
after(async () => {
  await cluster?.stop();
});

test('ChainHead from the edge cache follows the head: never back, at most one epoch behind the head the balancer knows', async () => {
  const follower = `${cluster.followerUrls[0]}/rpc/v1`;
  let last = -1;
  let hits = 0;
  let reads = 0;
  /** Reads that trailed the follower's answer just before by more than one epoch, and the most. */
  let trailing = 0;
  let maxTrail = 0;
  // a loaded machine (CI) can take a minute to start the cluster: wait for the condition, generously
  await waitFor(async () => (await rpc(follower, 'Filecoin.ChainHead')).body?.result?.Height >= 20, 180_000, 'head 20');
  const deadline = Date.now() + 180_000;
  for (;;) {
    assert.ok(Date.now() < deadline, `the head did not reach 341 through the balancer in 180 s (at ${last})`);
    const before = (await rpc(follower, 'Filecoin.ChainHead')).body.result.Height as number;
    const known = Math.max(...seriesOf(await scrapeMetrics(cluster.lbUrl), 'filfollower_upstream_head_height_epochs'));
    const r = await raw(cluster.lbUrl, JSON.stringify({ jsonrpc: '2.0', id: reads, method: 'Filecoin.ChainHead', params: [] }));
    reads++;
    assert.equal(r.status, 200);
    const h = JSON.parse(r.text).result.Height as number;
    if (r.upstream === 'edge-cache') hits++;
    assert.ok(h >= last, `ChainHead went back: ${last} → ${h}`);
    assert.ok(h >= known - 1, `ChainHead via the balancer ${h} (${r.upstream}), the balancer had been told of ${known} before`);
    if (h < before - 1) trailing++;
    maxTrail = Math.max(maxTrail, before - h);
    last = h;
    if (h === 341) break;
  }
  console.log(`# ${reads} reads, ${hits} from the edge cache; ${trailing} trailed a follower's answer just before by more than one epoch (at most ${maxTrail})`);
  assert.ok(hits > 0, `no ChainHead of ${reads} came from the edge cache`);
  // at rest, the cached answer is the follower's, byte for byte, with the client's id. At rest
  // means every follower at 341 and the balancer told so: until then a head change (the other
  // follower's notification of 341, arriving late on a loaded machine) clears the entry between
  // the two reads, and the second read rightly goes to a follower
  for (const u of cluster.followerUrls) await waitFor(async () => (await rpc(`${u}/rpc/v1`, 'Filecoin.ChainHead')).body?.result?.Height === 341, 180_000, `${u} at 341`);
  await waitFor(async () => {
    const heads = seriesOf(await scrapeMetrics(cluster.lbUrl), 'filfollower_upstream_head_height_epochs');
    return heads.length === cluster.followerUrls.length && heads.every((h) => h === 341);
  }, 60_000, 'the balancer told of 341 by every follower');
  const body = (id: string | number): string => JSON.stringify({ jsonrpc: '2.0', id, method: 'Filecoin.ChainHead', params: [] });
  const cached = await waitFor(async () => {
    await raw(cluster.lbUrl, body(1));
    const r = await raw(cluster.lbUrl, body('head-7'));
    return r.upstream === 'edge-cache' ? r : undefined;
  }, 30_000, 'ChainHead at rest from the edge cache');
  assert.equal(cached.text, (await raw(follower, body('head-7'))).text);
});

test('blocks by CID come from the edge cache with the client id; errors, batches and odd ids reach a follower', async () => {
  const follower = `${cluster.followerUrls[1]}/rpc/v1`;
  // the balancer routes to a follower (it answers ChainHead with a head) before anything is asked of its cache
  await waitFor(async () => (await rpc(cluster.lbUrl, 'Filecoin.ChainHead')).body?.result?.Height >= 0, 180_000, 'a follower behind the balancer');
  const blocks = src.tipsets.flatMap((t) => t.blocks).slice(0, 40);
  for (const [i, b] of blocks.entries()) {
    const body = (id: number): string => JSON.stringify({ jsonrpc: '2.0', id, method: 'Filecoin.ChainGetBlock', params: [{ '/': b.cid.toString() }] });
    const first = await raw(cluster.lbUrl, body(i));
    assert.notEqual(first.upstream, 'edge-cache');
    const again = await raw(cluster.lbUrl, body(10_000 + i));
    assert.equal(again.upstream, 'edge-cache', `block ${b.cid} not served from the cache`);
    assert.equal(again.text, (await raw(follower, body(10_000 + i))).text, `block ${b.cid}`);
    assert.equal(JSON.parse(again.text).result.Height, b.header.height);
  }
  // entries are per API version: a block cached on /rpc/v1 is asked of a follower on /rpc/v0 first
  const v0 = (u: string): string => u.replace('/rpc/v1', '/rpc/v0');
  const b0 = JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'Filecoin.ChainGetBlock', params: [{ '/': blocks[0]!.cid.toString() }] });
  const firstV0 = await raw(v0(cluster.lbUrl), b0);
  assert.notEqual(firstV0.upstream, 'edge-cache', 'a v1 entry answered on v0');
  assert.equal((await raw(v0(cluster.lbUrl), b0)).upstream, 'edge-cache');
  assert.equal(firstV0.text, (await raw(v0(follower), b0)).text);
  // an alias is the same method: eth_chainId after Filecoin.EthChainId is a hit (policy `head`)
  await raw(cluster.lbUrl, JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'Filecoin.EthChainId', params: [] }));
  const alias = await raw(cluster.lbUrl, JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'eth_chainId', params: [] }));
  assert.equal(alias.upstream, 'edge-cache');
  assert.equal(alias.text, (await raw(follower, JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'eth_chainId', params: [] }))).text);
  // an error is never stored: a block not in the store stays a follower's answer
  const missing = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'Filecoin.ChainGetBlock', params: [{ '/': 'bafy2bzaceaxm23epjsmh75yvzcecsrbavlmkcxnva66bkdebdcnyw3bjrc74u' }] });
  for (let i = 0; i < 2; i++) {
    const r = await raw(cluster.lbUrl, missing);
    assert.notEqual(r.upstream, 'edge-cache');
    assert.ok(JSON.parse(r.text).error, r.text);
  }
  // a batch, and an id that is not plain (a fraction), always go to a follower
  const cid = { '/': blocks[0]!.cid.toString() };
  const batch = JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'Filecoin.ChainGetBlock', params: [cid] }]);
  const odd = JSON.stringify({ jsonrpc: '2.0', id: 1.5, method: 'Filecoin.ChainGetBlock', params: [cid] });
  for (const b of [batch, batch, odd, odd]) {
    const r = await raw(cluster.lbUrl, b);
    assert.notEqual(r.upstream, 'edge-cache', b);
    assert.equal(r.text, (await raw(follower, b)).text);
  }
});

test('calls that arrive together travel as one batch and each gets the answer a follower gives it alone', async () => {
  const follower = `${cluster.followerUrls[0]}/rpc/v1`;
  // the answers at the head (StateGetActor, heights past it) hold only once every follower is at rest at 341
  for (const u of cluster.followerUrls) await waitFor(async () => (await rpc(`${u}/rpc/v1`, 'Filecoin.ChainHead')).body?.result?.Height === 341, 180_000, `${u} at 341`);
  const blocks = src.tipsets.flatMap((t) => t.blocks);
  const bodies: string[] = [];
  for (let i = 0; i < 300; i++) {
    const id = 50_000 + i;
    const kind = i % 6;
    const call =
      kind === 0 ? { method: 'Filecoin.ChainGetBlockMessages', params: [{ '/': blocks[i % blocks.length]!.cid.toString() }] }
      : kind === 1 ? { method: 'Filecoin.ChainGetTipSetByHeight', params: [i, null] }
      : kind === 2 ? { method: 'Filecoin.ChainGetTipSetByHeight', params: [1000 + i, null] } // code 1, HTTP 200
      : kind === 3 ? { method: 'Filecoin.ChainGetBlockMessages', params: [123] } // bad params: HTTP 500
      : kind === 4 ? { method: 'Filecoin.StateGetActor', params: ['f0' + (i % 5), null] }
      : { method: 'Filecoin.ChainGetParentReceipts', params: [{ '/': blocks[i % blocks.length]!.cid.toString() }] };
    bodies.push(JSON.stringify({ jsonrpc: '2.0', id, ...call }));
  }
  const expected: Array<{ status: number; text: string }> = [];
  for (const b of bodies) {
    const res = await fetch(follower, { method: 'POST', headers: { 'content-type': 'application/json' }, body: b });
    expected.push({ status: res.status, text: await res.text() });
  }
  assert.ok(expected.some((e) => e.status === 500) && expected.some((e) => e.status === 200 && e.text.includes('"error"')), 'the calls include both kinds of error');
  const metric = (name: string): Promise<number> => metricValue(cluster.lbUrl, `filfollower_${name}`);
  const before = await metric('lb_coalesced_calls');
  // 300 connections, every call in flight at once
  const agent = new Agent({ connections: 300 });
  try {
    const got = await Promise.all(bodies.map(async (b) => {
      const res = await request(cluster.lbUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: b, dispatcher: agent });
      return { status: res.statusCode, text: await res.body.text() };
    }));
    got.forEach((g, i) => {
      assert.equal(g.status, expected[i]!.status, bodies[i]);
      assert.equal(g.text, expected[i]!.text, bodies[i]);
    });
  } finally {
    await agent.close();
  }
  const batched = (await metric('lb_coalesced_calls')) - before;
  assert.ok(batched > 0, `no call of 300 travelled in a batch (${batched})`);
});
