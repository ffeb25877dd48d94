/**
 * PostgreSQL / YugabyteDB YSQL blockstore through `pg`: table `blocks(mh, data)`
 * keyed by multihash bytes. Writes are batched multi-row upserts that leave an
 * existing block untouched (`ON CONFLICT DO NOTHING`), so every put is idempotent.
 */
import type pg from 'pg';
import { CID } from '../chain/cid.js';
import type { Block, Blockstore } from './types.js';

/** Options of the SQL blockstore. */
export interface PgBlockstoreOptions {
  /** Max bytes of block data per INSERT statement (default 8 MiB). */
  maxBatchBytes?: number;
  /** Max rows per INSERT statement (default 2000). */
  maxBatchRows?: number;
}

function mh(cid: CID): Buffer {
  const b = cid.multihash.bytes;
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** Blockstore over a `pg` pool. The pool is owned by the caller. */
export class PgBlockstore implements Blockstore {
  private readonly maxBatchBytes: number;
  private readonly maxBatchRows: number;

  constructor(private readonly pool: pg.Pool, opts: PgBlockstoreOptions = {}) {
    this.maxBatchBytes = opts.maxBatchBytes ?? 8 << 20;
    this.maxBatchRows = opts.maxBatchRows ?? 2000;
  }

  async get(cid: CID): Promise<Uint8Array | null> {
    const r = await this.pool.query<{ data: Buffer }>({ name: 'bs_get', text: 'SELECT data FROM blocks WHERE mh = $1', values: [mh(cid)] });
    return r.rows[0] ? new Uint8Array(r.rows[0].data) : null;
  }

  async getMany(cids: CID[]): Promise<Array<Uint8Array | null>> {
    if (cids.length === 0) return [];
    if (cids.length === 1) return [await this.get(cids[0]!)];
    const keys = cids.map(mh);
    const r = await this.pool.query<{ mh: Buffer; data: Buffer }>({
      name: 'bs_get_many',
      text: 'SELECT mh, data FROM blocks WHERE mh = ANY($1::bytea[])',
      values: [keys],
    });
    const found = new Map(r.rows.map((row) => [row.mh.toString('base64'), row.data]));
    return keys.map((k) => {
      const d = found.get(k.toString('base64'));
      return d ? new Uint8Array(d) : null;
    });
  }

  async has(cid: CID): Promise<boolean> {
    const r = await this.pool.query({ name: 'bs_has', text: 'SELECT 1 FROM blocks WHERE mh = $1', values: [mh(cid)] });
    return (r.rowCount ?? 0) > 0;
  }

  async putMany(blocks: Block[]): Promise<void> {
    let keys: Buffer[] = [];
    let datas: Buffer[] = [];
    let bytes = 0;
    const flush = async (): Promise<void> => {
      if (keys.length === 0) return;
      await this.pool.query({
        name: 'bs_put_many',
        text: 'INSERT INTO blocks (mh, data) SELECT * FROM unnest($1::bytea[], $2::bytea[]) ON CONFLICT (mh) DO NOTHING',
        values: [keys, datas],
      });
      keys = [];
      datas = [];
      bytes = 0;
    };
    const seen = new Set<string>();
    for (const b of blocks) {
      const k = mh(b.cid);
      const ks = k.toString('base64');
      if (seen.has(ks)) continue; // one statement may not touch a row twice
      seen.add(ks);
      keys.push(k);
      datas.push(Buffer.from(b.bytes.buffer, b.bytes.byteOffset, b.bytes.byteLength));
      bytes += b.bytes.length;
      if (bytes >= this.maxBatchBytes || keys.length >= this.maxBatchRows) await flush();
    }
    await flush();
  }

  async close(): Promise<void> {}
}
