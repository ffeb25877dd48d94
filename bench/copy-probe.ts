/**
 * `npm run bench:copy`: the server-side cost of writing block rows by `INSERT … unnest`
 * (2,000 rows a statement, the INSERT path of PgBlockstore) against binary COPY
 * (blockstore/pg-copy.ts) of the same rows and batches, interleaved, on one embedded
 * PostgreSQL. Data: a SYNTHETIC mainnet-shaped chain (BENCH_SYNTH_EPOCHS, 600), its
 * distinct blocks. BENCH_ROUNDS (3).
 */
import { join } from 'node:path';
import { createReadStream } from 'node:fs';
import pg from 'pg';
import { CarBlockIterator } from '@ipld/car';
import { writeSynthChain } from './lib/synth-chain.js';
import { startEmbeddedPostgres } from '../store/embedded-postgres.js';
import { silentLogger } from '../common/logger.js';
import { copyInto, encodeCopy } from '../blockstore/pg-copy.js';
import { freePort } from '../test/helpers/cluster.js';
import { scratchDir } from '../test/helpers/tmp.js';

const EPOCHS = Number(process.env.BENCH_SYNTH_EPOCHS ?? 600);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BATCH = 2000;
const dir = scratchDir('copy');
const car = join(dir, 'synth.car');
await writeSynthChain(car, { epochs: EPOCHS, blocksPerTipset: 5, messagesPerBlock: 150 });
const rows: Array<[Buffer, Buffer]> = [];
const seen = new Set<string>();
for await (const b of await CarBlockIterator.fromIterable(createReadStream(car))) {
  const k = Buffer.from(b.cid.multihash.bytes);
  if (seen.has(k.toString('base64'))) continue; // COPY has no ON CONFLICT: distinct rows only
  seen.add(k.toString('base64'));
  rows.push([k, Buffer.from(b.bytes)]);
}
const pgh = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort(), log: silentLogger() });
const client = new pg.Client({ connectionString: pgh.url });
await client.connect();
try {
  await client.query('CREATE TABLE by_insert (mh BYTEA PRIMARY KEY, data BYTEA NOT NULL)');
  await client.query('CREATE TABLE by_copy (mh BYTEA PRIMARY KEY, data BYTEA NOT NULL)');
  const timed = async (table: string, write: (part: Array<[Buffer, Buffer]>) => Promise<unknown>): Promise<number> => {
    await client.query(`TRUNCATE ${table}`);
    const t0 = performance.now();
    for (let i = 0; i < rows.length; i += BATCH) await write(rows.slice(i, i + BATCH));
    return (performance.now() - t0) / 1000;
  };
  process.stdout.write(`bench:copy: ${rows.length} distinct SYNTHETIC block rows (${EPOCHS} epochs), batches of ${BATCH}\n`);
  for (let r = 0; r < ROUNDS; r++) {
    const ins = await timed('by_insert', (part) =>
      client.query({ name: 'ins', text: 'INSERT INTO by_insert (mh, data) SELECT * FROM unnest($1::bytea[], $2::bytea[]) ON CONFLICT (mh) DO NOTHING', values: [part.map((x) => x[0]), part.map((x) => x[1])] }),
    );
    const copy = await timed('by_copy', (part) => copyInto(client, 'by_copy (mh, data)', encodeCopy(['bytea', 'bytea'], part)));
    const staged = await timed('by_copy', async (part) => {
      await client.query('BEGIN');
      await client.query('CREATE TEMP TABLE IF NOT EXISTS staged (mh BYTEA, data BYTEA) ON COMMIT DELETE ROWS');
      await copyInto(client, 'staged (mh, data)', encodeCopy(['bytea', 'bytea'], part));
      await client.query('INSERT INTO by_copy (mh, data) SELECT mh, data FROM staged ON CONFLICT (mh) DO NOTHING');
      await client.query('COMMIT');
    });
    process.stdout.write(
      `round ${r + 1}/${ROUNDS}: INSERT … unnest ${ins.toFixed(2)} s, binary COPY ${copy.toFixed(2)} s (${(ins / copy).toFixed(2)}× faster), ` +
        `COPY into a temp table + INSERT … SELECT ON CONFLICT ${staged.toFixed(2)} s (${(ins / staged).toFixed(2)}× faster)\n`,
    );
  }
} finally {
  await client.end();
  await pgh.stop();
}
