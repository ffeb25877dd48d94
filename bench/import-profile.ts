/**
 * `npm run bench:import-profile`: where a snapshot import's time goes, on a small
 * SYNTHETIC mainnet-shaped chain (BENCH_SYNTH_EPOCHS, default 600: ~140 MB): the blocks
 * phase and the indexing phase timed apart, on an embedded PostgreSQL. Run it under
 * `node --cpu-prof` to see the functions.
 */
import { join } from 'node:path';
import pg from 'pg';
import { writeSynthChain } from './lib/synth-chain.js';
import { startEmbeddedPostgres } from '../store/embedded-postgres.js';
import { openStore } from '../store/open.js';
import { importCar } from '../leader/import.js';
import { silentLogger } from '../common/logger.js';
import { freePort } from '../test/helpers/cluster.js';
import { scratchDir } from '../test/helpers/tmp.js';

const epochs = Number(process.env.BENCH_SYNTH_EPOCHS ?? 600);
const dir = scratchDir('bench');
const car = join(dir, 'synth.car');
const synth = await writeSynthChain(car, { epochs, blocksPerTipset: 5, messagesPerBlock: 150 });
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
try {
  const s = await importCar(car, store, silentLogger(), { progress: false });
  process.stdout.write(`import: ${s.seconds.toFixed(1)} s; blocks phase ${s.writeSeconds.toFixed(1)} s (${Math.round(s.blocks / s.writeSeconds)} blocks/s); indexing ${(s.seconds - s.writeSeconds).toFixed(1)} s for ${s.tipsets} tipsets, of which ${(writeMs / 1000).toFixed(1)} s in ${writes} index writes\n`);
  const c = new pg.Client({ connectionString: pgh.url });
  await c.connect();
  const counts: string[] = [];
  for (const t of ['blocks', 'tipsets', 'tipset_messages', 'eth_tx_hashes', 'events']) counts.push(`${t} ${(await c.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n}`);
  await c.end();
  const copyStats = (store.blockstore as { copyStats?: { copied: number; conflicts: number } }).copyStats;
  process.stdout.write(`rows: ${counts.join(', ')}; block batches by COPY ${copyStats?.copied ?? '–'}, COPYs that met a stored block ${copyStats?.conflicts ?? '–'}\n`);
} finally {
  await store.close();
  await pgh.stop();
}
