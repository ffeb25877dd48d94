/**
 * A really distributed store: a 3-node Apache Cassandra 5 cluster on loopback
 * (127.0.0.2–127.0.0.4), keyspace replication 3, QUORUM reads and writes. The whole
 * cluster (leader replaying mainnet 0–341, two followers, the balancer) runs on it;
 * one Cassandra node is killed with SIGKILL under read load (followers without caches,
 * so every read reaches the store) and during the leader's writes, then brought back. Counted: reads tried and failed (0 allowed), tipsets
 * written (all 319, none lost or half-written), and every block read back at ALL.
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, projectPath } from '../../common/paths.js';
import { CarReplaySource } from '../../leader/car-source.js';
import { cidJson } from '../../chain/json.js';
import { type TestCluster, rpc, startCluster, waitFor } from '../helpers/cluster.js';
import { connectKeyspace, cqlClient, parseCqlUrl } from '../../store/cql.js';
import { type CassandraNode, cassandraScript, killNode, readBackAtAll, startCassandraNodes, stopCassandraNodes, waitAllUp } from '../helpers/cassandra-nodes.js';

const CQL_PORT = 19142;
const KEYSPACE = 'filf3n';
let nodes: CassandraNode[] = [];
let cluster: TestCluster | undefined;
let src: CarReplaySource;

/** The servers are Java: without a JDK (a newcomer's laptop) the test says so and is skipped; CI has one. */
const noJava = spawnSync('java', ['-version']).status !== 0 ? 'no java on PATH: the 3-node Cassandra test needs a JDK 17' : false;

before(async () => {
  if (noJava) return;
  src = await CarReplaySource.open(fixture('chain', 'mainnet-h0-341.car'));
  nodes = await startCassandraNodes({ nodes: 3, cqlPort: CQL_PORT, storagePort: 17100, jmxBase: 7202, dir: mkdtempSync(join(projectPath('.data'), 'cassandra-3n-')) });
});
after(async () => {
  await cluster?.stop();
  await stopCassandraNodes(nodes);
});

test('3-node Cassandra, RF 3, QUORUM: one node killed under read load and during the leader\'s writes; 0 failed reads, no tipset lost or half-written, every block read back at ALL once it is back', { skip: noJava }, async () => {
  const hosts = nodes.map((n) => `${n.host}:${CQL_PORT}`).join(',');
  const storeUrl = `cassandra://${hosts}/${KEYSPACE}?replication=3&consistency=QUORUM`;
  // no follower caches: every read goes to the store
  cluster = await startCluster({ car: fixture('chain', 'mainnet-h0-341.car'), epochMs: 250, followers: 2, env: { STORE_URL: storeUrl, BLOCK_CACHE_BYTES: '0', CHAIN_CACHE_BYTES: '0', RESPONSE_CACHE_BYTES: '0' } });
  const c = cluster;
  const headHeight = async (): Promise<number> => (await rpc(c.lbUrl, 'Filecoin.ChainHead')).body?.result?.Height ?? -1;
  await waitFor(async () => (await headHeight()) >= 30, 120_000, 'head ≥ 30');

  // read load: 3 clients reading random heights, their blocks and messages, until told to stop
  let stop = false;
  let tried = 0;
  const failures: string[] = [];
  const byHeight = new Map(src.tipsets.map((t) => [t.height, t]));
  const client = async (): Promise<void> => {
    while (!stop) {
      const top = await headHeight().catch(() => -1);
      const heights = [...byHeight.keys()].filter((h) => h <= top);
      if (heights.length === 0) continue;
      const h = heights[Math.floor(Math.random() * heights.length)]!;
      const want = byHeight.get(h)!;
      for (const [method, params, check] of [
        ['Filecoin.ChainGetTipSetByHeight', [h, null], (r: any) => JSON.stringify(r.Cids) === JSON.stringify(want.key.map(cidJson))],
        ['Filecoin.ChainGetBlock', [cidJson(want.key[0]!)], (r: any) => r.Height === h],
        ['Filecoin.ChainGetBlockMessages', [cidJson(want.key[0]!)], (r: any) => Array.isArray(r.Cids)],
      ] as Array<[string, unknown[], (r: any) => boolean]>) {
        tried++;
        try {
          const r = await rpc(c.lbUrl, method, params);
          if (r.body?.error || !check(r.body?.result)) failures.push(`${method}(${h}): ${JSON.stringify(r.body?.error ?? r.body?.result).slice(0, 200)}`);
        } catch (e) {
          failures.push(`${method}(${h}): ${(e as Error).message}`);
        }
      }
    }
  };
  const load = [client(), client(), client()];

  // kill one node while the leader writes and the clients read
  const victim = nodes[2]!;
  const killedAt = await headHeight();
  const pid = killNode(victim);
  const triedBefore = tried;
  await waitFor(async () => (await headHeight()) >= killedAt + 40, 120_000, 'the head moves 40 epochs with a node down');
  const whileDown = { tried: tried - triedBefore, head: await headHeight() };
  // bring it back; the cluster sees three nodes again, the leader finishes the chain
  await cassandraScript(victim, 'start');
  await waitAllUp(nodes, 3);
  await waitFor(async () => (await headHeight()) === 341, 180_000, 'head at 341');
  stop = true;
  await Promise.all(load);
  process.stdout.write(`# 3-node Cassandra: killed ${victim.host} (pid ${pid}) at head ${killedAt}; ${whileDown.tried} reads while it was down (head ${killedAt} → ${whileDown.head}); ${tried} reads in all, ${failures.length} failed\n`);
  assert.deepEqual(failures, [], 'no read failed');
  assert.ok(whileDown.tried > 50, `${whileDown.tried} reads while the node was down`);

  // every tipset written and whole: by height through the balancer
  for (const t of src.tipsets) {
    const r = await rpc(c.lbUrl, 'Filecoin.ChainGetTipSetByHeight', [t.height, null]);
    assert.deepEqual(r.body.result?.Cids, t.key.map(cidJson), `tipset ${t.height}`);
  }
  // every block the leader wrote, read back at ALL (all three replicas answer; a stale one is repaired)
  const blocks = src.steps().flatMap((s) => s.blocks);
  const readBack = await readBackAtAll(nodes.map((n) => `${n.host}:${CQL_PORT}`), KEYSPACE, blocks);
  process.stdout.write(`# 3-node Cassandra: ${src.tipsets.length} tipsets written and read by height; ${readBack} of ${blocks.length} blocks read back at ALL\n`);
  assert.equal(readBack, blocks.length);
});

test('a client on a keyspace not created yet waits for it (a cluster still starting) and connects once it exists', { skip: noJava }, async () => {
  const hosts = nodes.map((n) => `${n.host}:${CQL_PORT}`).join(',');
  const s = parseCqlUrl(`cassandra://${hosts}/filf_late?replication=3`);
  let waits = 0;
  // the keyspace is created at the first refusal: the connection must have been tried before it existed
  const client = await connectKeyspace(s, {
    onWait: (e) => {
      assert.match(e.message, /Keyspace '?filf_late'? does not exist/i);
      if (waits++ === 0) {
        const admin = cqlClient(s);
        void admin
          .execute("CREATE KEYSPACE IF NOT EXISTS filf_late WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}")
          .finally(() => admin.shutdown());
      }
    },
  });
  try {
    assert.ok(waits >= 1, 'the first connection was refused');
    assert.equal(client.keyspace, 'filf_late');
    assert.equal((await client.execute('SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?', ['filf_late'], { prepare: true })).rows.length, 1);
  } finally {
    await client.shutdown();
  }
});
