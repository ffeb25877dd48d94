/**
 * `npm run bench:getlogs`: eth_getLogs over a 2,880-epoch range of a SYNTHETIC FEVM
 * chain with ~100,000 events (synth/fevm-chain.ts, `eventsPerEpoch`), served by a
 * follower over HTTP from an embedded PostgreSQL, next to the raw SQL query that
 * reads the same rows with `pg` in the same process (the baseline). Every answer is
 * checked against a brute-force scan of the generator's manifest before it is timed.
 * Queries: the whole range by address (every event), the whole range by a topic
 * that matches one event (t3), by the Transfer signature (t1, indexed), and one epoch.
 * Env: GETLOGS_EPOCHS (2900), GETLOGS_EVENTS_PER_EPOCH (35), GETLOGS_RUNS (20).
 */
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../store/embedded-postgres.js';
import { openStore } from '../store/open.js';
import { silentLogger } from '../common/logger.js';
import { loadConfig } from '../common/config.js';
import { importCar } from '../leader/import.js';
import { runFollower } from '../follower/main.js';
import { writeSyntheticFevm } from '../synth/write.js';
import { freePort } from '../test/helpers/cluster.js';
import { scratchDir } from '../test/helpers/tmp.js';

const EPOCHS = Number(process.env.GETLOGS_EPOCHS ?? 2900);
const PER_EPOCH = Number(process.env.GETLOGS_EVENTS_PER_EPOCH ?? 35);
const RUNS = Number(process.env.GETLOGS_RUNS ?? 20);
const RANGE = 2880;
const pct = (a: number[], p: number): number => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * p))]!;
const hex = (n: number): string => `0x${n.toString(16)}`;

