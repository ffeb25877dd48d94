/**
 * The balancer pair behind one port (LB_WORKERS=2, node:cluster), in a cluster run as
 * `npm start` runs it (2 followers, mainnet-h0-341.car): a rolling restart (SIGHUP to
 * the primary) under read load replaces both workers one at a time and fails no
 * request, keep-alive connections included; a worker killed with SIGKILL is replaced
 * and the pair serves on.
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture } from '../../common/paths.js';
import { CarReplaySource } from '../../leader/car-source.js';
import { rolePids, rpc, startCluster, type TestCluster, waitFor } from '../helpers/cluster.js';
import { startReadLoad } from '../helpers/load.js';

const CAR = fixture('chain', 'mainnet-h0-341.car');
let cluster: TestCluster;
let src: CarReplaySource;

/** The parent PID of `pid` (/proc/<pid>/stat). */
function ppid(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** The balancer primary (the `lb` child of `start`) and its workers (its children). */
function balancerProcs(): { primary: number; workers: number[] } {
  const lbs = rolePids(cluster, 'lb').map((p) => p.pid);
  const primary = lbs.find((p) => ppid(p) === cluster.proc.pid);
  assert.ok(primary, `no balancer primary among ${lbs.join(', ')}`);
  return { primary, workers: lbs.filter((p) => p !== primary && ppid(p) === primary) };
}

before(async () => {
  src = await CarReplaySource.open(CAR);
  cluster = await startCluster({ followers: 2, epochMs: 0, car: CAR, env: { LB_WORKERS: '2' } });
  await waitFor(async () => (await rpc(cluster.lbUrl, 'Filecoin.ChainHead')).body?.result?.Height === 341, 120_000, 'head 341 through the balancer pair');
});
after(async () => {
  await cluster?.stop();
});

test('balancer pair: a rolling restart of both workers under read load fails no request', async () => {
  const before = balancerProcs();
  assert.equal(before.workers.length, 2, `two workers: ${JSON.stringify(before)}`);
  const load = startReadLoad(cluster.lbUrl, src.tipsets, 8);
  await waitFor(async () => load.tried > 300, 60_000, '300 requests before the restart');
  const atHup = load.tried;
  process.kill(before.primary, 'SIGHUP');
  // done: two workers, neither of them one of the old ones
  await waitFor(async () => {
    const now = balancerProcs();
    return now.workers.length === 2 && now.workers.every((w) => !before.workers.includes(w));
  }, 90_000, 'both workers replaced');
  const restartedAt = load.tried;
  await waitFor(async () => load.tried > restartedAt + 300, 60_000, '300 requests after the restart');
  const { tried, failures } = await load.stop();
  const after = balancerProcs();
  process.stdout.write(`# balancer pair: rolling restart of 2 workers (${before.workers.join(', ')} → ${after.workers.join(', ')}): ${tried} requests, ${restartedAt - atHup} during the restart, ${failures.length} failed\n`);
  assert.equal(after.primary, before.primary, 'the primary stays');
  assert.deepEqual(failures, []);
  assert.ok(restartedAt - atHup > 50, `${restartedAt - atHup} requests during the restart`);
});

test('balancer pair: a worker killed with SIGKILL is replaced, and the pair keeps serving', async () => {
  const before = balancerProcs();
  const victim = before.workers[0]!;
  const load = startReadLoad(cluster.lbUrl, src.tipsets, 4);
  await waitFor(async () => load.tried > 100, 60_000, '100 requests before the kill');
  process.kill(victim, 'SIGKILL');
  const killedAt = load.tried;
  await waitFor(async () => {
    const now = balancerProcs();
    return now.workers.length === 2 && !now.workers.includes(victim);
  }, 60_000, 'a replacement worker');
  const replacedAt = load.tried;
  await waitFor(async () => load.tried > replacedAt + 300, 60_000, '300 requests after the replacement');
  const { tried, failures } = await load.stop();
  // requests in flight on the killed worker's connections fail (a crash, not a drain); none after
  process.stdout.write(`# balancer pair: worker ${victim} killed: ${tried} requests, ${failures.length} failed (in flight on its connections), ${replacedAt - killedAt} until the replacement\n`);
  // each of the 4 clients has one request in flight at a time; a socket to the dead worker
  // can also be taken from the pool before its reset arrives: at most 2 per client
  assert.ok(failures.length <= 8, `only requests on the killed worker's connections fail: ${failures.join('; ')}`);
  const r = await rpc(cluster.lbUrl, 'Filecoin.ChainGetTipSetByHeight', [341, null]);
  assert.equal(r.body.result.Height, 341);
});
