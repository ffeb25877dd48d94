/**
 * `npm run bench:store`: blockstore put and get throughput (blocks/s) and get p99
 * latency per backend, next to the raw driver running the same statements in the
 * same run: `pg` for PostgreSQL (embedded), `cassandra-driver` for Cassandra (when
 * CASSANDRA_URL is set). Data: the real blocks of mainnet-h0-341.car (8,475 blocks,
 * 2.8 MB). Env: BENCH_ROUNDS (default 3), CASSANDRA_URL.
 */
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { fixture } from '../common/paths.js';
import { startEmbeddedPostgres } from '../store/embedded-postgres.js';
import { openStore } from '../store/open.js';
import { cqlClient, parseCqlUrl } from '../store/cql.js';
import { silentLogger } from '../common/logger.js';
import { loadCar } from '../blockstore/car.js';
import { mapLimit } from '../blockstore/cassandra.js';
import { freePort } from '../test/helpers/cluster.js';
import { scratchDir } from '../test/helpers/tmp.js';
import type { Block } from '../blockstore/types.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const car = await loadCar(fixture('chain', 'mainnet-h0-341.car'));
const blocks: Block[] = [...car.blocks.values()];
const keys = blocks.map((b) => Buffer.from(b.cid.multihash.bytes));
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const p99 = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length * 0.99)]!;

interface Ops {
  put(): Promise<void>;
  /** One get per block, 32 in flight; returns per-request latencies (ms). */
  gets(): Promise<number[]>;
  reset(): Promise<void>;
}
async function timeGets(get: (i: number) => Promise<unknown>): Promise<number[]> {
  const lat: number[] = [];
  await mapLimit(blocks.map((_, i) => i), 32, async (i) => {
    const t = process.hrtime.bigint();
    await get(i);
    lat.push(Number(process.hrtime.bigint() - t) / 1e6);
  });
  return lat;
}
async function measure(name: string, ours: Ops, raw: Ops): Promise<string[]> {
  const r = { oursPut: [] as number[], rawPut: [] as number[], oursGet: [] as number[], rawGet: [] as number[], oursP99: [] as number[], rawP99: [] as number[] };
  for (let i = 0; i < ROUNDS; i++) {
    process.stdout.write(`  ${name} round ${i + 1}/${ROUNDS}\n`);
    for (const [ops, put, get, p] of [[ours, r.oursPut, r.oursGet, r.oursP99], [raw, r.rawPut, r.rawGet, r.rawP99]] as const) {
      await ops.reset();
      let t = process.hrtime.bigint();
      await ops.put();
      put.push(blocks.length / (Number(process.hrtime.bigint() - t) / 1e9));
      t = process.hrtime.bigint();
      const lat = await ops.gets();
      get.push(blocks.length / (Number(process.hrtime.bigint() - t) / 1e9));
      p.push(p99(lat));
    }
  }
  const f = (x: number): string => Math.round(x).toString();
  return [
    `| ${name} | put | ${f(median(r.oursPut))} | ${f(median(r.rawPut))} | ${(median(r.oursPut) / median(r.rawPut)).toFixed(3)} | |`,
    `| ${name} | get | ${f(median(r.oursGet))} | ${f(median(r.rawGet))} | ${(median(r.oursGet) / median(r.rawGet)).toFixed(3)} | ${median(r.oursP99).toFixed(2)} / ${median(r.rawP99).toFixed(2)} |`,
  ];
}

process.stdout.write(`bench:store on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; data: mainnet-h0-341.car (real, ${blocks.length} blocks)\n`);
const rows: string[] = [];

// PostgreSQL
const pgh = await startEmbeddedPostgres({ dataDir: join(scratchDir('bstore'), 'pg'), port: await freePort(), log: silentLogger() });
const store = await openStore(pgh.url, { migrate: true, poolSize: 8 });
const pool = new pg.Pool({ connectionString: pgh.url, max: 8 });
await pool.query('CREATE TABLE IF NOT EXISTS raw_blocks (mh BYTEA PRIMARY KEY, data BYTEA NOT NULL)');
rows.push(
  ...(await measure(
    'postgres',
    {
      reset: async () => void (await pool.query('TRUNCATE blocks')),
      put: () => store.blockstore.putMany(blocks),
      gets: () => timeGets((i) => store.blockstore.get(blocks[i]!.cid)),
    },
    {
      reset: async () => void (await pool.query('TRUNCATE raw_blocks')),
      put: async () => {
        for (let i = 0; i < blocks.length; i += 2000) {
          const part = blocks.slice(i, i + 2000);
          await pool.query('INSERT INTO raw_blocks (mh, data) SELECT * FROM unnest($1::bytea[], $2::bytea[]) ON CONFLICT (mh) DO NOTHING', [keys.slice(i, i + 2000), part.map((b) => Buffer.from(b.bytes))]);
        }
      },
      gets: () => timeGets((i) => pool.query({ name: 'raw_get', text: 'SELECT data FROM raw_blocks WHERE mh = $1', values: [keys[i]] })),
    },
  )),
);
await pool.end();
await store.close();
await pgh.stop();

// Cassandra
if (process.env.CASSANDRA_URL) {
  const url = process.env.CASSANDRA_URL.replace(/\/([A-Za-z_][A-Za-z0-9_]*)(\?|$)/, `/bench_${process.pid}$2`);
  const cstore = await openStore(url, { migrate: true });
  const s = parseCqlUrl(url);
  const client = cqlClient(s, s.keyspace);
  await client.execute('CREATE TABLE IF NOT EXISTS raw_blocks (mh blob PRIMARY KEY, data blob)');
  rows.push(
    ...(await measure(
      `cassandra (${s.consistencyName})`,
      {
        reset: async () => void (await client.execute('TRUNCATE blocks')),
        put: () => cstore.blockstore.putMany(blocks),
        gets: () => timeGets((i) => cstore.blockstore.get(blocks[i]!.cid)),
      },
      {
        reset: async () => void (await client.execute('TRUNCATE raw_blocks')),
        put: async () => void (await mapLimit(blocks, 64, (b) => client.execute('INSERT INTO raw_blocks (mh, data) VALUES (?, ?)', [Buffer.from(b.cid.multihash.bytes), Buffer.from(b.bytes)], { prepare: true }))),
        gets: () => timeGets((i) => client.execute('SELECT data FROM raw_blocks WHERE mh = ?', [keys[i]], { prepare: true })),
      },
    )),
  );
  await client.execute(`DROP KEYSPACE ${s.keyspace}`);
  await client.shutdown();
  await cstore.close();
}
process.stdout.write(`\n| backend | op | ours blocks/s | raw driver blocks/s | ratio | get p99 ms ours / raw |\n|---|---|---:|---:|---:|---:|\n${rows.join('\n')}\n`);
