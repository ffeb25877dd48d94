/**
 * `npm run bench:import-profile`: where a snapshot import's time goes, on a small
 * SYNTHETIC mainnet-shaped chain (BENCH_SYNTH_EPOCHS, default 600: ~140 MB): the blocks
 * phase and the indexing phase timed apart, on an embedded PostgreSQL (BENCH_IMPORT_CACHE_MB:
 * the import's block cache, default the import's 256). Run it under
 * `node --cpu-prof` to see the functions. Then the same-run raw baseline of `npm run bench`'s
 * import case (BENCH_RAW=0 skips it). It runs with the young generation `fil-follower import`
 * gives itself (IMPORT_SEMI_SPACE_MB, 64; 0 for Node's default).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { projectPath } from '../common/paths.js';
import { writeSynthChain } from './lib/synth-chain.js';
import { startEmbeddedPostgres } from '../store/embedded-postgres.js';
import { openStore } from '../store/open.js';
import { importCar } from '../leader/import.js';
import { rawIndexRows, rawInsert } from './cases/import.js';
import { silentLogger } from '../common/logger.js';
import { freePort } from '../test/helpers/cluster.js';
import { scratchDir } from '../test/helpers/tmp.js';
import { loadConfig } from '../common/config.js';
import { rerunWithV8Flag } from '../common/runtime.js';

// the young generation `fil-follower import` gives itself (IMPORT_SEMI_SPACE_MB): this process starts again with it
const rerun = rerunWithV8Flag('max-semi-space-size', loadConfig('import', {}).importSemiSpaceMb);
if (rerun) await rerun;

const epochs = Number(process.env.BENCH_SYNTH_EPOCHS ?? 600);
const dir = scratchDir('bench');
// the chain is written once per size and kept under .data/bench (it is deterministic)
mkdirSync(projectPath('.data', 'bench'), { recursive: true });
const car = projectPath('.data', 'bench', `synth-profile-${epochs}.car`);
let synth: { blocks: number; bytes: number };
if (existsSync(`${car}.json`)) synth = JSON.parse(readFileSync(`${car}.json`, 'utf8')) as typeof synth;
else {
  const s = await writeSynthChain(`${car}.tmp`, { epochs, blocksPerTipset: 5, messagesPerBlock: 150 });
  renameSync(`${car}.tmp`, car);
  synth = { blocks: s.blocks, bytes: s.bytes };
  writeFileSync(`${car}.json`, JSON.stringify(synth));
}
process.stdout.write(`SYNTHETIC chain: ${epochs} epochs, ${synth.blocks} blocks, ${(synth.bytes / 2 ** 20).toFixed(0)} MB\n`);
const pgh = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort(), log: silentLogger() });
const store = await openStore(pgh.url, { migrate: true });
// time the index writes apart: the part of the indexing phase the store takes
let writeMs = 0;
let writes = 0;
const apply = store.index.applyHeadChange.bind(store.index);
store.index.applyHeadChange = async (reverts, applies) => {
  const t = performance.now();
  try {
    return await apply(reverts, applies);
  } finally {
    writeMs += performance.now() - t;
    writes++;
  }
};
// a progress line every 15 s: the phase's figures so far and this process's memory (RSS, and
// of it the V8 heap in use and reserved, and ArrayBuffers: block bytes, pg rows)
let peakRss = 0;
const t0 = performance.now();
let carMb = 0;
const ticker = setInterval(() => {
  const m = process.memoryUsage();
  const mb = (n: number): string => (n / 2 ** 20).toFixed(0);
  peakRss = Math.max(peakRss, m.rss / 2 ** 20);
  process.stdout.write(`[${((performance.now() - t0) / 1000).toFixed(0)} s] ${carMb.toFixed(0)} MB of CAR written, ${writes} index writes, RSS ${mb(m.rss)} MB (heap ${mb(m.heapUsed)} of ${mb(m.heapTotal)} MB, ArrayBuffers ${mb(m.arrayBuffers)} MB)\n`);
}, 15_000);
try {
  const s = await importCar(car, store, silentLogger(), { progress: false, onProgress: (p) => (carMb = p.carBytes / 2 ** 20), ...(process.env.BENCH_IMPORT_CACHE_MB ? { cacheBytes: Number(process.env.BENCH_IMPORT_CACHE_MB) << 20 } : {}) });
  clearInterval(ticker);
  process.stdout.write(`import: peak RSS ${peakRss.toFixed(0)} MB (sampled every 15 s); ${s.seconds.toFixed(1)} s; blocks phase ${s.writeSeconds.toFixed(1)} s (${Math.round(s.blocks / s.writeSeconds)} blocks/s); indexing ${(s.seconds - s.writeSeconds).toFixed(1)} s for ${s.tipsets} tipsets (deriving rows ${s.indexDeriveSeconds.toFixed(1)} s, waiting for writes ${s.indexWaitSeconds.toFixed(1)} s), of which ${(writeMs / 1000).toFixed(1)} s in ${writes} index writes\n`);
  const c = new pg.Client({ connectionString: pgh.url });
  await c.connect();
  const counts: string[] = [];
  for (const t of ['blocks', 'tipsets', 'tipset_messages', 'eth_tx_hashes', 'events']) counts.push(`${t} ${(await c.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n}`);
  await c.end();
  const copyStats = (store.blockstore as { copyStats?: { copied: number; conflicts: number } }).copyStats;
  process.stdout.write(`rows: ${counts.join(', ')}; block batches by COPY ${copyStats?.copied ?? '–'}, COPYs that met a stored block ${copyStats?.conflicts ?? '–'}\n`);
  if (process.env.BENCH_RAW !== '0') {
    // the same-run baseline of bench/cases/import.ts: the CAR's rows and the index rows written, by INSERT … unnest
    const raw = await rawInsert(pgh.url, car);
    const idx = await rawIndexRows(pgh.url);
    const rawSecs = raw.seconds + idx.seconds;
    process.stdout.write(`raw bulk INSERT: blocks ${raw.seconds.toFixed(1)} s + index rows ${idx.seconds.toFixed(1)} s (${idx.rows} rows) = ${rawSecs.toFixed(1)} s; ours ${s.seconds.toFixed(1)} s = ${(rawSecs / s.seconds).toFixed(3)}× raw (blocks phase ${(raw.seconds / s.writeSeconds).toFixed(3)}×)\n`);
  }
} finally {
  clearInterval(ticker);
  await store.close();
  await pgh.stop();
}
