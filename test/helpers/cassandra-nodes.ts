/**
 * A multi-node Apache Cassandra cluster on loopback addresses (127.0.0.2, .3, …), each
 * node a scripts/cassandra.sh server with its own state dir, all seeds of each other.
 * Nodes are stopped (or killed by PID) when the test file ends.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import cassandra from 'cassandra-driver';
import { readFileSync } from 'node:fs';
import { projectPath } from '../../common/paths.js';

/** One node. */
export interface CassandraNode {
  host: string;
  env: NodeJS.ProcessEnv;
}

/** Options: CQL and storage ports shared by every node (each has its own address), JMX ports from `jmxBase` + index. */
export interface NodeOptions {
  nodes: number;
  cqlPort: number;
  storagePort: number;
  jmxBase: number;
  dir: string;
}

const started: CassandraNode[] = [];
process.on('exit', () => {
  for (const n of started) {
    const pid = nodePid(n);
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
});

/** Run scripts/cassandra.sh with a node's environment. @throws Error with its output on failure. */
export function cassandraScript(node: CassandraNode, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn('bash', [projectPath('scripts', 'cassandra.sh'), ...args], { env: node.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.stderr.on('data', (b: Buffer) => (out += b.toString()));
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`cassandra.sh ${args.join(' ')} (${node.host}) exited ${code}:\n${out.slice(-3000)}`))));
  });
}

/** The node's server PID, from its pid file; null when not running. */
export function nodePid(node: CassandraNode): number | null {
  try {
    const pid = Number(readFileSync(`${node.env.CASSANDRA_DIR}/cassandra.pid`, 'utf8').trim());
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

/** Start `n` nodes one after another (each a seed), and wait until every node sees all `n` up. */
export async function startCassandraNodes(o: NodeOptions): Promise<CassandraNode[]> {
  const hosts = Array.from({ length: o.nodes }, (_, i) => `127.0.0.${i + 2}`);
  const seeds = hosts.map((h) => `${h}:${o.storagePort}`).join(',');
  const lib = process.env.CASSANDRA_LIB_DIR ?? (process.env.CASSANDRA_DIR ? `${process.env.CASSANDRA_DIR}/lib` : projectPath('.data', 'cassandra', 'lib'));
  const nodes = hosts.map((host, i) => ({
    host,
    env: {
      ...process.env,
      CASSANDRA_DIR: `${o.dir}/node${i + 1}`,
      CASSANDRA_LIB_DIR: lib,
      CASSANDRA_HOST: host,
      CASSANDRA_SEEDS: seeds,
      CASSANDRA_PORT: String(o.cqlPort),
      CASSANDRA_STORAGE_PORT: String(o.storagePort),
      CASSANDRA_JMX_PORT: String(o.jmxBase + i),
      CASSANDRA_SMOKE: '0',
      CASSANDRA_XMS: '512m',
      CASSANDRA_XMX: '768m',
    },
  }));
  for (const n of nodes) {
    started.push(n);
    await cassandraScript(n, 'start');
  }
  await waitAllUp(nodes, o.nodes);
  return nodes;
}

/** How many nodes `node` sees Up/Normal (nodetool status). */
export async function upCount(node: CassandraNode): Promise<number> {
  const out = await cassandraScript(node, 'nodetool', 'status');
  return out.split('\n').filter((l) => /^UN\s/.test(l)).length;
}

/** Wait until every node in `nodes` sees `n` nodes up (180 s). */
export async function waitAllUp(nodes: CassandraNode[], n: number): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (const node of nodes) {
    for (;;) {
      if ((await upCount(node).catch(() => 0)) === n) break;
      if (Date.now() > deadline) throw new Error(`${node.host} does not see ${n} nodes up`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** Kill a node's server with SIGKILL (no shutdown: what a crash does). @returns its PID. */
export function killNode(node: CassandraNode): number {
  const pid = nodePid(node);
  if (!pid) throw new Error(`${node.host} is not running`);
  process.kill(pid, 'SIGKILL');
  return pid;
}

/** Stop every node (clean shutdown), ignoring nodes already down. */
export async function stopCassandraNodes(nodes: CassandraNode[]): Promise<void> {
  for (const n of nodes) await cassandraScript(n, 'stop').catch(() => undefined);
}

/** A block as the leader wrote it: its CID and its bytes. */
export interface WrittenBlock {
  cid: { multihash: { bytes: Uint8Array }; toString(): string };
  bytes: Uint8Array;
}

/**
 * Read every block back from `keyspace` at consistency ALL (every replica answers; a stale
 * one is repaired on the way), 64 at a time, asserting each row's bytes equal the block's.
 * @param contactPoints `host:port` of the nodes. @returns how many were read back (all of them, or it throws).
 */
export async function readBackAtAll(contactPoints: string[], keyspace: string, blocks: WrittenBlock[]): Promise<number> {
  const all = new cassandra.Client({ contactPoints, localDataCenter: 'datacenter1', keyspace, queryOptions: { consistency: cassandra.types.consistencies.all, prepare: true } });
  try {
    let readBack = 0;
    for (let i = 0; i < blocks.length; i += 64) {
      await Promise.all(
        blocks.slice(i, i + 64).map(async (b) => {
          const r = await all.execute('SELECT data FROM blocks WHERE mh = ?', [Buffer.from(b.cid.multihash.bytes)]);
          assert.equal(r.rowLength, 1, `block ${b.cid} at ALL`);
          assert.ok(Buffer.from(r.first().data as Buffer).equals(Buffer.from(b.bytes)), `block ${b.cid} bytes`);
          readBack++;
        }),
      );
    }
    return readBack;
  } finally {
    await all.shutdown();
  }
}
