/**
 * Availability and monotonic reads through the balancer while the head moves: a
 * cluster started as `npm start` starts it, three followers, the leader replaying
 * mainnet-h0-341.car at 200 ms epochs; 10,000 sequential ChainHead reads (one client,
 * one connection pool) must all succeed and the height a client sees must never go
 * back; then the same while one follower is killed (SIGKILL) and `start` starts it
 * again. Before: followers counted as ready only at lag 0 and the balancer learned
 * heads once a second, so reads failed with 503 right after new heads, and reads
 * landing on different followers saw the head go back.
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture } from '../../common/paths.js';
import { rolePids, rpc, startCluster, type TestCluster, waitFor } from '../helpers/cluster.js';

let cluster: TestCluster;

before(async () => {
  // the replay of 341 heights at 200 ms lasts ~70 s; start it over at the end so both runs see a moving head
  cluster = await startCluster({ followers: 3, epochMs: 200, car: fixture('chain', 'mainnet-h0-341.car'), extra: ['--restart-ms', '300'] });
  await waitFor(async () => (await rpc(cluster.lbUrl, 'Filecoin.ChainHead')).body?.result?.Height >= 0, 60_000, 'a first head through the balancer');
});
after(async () => {
  await cluster?.stop();
});

interface ReadRun {
  failures: string[];
  backwards: string[];
  byUpstream: Map<string, number>;
  /** The follower that answered read i (x-upstream). */
  upstreams: string[];
  first: number;
  last: number;
}

/** `n` sequential ChainHead reads through the balancer; `during(i)` runs before read i. */
async function readRun(n: number, during: (i: number) => Promise<void> = async () => undefined): Promise<ReadRun> {
  const run: ReadRun = { failures: [], backwards: [], byUpstream: new Map(), upstreams: [], first: -1, last: -1 };
  for (let i = 0; i < n; i++) {
    await during(i);
    let res: Response;
    let body: { result?: { Height: number }; error?: { code: number; message: string } };
    try {
      res = await fetch(cluster.lbUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'Filecoin.ChainHead', params: [] }) });
      body = (await res.json()) as typeof body;
    } catch (e) {
      run.failures.push(`${i}: ${(e as Error).message}`);
      continue;
    }
    if (res.status !== 200 || !body.result) {
      run.failures.push(`${i}: HTTP ${res.status} ${JSON.stringify(body.error)}`);
      continue;
    }
    const h = body.result.Height;
    if (run.first < 0) run.first = h;
    if (h < run.last) run.backwards.push(`${i}: ${run.last} → ${h} via ${res.headers.get('x-upstream')}`);
    run.last = Math.max(run.last, h);
    const u = res.headers.get('x-upstream') ?? '?';
    run.byUpstream.set(u, (run.byUpstream.get(u) ?? 0) + 1);
    run.upstreams[i] = u;
  }
  process.stdout.write(`# heights ${run.first} → ${run.last}; answers by follower: ${JSON.stringify(Object.fromEntries(run.byUpstream))}\n`);
  return run;
}

test('10,000 sequential reads while the head moves every 200 ms: none fails, the head never goes back', async () => {
  const run = await readRun(10_000);
  assert.deepEqual(run.failures.slice(0, 10), [], `${run.failures.length} failed reads`);
  assert.deepEqual(run.backwards.slice(0, 10), [], `${run.backwards.length} reads saw the head go back`);
  assert.ok(run.last - run.first >= 10, `the head moved during the reads (${run.first} → ${run.last})`);
  assert.ok(run.byUpstream.size >= 2, 'reads were spread over followers');
});

test('the same 10,000 reads while one follower is killed and started again: none fails, the head never goes back', async () => {
  const followers = rolePids(cluster, 'follower');
  assert.equal(followers.length, 3);
  const victim = followers[1]!;
  // the killed follower's URL, as the balancer names it in x-upstream
  const port = Number(readFileSync(`/proc/${victim.pid}/environ`, 'utf8').split('\0').find((kv) => kv.startsWith('FOLLOWER_PORT='))!.split('=')[1]);
  const victimUrl = cluster.followerUrls.find((u) => u.endsWith(`:${port}`))!;
  assert.ok(victimUrl, `follower on port ${port} is one of ${cluster.followerUrls.join(', ')}`);
  let killedAt = -1;
  let restartedPid = -1;
  let restartedAt = -1;
  const run = await readRun(10_000, async (i) => {
    if (i === 2_000) {
      process.kill(victim.pid, 'SIGKILL');
      killedAt = i;
    }
    if (killedAt >= 0 && restartedPid < 0 && i % 100 === 0) {
      const again = rolePids(cluster, 'follower').find((p) => !followers.some((f) => f.pid === p.pid));
      if (again) [restartedPid, restartedAt] = [again.pid, i];
    }
  });
  const servedAfterRestart = run.upstreams.filter((u, i) => i > restartedAt && u === victimUrl).length;
  process.stdout.write(`# killed at read ${killedAt}, seen restarted by read ${restartedAt}, ${servedAfterRestart} reads answered by it after\n`);
  assert.deepEqual(run.failures.slice(0, 10), [], `${run.failures.length} failed reads`);
  assert.deepEqual(run.backwards.slice(0, 10), [], `${run.backwards.length} reads saw the head go back`);
  assert.ok(restartedPid > 0, 'start started the killed follower again');
  // the restarted follower catches up and takes reads again before the run ends
  await waitFor(async () => {
    const r = await fetch(cluster.lbUrl.replace('/rpc/v1', '/health/readyz'));
    const body = (await r.json()) as { upstreams: Array<{ url: string; ready: boolean }> };
    return body.upstreams.find((u) => u.url === victimUrl)?.ready === true;
  }, 60_000, 'the restarted follower ready in the balancer');
  assert.ok(servedAfterRestart > 0, `the restarted follower (${victimUrl}) answered reads after its restart: ${JSON.stringify(Object.fromEntries(run.byUpstream))}`);
});
