/**
 * Blockstore on Apache Cassandra / YugabyteDB YCQL (`blocks(mh, data)`, keyed by
 * multihash). Prepared statements at the configured consistency; writes and multi
 * reads go out concurrently (one partition per block, so no multi-partition batches).
 * An INSERT of an existing block rewrites identical bytes: idempotent.
 */
import type cassandra from 'cassandra-driver';
import { CID } from '../chain/cid.js';
import type { Block, Blockstore } from './types.js';

/** Run `f` over `items` with at most `limit` in flight, keeping order. */
export async function mapLimit<T, R>(items: T[], limit: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let i = 0;
  const worker = async (): Promise<void> => {
    while (i < items.length) {
      const k = i++;
      out[k] = await f(items[k]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function mh(cid: CID): Buffer {
  const b = cid.multihash.bytes;
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** Blockstore over a cassandra-driver client (owned by the caller). */
export class CqlBlockstore implements Blockstore {
  constructor(private readonly client: cassandra.Client, private readonly concurrency = 64) {}

  async get(cid: CID): Promise<Uint8Array | null> {
    const r = await this.client.execute('SELECT data FROM blocks WHERE mh = ?', [mh(cid)]);
    const row = r.first();
    return row ? new Uint8Array(row.data as Buffer) : null;
  }

  async getMany(cids: CID[]): Promise<Array<Uint8Array | null>> {
    return mapLimit(cids, this.concurrency, (c) => this.get(c));
  }

  async has(cid: CID): Promise<boolean> {
    const r = await this.client.execute('SELECT mh FROM blocks WHERE mh = ?', [mh(cid)]);
    return r.rowLength > 0;
  }

  async putMany(blocks: Block[]): Promise<void> {
    await mapLimit(blocks, this.concurrency, (b) => this.client.execute('INSERT INTO blocks (mh, data) VALUES (?, ?)', [mh(b.cid), Buffer.from(b.bytes)]));
  }

  async close(): Promise<void> {}
}
