/**
 * The chain index on PostgreSQL / YugabyteDB YSQL (tables in migrations/postgres).
 */
import type pg from 'pg';
import type { CID } from '../chain/cid.js';
import { type TipSet, type TipSetKey, tipSetKeyBytes, tipSetKeyCid, tipSetKeyFromBytes } from '../chain/tipset.js';
import type { AppliedTipSet, ChainIndex, HeadRow, IndexedTipSet, MessageInclusion } from './types.js';

function buf(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** ChainIndex over a `pg` pool (owned by the caller). */
export class PgChainIndex implements ChainIndex {
  constructor(private readonly pool: pg.Pool) {}

  async applyHeadChange(reverts: TipSet[], applies: AppliedTipSet[]): Promise<void> {
    const client = await this.pool.connect();
    // a checked-out client emits 'error' when the server goes away; unheard, that would crash the process
    const onError = (): void => undefined;
    client.on('error', onError);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      if (reverts.length > 0) {
        const keys = reverts.map((t) => buf(t.keyCid.bytes));
        await client.query('UPDATE tipsets SET reverted = TRUE WHERE tipset_key_cid = ANY($1::bytea[])', [keys]);
        await client.query('UPDATE tipset_messages SET reverted = TRUE WHERE tipset_key_cid = ANY($1::bytea[])', [keys]);
      }
      for (const { tipset: ts, messages } of applies) {
        const k = buf(ts.keyCid.bytes);
        const displaced = await client.query<{ tipset_key_cid: Buffer }>(
          'UPDATE tipsets SET reverted = TRUE WHERE height = $1 AND NOT reverted AND tipset_key_cid <> $2 RETURNING tipset_key_cid',
          [ts.height, k],
        );
        if (displaced.rows.length > 0) {
          await client.query('UPDATE tipset_messages SET reverted = TRUE WHERE tipset_key_cid = ANY($1::bytea[])', [displaced.rows.map((r) => r.tipset_key_cid)]);
        }
        await client.query(
          `INSERT INTO tipsets (tipset_key_cid, tipset_key, height, parent_key_cid, reverted)
           VALUES ($1, $2, $3, $4, FALSE)
           ON CONFLICT (tipset_key_cid) DO UPDATE SET reverted = FALSE`,
          [k, buf(tipSetKeyBytes(ts.key)), ts.height, buf(tipSetKeyCid(ts.parents).bytes)],
        );
        if (messages === null) continue; // messages unknown: leave the tipset's messages unindexed
        const idx = messages.length === 0 ? [-1] : messages.map((_, i) => i);
        const cids = messages.length === 0 ? [null] : messages.map((c) => buf(c.bytes));
        await client.query(
          `INSERT INTO tipset_messages (tipset_key_cid, height, message_index, message_cid, reverted)
           SELECT $1, $2, i, c, FALSE FROM unnest($3::int[], $4::bytea[]) AS t(i, c)
           ON CONFLICT (tipset_key_cid, message_index) DO UPDATE SET reverted = FALSE`,
          [k, ts.height, idx, cids],
        );
      }
      await client.query('COMMIT');
    } catch (e) {
      broken = e as Error;
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.off('error', onError);
      client.release(broken); // a client that failed is discarded, not reused
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

  async messageInclusions(messageCid: CID): Promise<MessageInclusion[]> {
    const r = await this.pool.query<{ tipset_key: Buffer; height: string; message_index: number }>({
      name: 'idx_msg_incl',
      text: `SELECT t.tipset_key, m.height, m.message_index FROM tipset_messages m JOIN tipsets t ON t.tipset_key_cid = m.tipset_key_cid
             WHERE m.message_cid = $1 AND NOT m.reverted ORDER BY m.height DESC`,
      values: [buf(messageCid.bytes)],
    });
    return r.rows.map((row) => ({ key: tipSetKeyFromBytes(row.tipset_key), height: Number(row.height), index: row.message_index }));
  }

  async canonicalChild(keyCid: CID): Promise<IndexedTipSet | null> {
    const r = await this.pool.query<{ tipset_key: Buffer; height: string }>({
      name: 'idx_child',
      text: 'SELECT tipset_key, height FROM tipsets WHERE parent_key_cid = $1 AND NOT reverted ORDER BY height ASC LIMIT 1',
      values: [buf(keyCid.bytes)],
    });
    const row = r.rows[0];
    return row ? { key: tipSetKeyFromBytes(row.tipset_key), height: Number(row.height) } : null;
  }

  async importStarted(path: string): Promise<string> {
    const r = await this.pool.query<{ id: string }>('INSERT INTO imports (path) VALUES ($1) RETURNING id', [path]);
    return String(r.rows[0]!.id);
  }

  async importFinished(id: string, blocks: number): Promise<void> {
    await this.pool.query('UPDATE imports SET finished_at = now(), blocks = $2 WHERE id = $1', [id, blocks]);
    // an import that completed supersedes earlier interrupted ones of the same file
    await this.pool.query('UPDATE imports SET finished_at = now() WHERE finished_at IS NULL AND path = (SELECT path FROM imports WHERE id = $1)', [id]);
  }

  async unfinishedImports(): Promise<string[]> {
    return (await this.pool.query<{ path: string }>('SELECT path FROM imports WHERE finished_at IS NULL ORDER BY id')).rows.map((r) => r.path);
  }

  async isCanonical(keyCid: CID): Promise<boolean> {
    const r = await this.pool.query({ name: 'idx_is_canon', text: 'SELECT 1 FROM tipsets WHERE tipset_key_cid = $1 AND NOT reverted', values: [buf(keyCid.bytes)] });
    return (r.rowCount ?? 0) > 0;
  }

  async byKeyCid(keyCid: CID): Promise<(IndexedTipSet & { reverted: boolean }) | null> {
    const r = await this.pool.query<{ tipset_key: Buffer; height: string; reverted: boolean }>({
      name: 'idx_by_key_cid',
      text: 'SELECT tipset_key, height, reverted FROM tipsets WHERE tipset_key_cid = $1',
      values: [buf(keyCid.bytes)],
    });
    const row = r.rows[0];
    return row ? { key: tipSetKeyFromBytes(row.tipset_key) as TipSetKey, height: Number(row.height), reverted: row.reverted } : null;
  }

  async close(): Promise<void> {}
}
