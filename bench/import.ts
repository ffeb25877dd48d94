/**
 * `npm run bench:import`: snapshot import throughput (blocks/s) of `fil-follower
 * import`'s code path (streaming CAR read, hash check of every block, batched
 * putMany) next to a raw bulk insert of the same (multihash, bytes) rows with the
 * same batch size through `pg` in the same run, on the same embedded PostgreSQL.
 * Data: real mainnet-h0-341.car (8,475 blocks). Env: BENCH_ROUNDS (default 3).
 */
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { fixture } from '../common/paths.js';
import { startEmbeddedPostgres } from '../store/embedded-postgres.js';
import { openStore } from '../store/open.js';
import { silentLogger } from '../common/logger.js';
import { loadCar } from '../blockstore/car.js';
import { importCar } from '../leader/import.js';
import { freePort } from '../test/helpers/cluster.js';
import { scratchDir } from '../test/helpers/tmp.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CAR = fixture('chain', 'mainnet-h0-341.car');
process.stdout.write(`bench:import on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; data: mainnet-h0-341.car (real)\n`);
const pgh = await startEmbeddedPostgres({ dataDir: join(scratchDir('bench'), 'pg'), port: await freePort(), log: silentLogger() });
const store = await openStore(pgh.url, { migrate: true });
const raw = new pg.Pool({ connectionString: pgh.url, max: 2 });
await raw.query('CREATE TABLE IF NOT EXISTS raw_blocks (mh BYTEA PRIMARY KEY, data BYTEA NOT NULL)');
const car = await loadCar(CAR);
const rows = [...car.blocks.values()].map((b) => [Buffer.from(b.cid.multihash.bytes), Buffer.from(b.bytes)] as const);
const reset = async (): Promise<void> => {
  await raw.query('TRUNCATE blocks, tipsets, tipset_messages, head, imports, raw_blocks');
};
const results: { ours: number[]; write: number[]; raw: number[] } = { ours: [], write: [], raw: [] };
for (let r = 0; r < ROUNDS; r++) {
  await reset();
  process.stdout.write(`  round ${r + 1}/${ROUNDS}: import…`);
  let t = process.hrtime.bigint();
  const s = await importCar(CAR, store, silentLogger(), { progress: false });
  const oursSecs = Number(process.hrtime.bigint() - t) / 1e9;
  results.ours.push(s.blocks / oursSecs);
  results.write.push(s.blocks / s.writeSeconds);
  process.stdout.write(` raw insert…`);
  t = process.hrtime.bigint();
  for (let i = 0; i < rows.length; i += 2000) {
    const part = rows.slice(i, i + 2000);
    await raw.query('INSERT INTO raw_blocks (mh, data) SELECT * FROM unnest($1::bytea[], $2::bytea[]) ON CONFLICT (mh) DO NOTHING', [part.map((x) => x[0]), part.map((x) => x[1])]);
  }
  const rawSecs = Number(process.hrtime.bigint() - t) / 1e9;
  results.raw.push(rows.length / rawSecs);
  process.stdout.write(` done\n`);
}
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const ours = median(results.ours);
const write = median(results.write);
const rawRate = median(results.raw);
process.stdout.write(
  `\n| path | blocks/s (median of ${ROUNDS}) | ratio to raw |\n|---|---:|---:|\n` +
    `| raw bulk INSERT (same rows, same batches) | ${Math.round(rawRate)} | 1.000 |\n` +
    `| fil-follower import, blocks phase (stream + zstd + blake2b check + write) | ${Math.round(write)} | ${(write / rawRate).toFixed(3)} |\n` +
    `| fil-follower import, whole (+ index 319 tipsets and their messages, set head) | ${Math.round(ours)} | ${(ours / rawRate).toFixed(3)} |\n`,
);
await raw.end();
await store.close();
await pgh.stop();
