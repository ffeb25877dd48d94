/**
 * Availability and monotonic reads through the balancer while the head moves: a
 * cluster started as `npm start` starts it, three followers, the leader replaying
 * mainnet-h0-341.car at 200 ms epochs; 10,000 sequential ChainHead reads (one client,
 * one connection pool) must all succeed and the height a client sees must never go
 * back. Before: followers counted as ready only at lag 0 and the balancer learned
 * heads once a second, so reads failed with 503 right after new heads, and reads
 * landing on different followers saw the head go back.
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from '../../common/paths.js';
import { rpc, startCluster, type TestCluster, waitFor } from '../helpers/cluster.js';

let cluster: TestCluster;

before(async () => {
  cluster = await startCluster({ followers: 3, epochMs: 200, car: fixture('chain', 'mainnet-h0-341.car') });
  await waitFor(async () => (await rpc(cluster.lbUrl, 'Filecoin.ChainHead')).body?.result?.Height >= 0, 60_000, 'a first head through the balancer');
});
after(async () => {
  await cluster?.stop();
});

test('10,000 sequential reads while the head moves every 200 ms: none fails, the head never goes back', async () => {
  const failures: string[] = [];
  const backwards: string[] = [];
  const byUpstream = new Map<string, number>();
  let last = -1;
  let first = -1;
  for (let i = 0; i < 10_000; i++) {
    const res = await fetch(cluster.lbUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'Filecoin.ChainHead', params: [] }) });
    const body = (await res.json()) as { result?: { Height: number }; error?: { code: number; message: string } };
    if (res.status !== 200 || !body.result) {
      failures.push(`${i}: HTTP ${res.status} ${JSON.stringify(body.error)}`);
      continue;
    }
    const h = body.result.Height;
    if (first < 0) first = h;
    if (h < last) backwards.push(`${i}: ${last} → ${h} via ${res.headers.get('x-upstream')}`);
    last = Math.max(last, h);
    const u = res.headers.get('x-upstream') ?? '?';
    byUpstream.set(u, (byUpstream.get(u) ?? 0) + 1);
  }
  process.stdout.write(`# heights ${first} → ${last}; answers by follower: ${JSON.stringify(Object.fromEntries(byUpstream))}\n`);
  assert.deepEqual(failures.slice(0, 10), [], `${failures.length} failed reads`);
  assert.deepEqual(backwards.slice(0, 10), [], `${backwards.length} reads saw the head go back`);
  assert.ok(last - first >= 10, `the head moved during the reads (${first} → ${last})`);
  assert.ok(byUpstream.size >= 2, 'reads were spread over followers');
});
