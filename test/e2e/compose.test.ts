/**
 * `docker-compose up --scale follower=5` for real, on the images scripts/images.sh
 * builds here (no registry): the store, migrations, the leader replaying mainnet 0–341,
 * five followers the balancer finds through Docker's DNS; the walking-skeleton checks
 * through the published balancer port (every height, every block and its messages,
 * ChainNotify); a rolling restart of every follower under load and the time to ready of
 * an added one; scale to 8 live; one follower container killed under load with no
 * request failed; `down` leaves nothing. Runs where a Docker engine and the images are
 * there (COMPOSE_TEST=1, as .ci/run sets it, makes their absence a failure).
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { fixture } from '../../common/paths.js';
import { CarReplaySource } from '../../leader/car-source.js';
import { ChainReader } from '../../blockstore/chain-reader.js';
import { blockHeaderJson, cidJson } from '../../chain/json.js';
import { rpc, waitFor } from '../helpers/cluster.js';
import { ComposeProject, haveImages, run } from '../helpers/compose.js';
import { startReadLoad } from '../helpers/load.js';

const required = process.env.COMPOSE_TEST === '1';
const images = haveImages('fil-follower:local', 'filf-postgres:local');
const skip = !required && !images ? 'no Docker engine or images here (npm run images builds them; COMPOSE_TEST=1 requires them)' : false;

let lb = '';
let p: ComposeProject;
let src: CarReplaySource;
const compose = (...args: string[]) => p.compose(...args);
const ready = () => p.ready();
const execFile = run;

// nothing of this process keeps the event loop alive while the stack runs in Docker (waitFor's timers are unref'd)
let keepAlive: NodeJS.Timeout | undefined;

before(async () => {
  if (skip) return;
  keepAlive = setInterval(() => undefined, 1000);
  assert.ok(images, 'the images exist (scripts/images.sh)');
  src = await CarReplaySource.open(fixture('chain', 'mainnet-h0-341.car'));
  p = await ComposeProject.create('ci', { EPOCH_MS: '50' });
  lb = p.lbUrl;
  await compose('up', '-d', '--scale', 'follower=5');
});
after(async () => {
  if (!skip) await compose('down', '-v', '--remove-orphans').catch(() => undefined);
  clearInterval(keepAlive);
});

test('compose: five followers discovered through Docker DNS; every height 0–341, every block and its messages, and ChainNotify through the published balancer port', { skip }, async () => {
  await waitFor(async () => (await ready()).filter((u) => u.ready && u.height === 341).length === 5, 180_000, 'five ready followers at 341');
  assert.equal((await ready()).length, 5);
  const reader = new ChainReader(src.car.blocks);
  let blocks = 0;
  let messages = 0;
  for (const t of src.tipsets) {
    const r = await rpc(lb, 'Filecoin.ChainGetTipSetByHeight', [t.height, null]);
    assert.deepEqual(r.body.result?.Cids, t.key.map(cidJson), `tipset ${t.height}`);
    for (const b of t.blocks) {
      assert.deepEqual((await rpc(lb, 'Filecoin.ChainGetBlock', [cidJson(b.cid)])).body.result, blockHeaderJson(b.header, 'f'));
      const want = await reader.messagesForBlock(b.header);
      const m = (await rpc(lb, 'Filecoin.ChainGetBlockMessages', [cidJson(b.cid)])).body.result;
      assert.deepEqual(m.Cids, [...want.bls, ...want.secpk].map((x) => cidJson(x.cid)));
      blocks++;
      messages += m.Cids.length;
    }
  }
  assert.equal(blocks, 547);
  // ChainNotify over the balancer's WebSocket: the current head first
  const ws = new WebSocket(lb.replace(/^http/, 'ws'));
  await new Promise((r) => ws.once('open', r));
  const first = new Promise<any>((resolve) => ws.on('message', (d) => {
    const msg = JSON.parse(String(d));
    if (msg.method === 'xrpc.ch.val') resolve(msg.params[1]);
  }));
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'Filecoin.ChainNotify', params: [] }));
  const current = await first;
  ws.close();
  assert.equal(current[0].Type, 'current');
  assert.equal(current[0].Val.Height, 341);
  process.stdout.write(`# compose: 5 followers; ${src.tipsets.length} tipsets, ${blocks} blocks, ${messages} block messages equal the CAR through 127.0.0.1:${p.lbPort}\n`);
});

test('compose: a rolling restart of every follower, one at a time under load, and of the balancer pair fails no request; a follower added to the running stack is ready behind the balancer within seconds', { skip }, async () => {
  const load = startReadLoad(lb, src.tipsets);
  for (let i = 1; i <= 5; i++) {
    // one at a time: restart it (SIGTERM, then start), and wait until the balancer has all five ready again
    await execFile('docker', ['restart', '-t', '10', `${p.name}_follower_${i}`]);
    await waitFor(async () => (await ready()).filter((u) => u.ready && u.height === 341).length === 5, 120_000, `five ready after restarting follower ${i}`);
  }
  const afterRestarts = load.tried;
  // the balancer pair: SIGHUP to the primary (through tini) replaces both workers, one at a time
  const lbProcs = async (): Promise<Array<{ pid: number; ppid: number }>> =>
    (await execFile('docker', ['top', p.container('lb'), '-eo', 'pid,ppid,args'])).stdout
      .split('\n')
      .filter((l) => l.includes('dist/cli.js lb') && !l.includes('docker-init'))
      .map((l) => l.trim().split(/\s+/).map(Number))
      .map(([pid, ppid]) => ({ pid: pid!, ppid: ppid! }));
  const workersOf = (ps: Array<{ pid: number; ppid: number }>): number[] => ps.filter((x) => ps.some((y) => y.pid === x.ppid)).map((x) => x.pid);
  const oldWorkers = workersOf(await lbProcs());
  assert.equal(oldWorkers.length, 2, 'two balancer workers');
  const beforeHup = load.tried;
  await compose('kill', '-s', 'HUP', 'lb');
  await waitFor(async () => {
    const now = workersOf(await lbProcs());
    return now.length === 2 && now.every((w) => !oldWorkers.includes(w));
  }, 90_000, 'both balancer workers replaced');
  const duringHup = load.tried - beforeHup;
  // one more follower: from `up` to ready behind the balancer
  const t0 = Date.now();
  await compose('up', '-d', '--scale', 'follower=6', '--no-recreate');
  const upMs = Date.now() - t0;
  await waitFor(async () => (await ready()).filter((u) => u.ready && u.height === 341).length === 6, 60_000, 'six ready');
  const readyAt = Date.now();
  // the container's own start, by the engine's clock (the same host's)
  const startedAt = Date.parse((await execFile('docker', ['inspect', '-f', '{{.State.StartedAt}}', `${p.name}_follower_6`])).stdout.trim());
  const { failures } = await load.stop();
  process.stdout.write(
    `# compose: rolling restart of 5 followers under load: ${afterRestarts} requests; of the balancer pair: ${duringHup} requests; ${failures.length} failed in all; follower 6 ready behind the balancer ` +
      `${readyAt - startedAt} ms after its container started (${readyAt - t0} ms after \`up\`, ${upMs} ms of it docker-compose itself; readiness polled every 200 ms)\n`,
  );
  assert.deepEqual(failures, []);
  assert.ok(afterRestarts > 200, `${afterRestarts} requests during the restarts`);
});

test('compose: --scale follower=8 on the running stack is picked up live; one follower container killed under load fails no request; down leaves nothing', { skip }, async () => {
  await compose('up', '-d', '--scale', 'follower=8', '--no-recreate');
  await waitFor(async () => (await ready()).filter((u) => u.ready).length === 8, 120_000, 'eight ready followers');
  // load: 4 clients reading random heights until told to stop
  const load = startReadLoad(lb, src.tipsets);
  await new Promise((r) => setTimeout(r, 2000));
  const victim = `${p.name}_follower_3`;
  await execFile('docker', ['kill', victim]);
  const killedAt = load.tried;
  await waitFor(async () => (await ready()).filter((u) => u.ready).length === 7 && load.tried > killedAt + 500, 60_000, 'the balancer drops the killed follower, 500 more requests');
  const { tried, failures } = await load.stop();
  process.stdout.write(`# compose: 8 followers live; killed ${victim} under load: ${tried} requests, ${failures.length} failed\n`);
  assert.deepEqual(failures, []);
  await compose('down', '-v', '--remove-orphans');
  assert.deepEqual(await p.leftovers(), { containers: '', networks: '', volumes: '' }, 'no container, network or volume left');
});
