/**
 * Snapshot import against a raw bulk insert of the same rows: the SYNTHETIC chain's CAR
 * imported by `importCar` (streaming read, blake2b check of every block, batched writes,
 * then indexing tipsets and messages and setting the head), and the same CAR's
 * (multihash, bytes) rows streamed into a bare two-column table with the same statement
 * shape and batch size (2,000 rows) through `pg`, on the same embedded PostgreSQL, in the
 * same run. Rate (CAR MB/s) and the driver's RSS are sampled every second.
 */
import { createReadStream } from 'node:fs';
import pg from 'pg';
import { CarBlockIterator } from '@ipld/car';
import type { Store } from '../../store/open.js';
import { importCar } from '../../leader/import.js';
import { silentLogger } from '../../common/logger.js';

/** One import run's figures. */
export interface ImportRun {
  name: string;
  seconds: number;
  /** Of which writing blocks (ours: before indexing; raw: all). */
  blockSeconds: number;
  blocks: number;
  carBytes: number;
  /** Per second: t (s), MB of CAR read so far, RSS MB. */
  samples: Array<{ t: number; mb: number; rss: number }>;
}

/** Sample `read()` (CAR bytes so far) and RSS every second until `stop`. */
function sampler(read: () => number): { samples: ImportRun['samples']; stop(): void } {
  const t0 = performance.now();
  const samples: ImportRun['samples'] = [];
  const take = (): void => {
    samples.push({ t: (performance.now() - t0) / 1000, mb: read() / 2 ** 20, rss: process.memoryUsage().rss / 2 ** 20 });
  };
  take();
  const timer = setInterval(take, 1000);
  return { samples, stop: () => (clearInterval(timer), take()) };
}

/** Raw: the CAR's rows into `raw_blocks` with INSERT … unnest, 2,000 rows a statement. */
export async function rawInsert(url: string, car: string): Promise<ImportRun> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await pool.query('CREATE TABLE IF NOT EXISTS raw_blocks (mh BYTEA PRIMARY KEY, data BYTEA NOT NULL)');
    await pool.query('TRUNCATE raw_blocks');
    let bytes = 0;
    let blocks = 0;
    const s = sampler(() => bytes);
    const t0 = performance.now();
    let keys: Buffer[] = [];
    let datas: Buffer[] = [];
    const flush = async (): Promise<void> => {
      if (keys.length === 0) return;
      await pool.query({ name: 'raw_put', text: 'INSERT INTO raw_blocks (mh, data) SELECT * FROM unnest($1::bytea[], $2::bytea[]) ON CONFLICT (mh) DO NOTHING', values: [keys, datas] });
      keys = [];
      datas = [];
    };
    const seen = new Set<string>();
    for await (const b of await CarBlockIterator.fromIterable(createReadStream(car))) {
      const k = Buffer.from(b.cid.multihash.bytes);
      bytes += b.bytes.length;
      blocks++;
      const ks = k.toString('base64');
      if (seen.has(ks)) continue;
      seen.add(ks);
      keys.push(k);
      datas.push(Buffer.from(b.bytes.buffer, b.bytes.byteOffset, b.bytes.byteLength));
      if (keys.length >= 2000) {
        await flush();
        seen.clear();
      }
    }
    await flush();
    const seconds = (performance.now() - t0) / 1000;
    s.stop();
    return { name: 'raw bulk INSERT (same rows, 2,000 a statement)', seconds, blockSeconds: seconds, blocks, carBytes: bytes, samples: s.samples };
  } finally {
    await pool.end();
  }
}

/**
 * Raw, the index rows: the tipsets and tipset_messages rows the import wrote, read back in
 * pages of 2,000 (untimed) and bulk inserted (timed: the INSERT statements only) into bare
 * copies of those tables with the same keys and indexes (`LIKE … INCLUDING ALL`), with
 * INSERT … unnest as for the block rows. Run after `oursImport`, whose rows it copies.
 * @returns seconds spent in the INSERTs, and the rows inserted
 */
export async function rawIndexRows(url: string): Promise<{ seconds: number; rows: number }> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const reader = await pool.connect();
  try {
    let seconds = 0;
    let rows = 0;
    const tables = [
      { from: 'tipsets', to: 'raw_tipsets', cols: ['tipset_key_cid', 'tipset_key', 'height', 'parent_key_cid'], types: ['bytea', 'bytea', 'bigint', 'bytea'] },
      { from: 'tipset_messages', to: 'raw_tipset_messages', cols: ['tipset_key_cid', 'height', 'message_index', 'message_cid'], types: ['bytea', 'bigint', 'int', 'bytea'] },
    ];
    for (const t of tables) {
      await pool.query(`CREATE TABLE IF NOT EXISTS ${t.to} (LIKE ${t.from} INCLUDING ALL)`);
      await pool.query(`TRUNCATE ${t.to}`);
      const insert = `INSERT INTO ${t.to} (${t.cols.join(', ')}) SELECT * FROM unnest(${t.types.map((ty, i) => `$${i + 1}::${ty}[]`).join(', ')}) ON CONFLICT DO NOTHING`;
      await reader.query('BEGIN');
      await reader.query(`DECLARE rows CURSOR FOR SELECT ${t.cols.join(', ')} FROM ${t.from}`);
      for (;;) {
        const page = (await reader.query({ text: 'FETCH 2000 FROM rows', rowMode: 'array' })).rows as unknown[][];
        if (page.length === 0) break;
        const t0 = performance.now();
        await pool.query({ name: `raw_${t.to}`, text: insert, values: t.cols.map((_, j) => page.map((r) => r[j])) });
        seconds += (performance.now() - t0) / 1000;
        rows += page.length;
      }
      await reader.query('COMMIT');
    }
    return { seconds, rows };
  } finally {
    reader.release();
    await pool.end();
  }
}

/** Ours: `importCar` into an emptied store. */
export async function oursImport(store: Store, url: string, car: string): Promise<ImportRun> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  await pool.query('TRUNCATE blocks, tipsets, tipset_messages, head, imports');
  await pool.end();
  let bytes = 0;
  const s = sampler(() => bytes);
  const t0 = performance.now();
  const sum = await importCar(car, store, silentLogger(), { progress: false, onProgress: (p) => (bytes = p.carBytes) });
  const seconds = (performance.now() - t0) / 1000;
  s.stop();
  return { name: 'fil-follower import (verify every block, write, index, set head)', seconds, blockSeconds: sum.writeSeconds, blocks: sum.blocks, carBytes: sum.carBytes, samples: s.samples };
}
