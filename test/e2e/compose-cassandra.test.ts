/**
 * The compose stack on its 3-node Apache Cassandra cluster (`--env-file
 * docker/cassandra.env`: keyspace replication 3, QUORUM reads and writes), images built
 * here: the cluster starts, migrates once and syncs; one Cassandra container killed
 * (SIGKILL) under read load while the leader writes fails no read and the head keeps
 * moving; the node started again, every tipset reads back whole through the balancer and
 * every block at consistency ALL; `down -v` leaves nothing. Runs where the Docker engine
 * and the images are (COMPOSE_TEST=1, as .ci/run sets it, makes their absence a failure).
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readBackAtAll } from '../helpers/cassandra-nodes.js';
import { fixture, projectPath } from '../../common/paths.js';
import { CarReplaySource } from '../../leader/car-source.js';
import { cidJson } from '../../chain/json.js';
import { rpc, waitFor } from '../helpers/cluster.js';
import { ComposeProject, haveImages, run } from '../helpers/compose.js';
import { startReadLoad } from '../helpers/load.js';

const required = process.env.COMPOSE_TEST === '1';
const images = haveImages('fil-follower:local', 'filf-cassandra:local');
const skip = !required && !images ? 'no Docker engine or images here (npm run images builds them; COMPOSE_TEST=1 requires them)' : false;

let p: ComposeProject;
let lb = '';
let src: CarReplaySource;
let keepAlive: NodeJS.Timeout | undefined;
/** The services whose logs a failure prints. */
const SERVICES = ['migrate', 'leader', 'follower', 'lb', 'cassandra-1', 'cassandra-2', 'cassandra-3'];

before(async () => {
  if (skip) return;
  keepAlive = setInterval(() => undefined, 1000);
  assert.ok(images, 'the images exist (scripts/images.sh)');
  src = await CarReplaySource.open(fixture('chain', 'mainnet-h0-341.car'));
  // 500 ms epochs: the replay lasts ~170 s, long enough to kill a node early while the leader writes
  p = await ComposeProject.create('cass', { EPOCH_MS: '500' }, projectPath('docker', 'cassandra.env'));
  lb = p.lbUrl;
  await p.compose('up', '-d', '--scale', 'follower=3').catch(async (e: Error) => {
    await p.dumpLogs(SERVICES);
    throw e;
  });
});
after(async () => {
  if (!skip) await p.compose('down', '-v', '--remove-orphans').catch(() => undefined);
  clearInterval(keepAlive);
});

test('compose on 3-node Cassandra (RF 3, QUORUM): one node killed under read load while the leader writes; 0 failed reads, the head moves on, every tipset whole and every block read back at ALL; down leaves nothing', { skip }, async () => {
  await killOneNode().catch(async (e: Error) => {
    await p.dumpLogs(SERVICES);
    throw e;
  });
});

/** The test's body; its failure prints the services' logs. */
async function killOneNode(): Promise<void> {
  let head = -1;
  const headHeight = async (): Promise<number> => (head = (await rpc(lb, 'Filecoin.ChainHead').catch(() => null))?.body?.result?.Height ?? head);
  await waitFor(async () => (await p.ready()).filter((u) => u.ready).length === 3 && (await headHeight()) >= 10, 300_000, 'three followers ready, head ≥ 10');
  const load = startReadLoad(lb, src.tipsets, 4, () => head);
  const poll = setInterval(() => void headHeight(), 200);
  try {
    await waitFor(async () => load.tried > 200, 60_000, '200 reads before the kill');
    const victim = p.container('cassandra-3');
    const killedAt = head;
    await run('docker', ['kill', victim]);
    const triedBefore = load.tried;
    // the leader's writes go on at QUORUM on the two nodes left
    assert.ok(killedAt <= 341 - 20, `killed at head ${killedAt}: too late in the replay to see the head move`);
    const t0 = Date.now();
    await waitFor(async () => head >= killedAt + 20, 180_000, `the head moves 20 epochs from ${killedAt} with a node down`).catch((e: Error) => {
      throw new Error(`${e.message} (head ${head} after ${Date.now() - t0} ms)`);
    });
    const whileDown = { tried: load.tried - triedBefore, head, ms: Date.now() - t0 };
    await run('docker', ['start', victim]);
    await waitFor(async () => (await run('docker', ['inspect', '-f', '{{.State.Health.Status}}', victim])).stdout.trim() === 'healthy', 180_000, `${victim} healthy again`);
    await waitFor(async () => head === 341, 180_000, 'head at 341');
    const { tried, failures } = await load.stop();
    process.stdout.write(`# compose on Cassandra: killed ${victim} at head ${killedAt}; ${whileDown.tried} reads while it was down (head ${killedAt} → ${whileDown.head} in ${whileDown.ms} ms); ${tried} reads in all, ${failures.length} failed\n`);
    assert.deepEqual(failures, [], 'no read failed');
    assert.ok(whileDown.tried > 50, `${whileDown.tried} reads while the node was down`);
  } finally {
    clearInterval(poll);
    await load.stop();
  }

  for (const t of src.tipsets) {
    const r = await rpc(lb, 'Filecoin.ChainGetTipSetByHeight', [t.height, null]);
    assert.deepEqual(r.body.result?.Cids, t.key.map(cidJson), `tipset ${t.height}`);
  }
  // at ALL, from this host to the containers' own addresses on the compose network
  const ips = await Promise.all([1, 2, 3].map(async (i) => (await run('docker', ['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', p.container(`cassandra-${i}`)])).stdout.trim()));
  const blocks = src.steps().flatMap((s) => s.blocks);
  const readBack = await readBackAtAll(ips.map((ip) => `${ip}:9042`), 'filfollower', blocks);
  process.stdout.write(`# compose on Cassandra: ${src.tipsets.length} tipsets read by height; ${readBack} of ${blocks.length} blocks read back at ALL from ${ips.join(', ')}\n`);
  assert.equal(readBack, blocks.length);
  await p.compose('down', '-v', '--remove-orphans');
  assert.deepEqual(await p.leftovers(), { containers: '', networks: '', volumes: '' }, 'no container, network or volume left');
}
