/**
 * The chain index on PostgreSQL / YugabyteDB YSQL (tables in migrations/postgres).
 */
import type pg from 'pg';
import type { CID } from '../chain/cid.js';
import { type TipSet, tipSetKeyBytes, tipSetKeyCid, tipSetKeyFromBytes } from '../chain/tipset.js';
import type { ChainIndex, HeadRow, IndexedTipSet } from './types.js';

function buf(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** ChainIndex over a `pg` pool (owned by the caller). */
export class PgChainIndex implements ChainIndex {
  constructor(private readonly pool: pg.Pool) {}

  async applyHeadChange(reverts: TipSet[], applies: TipSet[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      if (reverts.length > 0) {
        await client.query('UPDATE tipsets SET reverted = TRUE WHERE tipset_key_cid = ANY($1::bytea[])', [reverts.map((t) => buf(t.keyCid.bytes))]);
      }
      for (const ts of applies) {
        const k = buf(ts.keyCid.bytes);
        await client.query('UPDATE tipsets SET reverted = TRUE WHERE height = $1 AND NOT reverted AND tipset_key_cid <> $2', [ts.height, k]);
        await client.query(
          `INSERT INTO tipsets (tipset_key_cid, tipset_key, height, parent_key_cid, reverted)
           VALUES ($1, $2, $3, $4, FALSE)
           ON CONFLICT (tipset_key_cid) DO UPDATE SET reverted = FALSE`,
          [k, buf(tipSetKeyBytes(ts.key)), ts.height, buf(tipSetKeyCid(ts.parents).bytes)],
        );
      }
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  async setHead(ts: TipSet): Promise<void> {
    await this.pool.query(
      `INSERT INTO head (id, tipset_key, height, updated_at) VALUES (1, $1, $2, now())
       ON CONFLICT (id) DO UPDATE SET tipset_key = EXCLUDED.tipset_key, height = EXCLUDED.height, updated_at = EXCLUDED.updated_at`,
      [buf(tipSetKeyBytes(ts.key)), ts.height],
    );
  }

  async getHead(): Promise<HeadRow | null> {
    const r = await this.pool.query<{ tipset_key: Buffer; height: string; updated_at: Date }>({
      name: 'idx_head',
      text: 'SELECT tipset_key, height, updated_at FROM head WHERE id = 1',
    });
    const row = r.rows[0];
    return row ? { key: tipSetKeyFromBytes(row.tipset_key), height: Number(row.height), updatedAt: row.updated_at.getTime() } : null;
  }

  async canonicalAt(height: number, dir: 'before' | 'after'): Promise<IndexedTipSet | null> {
    const text =
      dir === 'before'
        ? 'SELECT tipset_key, height FROM tipsets WHERE height <= $1 AND NOT reverted ORDER BY height DESC LIMIT 1'
        : 'SELECT tipset_key, height FROM tipsets WHERE height >= $1 AND NOT reverted ORDER BY height ASC LIMIT 1';
    const r = await this.pool.query<{ tipset_key: Buffer; height: string }>({ name: `idx_at_${dir}`, text, values: [height] });
    const row = r.rows[0];
    return row ? { key: tipSetKeyFromBytes(row.tipset_key), height: Number(row.height) } : null;
  }

  async isCanonical(keyCid: CID): Promise<boolean> {
    const r = await this.pool.query({ name: 'idx_is_canon', text: 'SELECT 1 FROM tipsets WHERE tipset_key_cid = $1 AND NOT reverted', values: [buf(keyCid.bytes)] });
    return (r.rowCount ?? 0) > 0;
  }

  async close(): Promise<void> {}
}