const dir = scratchDir('getlogs');
process.stdout.write(`SYNTHETIC chain: ${EPOCHS} epochs, ${PER_EPOCH} extra events per epoch\n`);
const files = await writeSyntheticFevm(join(dir, 'synth'), { epochs: EPOCHS, eventsPerEpoch: PER_EPOCH, forkDepth: 0 });
const m = files.manifestData;
const pgh = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort(), log: silentLogger() });
const store = await openStore(pgh.url, { migrate: true });
await importCar(files.car, store, silentLogger());
const port = await freePort();
const cfg = loadConfig('follower', { port: String(port), headPollMs: '100', ethMaxFilterResults: '1000000', ethMaxFilterHeightRange: String(RANGE) }, {});
cfg.leaderUrl = undefined;
const followerStore = await openStore(pgh.url);
const follower = await runFollower(cfg, followerStore, silentLogger());
const url = `http://127.0.0.1:${port}/rpc/v1`;
const call = async (method: string, params: unknown[]): Promise<any> => {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
  const body = (await r.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
};
for (;;) {
  if (Number(await call('eth_blockNumber', [])) === m.head.height - 1) break;
  await new Promise((r) => setTimeout(r, 200));
}
const latest = m.head.height - 1;
const from = Math.max(0, latest - RANGE);
const inRange = m.txs.filter((t) => t.height >= from && t.height <= latest).sort((a, b) => a.height - b.height || a.index - b.index).flatMap((t) => t.logs.map((l) => ({ ...l, height: t.height })));
const noted = inRange.filter((l) => l.topics.length === 4);
const rare = noted[Math.floor(noted.length / 2)]!.topics[2]!;
const transferSig = inRange.find((l) => l.topics.length === 3)!.topics[0]!;
const oneEpoch = inRange[Math.floor(inRange.length / 3)]!.height;
const token = Buffer.concat([Buffer.from([4, 10]), Buffer.from(m.token.address.slice(2), 'hex')]);

const raw = new pg.Pool({ connectionString: pgh.url, max: 2 });
const sql = (extra: string, values: unknown[], lo = from, hi = latest) =>
  raw.query(
    `SELECT t.tipset_key, e.height, e.message_index, e.event_index, e.message_cid, e.emitter_id, e.emitter_addr, e.entries
     FROM events e JOIN tipsets t ON t.tipset_key_cid = e.tipset_key_cid
     WHERE NOT e.reverted AND e.height BETWEEN $1 AND $2 ${extra} ORDER BY e.height, e.message_index, e.event_index`,
    [lo, hi, ...values],
  );
const cases = [
  { name: `${latest - from + 1} epochs, by address (every event)`, spec: { fromBlock: hex(from), toBlock: 'latest', address: m.token.address }, want: inRange, sql: () => sql('AND e.emitter_addr = $3', [token]) },
  { name: `${latest - from + 1} epochs, by t3 (1 event)`, spec: { fromBlock: hex(from), toBlock: 'latest', topics: [null, null, rare] }, want: inRange.filter((l) => l.topics[2] === rare), sql: () => sql('AND e.t3 = $3', [Buffer.from(rare.slice(2), 'hex')]) },
  { name: `${latest - from + 1} epochs, by t1 = Transfer`, spec: { fromBlock: hex(from), toBlock: 'latest', topics: [transferSig] }, want: inRange.filter((l) => l.topics[0] === transferSig), sql: () => sql('AND e.t1 = $3', [Buffer.from(transferSig.slice(2), 'hex')]) },
  { name: '1 epoch', spec: { fromBlock: hex(oneEpoch), toBlock: hex(oneEpoch) }, want: inRange.filter((l) => l.height === oneEpoch), sql: () => sql('', [], oneEpoch, oneEpoch) },
];
// correctness first: each answer equals the brute-force scan of the manifest, and the SQL row count
for (const c of cases) {
  const got = (await call('eth_getLogs', [c.spec])) as Array<{ topics: string[]; data: string; blockNumber: string }>;
  const key = (l: { topics: string[]; data: string }, h: number) => `${h}|${l.topics.join()}|${l.data}`;
  const a = got.map((l) => key(l, Number(l.blockNumber)));
  const b = c.want.map((l) => key(l, l.height));
  if (a.length !== b.length || a.some((x, i) => x !== b[i])) throw new Error(`${c.name}: ${a.length} logs, brute force ${b.length}`);
  const rows = (await c.sql()).rowCount;
  if (rows !== b.length) throw new Error(`${c.name}: SQL ${rows} rows, brute force ${b.length}`);
  process.stdout.write(`  checked: ${c.name}: ${b.length} logs = brute force = SQL rows\n`);
}
const lat = cases.map(() => ({ ours: [] as number[], sql: [] as number[] }));
for (let r = 0; r < RUNS; r++) {
  process.stdout.write(`\r  run ${r + 1}/${RUNS}`);
  for (const [i, c] of cases.entries()) {
    let t = process.hrtime.bigint();
    await call('eth_getLogs', [c.spec]);
    lat[i]!.ours.push(Number(process.hrtime.bigint() - t) / 1e6);
    t = process.hrtime.bigint();
    await c.sql();
    lat[i]!.sql.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
}
process.stdout.write('\n');
const events = m.events;
const lines = [
  `eth_getLogs on a SYNTHETIC chain: ${EPOCHS} epochs, ${events.toLocaleString('en-US')} events (${inRange.length.toLocaleString('en-US')} in the ${RANGE + 1}-epoch range); PostgreSQL embedded; ${RUNS} interleaved runs; ${os.cpus().length} cores`,
  '| query | results | eth_getLogs p50 ms | p99 ms | raw SQL p50 ms | p99 ms | p50 ratio |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...cases.map((c, i) => {
    const o = lat[i]!;
    return `| ${c.name} | ${c.want.length.toLocaleString('en-US')} | ${pct(o.ours, 0.5).toFixed(1)} | ${pct(o.ours, 0.99).toFixed(1)} | ${pct(o.sql, 0.5).toFixed(1)} | ${pct(o.sql, 0.99).toFixed(1)} | ${(pct(o.ours, 0.5) / pct(o.sql, 0.5)).toFixed(2)}× |`;
  }),
];
process.stdout.write(`${lines.join('\n')}\n`);
await raw.end();
await follower.stop();
await followerStore.close();
await store.close();
await pgh.stop();
