/**
 * The chain index on PostgreSQL / YugabyteDB YSQL (tables in migrations/postgres).
 */
import type pg from 'pg';
import { CID } from '../chain/cid.js';
import { type TipSet, type TipSetKey, tipSetKeyBytes, tipSetKeyCid, tipSetKeyFromBytes } from '../chain/tipset.js';
import type { AppliedTipSet, ChainIndex, EventQuery, HeadRow, IndexedEvent, IndexedTipSet, MessageInclusion } from './types.js';
import { decodeEntries, encodeEntries, eventTopics, hasRawEntry } from './event-rows.js';
import { type CopyValue, copyInto, encodeCopy } from '../blockstore/pg-copy.js';

function buf(b: Uint8Array): Buffer {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** Message rows of one head change from which they go by binary COPY (with `copy`), not INSERT … unnest. */
const COPY_MIN_MESSAGE_ROWS = 2000;

/** Options of the SQL chain index. */
export interface PgChainIndexOptions {
  /**
   * Write the message rows of a large head change (an import's page of tipsets) by binary
   * COPY: into tipset_messages when none is there yet, else through a session temp table
   * and one INSERT … SELECT (PostgreSQL only). Default false.
   */
  copy?: boolean;
}

/** How the message rows of large head changes were written (with `copy`). */
export interface MessageCopyStats {
  /** Straight into tipset_messages. */
  direct: number;
  /** Through the temp table, after the direct COPY met a stored row. */
  staged: number;
}

/** ChainIndex over a `pg` pool (owned by the caller). */
export class PgChainIndex implements ChainIndex {
  /** Head changes whose message rows went by COPY, and how. */
  readonly copyStats: MessageCopyStats = { direct: 0, staged: 0 };

  constructor(
    private readonly pool: pg.Pool,
    private readonly opts: PgChainIndexOptions = {},
  ) {}

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
        // a reverted tipset executed its parent's messages: their events go with it (Lotus)
        await client.query('UPDATE events SET reverted = TRUE WHERE tipset_key_cid = ANY($1::bytea[]) AND NOT reverted', [reverts.map((t) => buf(tipSetKeyCid(t.parents).bytes))]);
      }
      // with `copy`, a large change's message rows are gathered and written at the end, at once;
      // only when its tipsets' heights differ (none of them displaces another of the same change)
      const rowCount = applies.reduce((n, a) => n + (a.messages?.length ?? 0), 0);
      const gather = this.opts.copy === true && rowCount >= COPY_MIN_MESSAGE_ROWS && new Set(applies.map((a) => a.tipset.height)).size === applies.length;
      const gathered: CopyValue[][] | null = gather ? [] : null;
      for (const applied of applies) {
        const { tipset: ts, messages } = applied;
        const k = buf(ts.keyCid.bytes);
        const displaced = await client.query<{ tipset_key_cid: Buffer }>(
          'UPDATE tipsets SET reverted = TRUE WHERE height = $1 AND NOT reverted AND tipset_key_cid <> $2 RETURNING tipset_key_cid',
          [ts.height, k],
        );
        if (displaced.rows.length > 0) {
          const gone = displaced.rows.map((r) => r.tipset_key_cid);
          await client.query('UPDATE tipset_messages SET reverted = TRUE WHERE tipset_key_cid = ANY($1::bytea[])', [gone]);
          await client.query('UPDATE events SET reverted = TRUE WHERE tipset_key_cid = ANY($1::bytea[])', [gone]);
        }
        await client.query(
          `INSERT INTO tipsets (tipset_key_cid, tipset_key, height, parent_key_cid, reverted)
           VALUES ($1, $2, $3, $4, FALSE)
           ON CONFLICT (tipset_key_cid) DO UPDATE SET reverted = FALSE`,
          [k, buf(tipSetKeyBytes(ts.key)), ts.height, buf(tipSetKeyCid(ts.parents).bytes)],
        );
        await this.writeEthRows(client, ts, applied);
        if (messages === null) continue; // messages unknown: leave the tipset's messages unindexed
        if (gathered) {
          // heights differ, so no tipset is here twice (one INSERT may not touch a row twice)
          if (messages.length === 0) gathered.push([k, ts.height, -1, null]);
          else messages.forEach((c, i) => gathered.push([k, ts.height, i, buf(c.bytes)]));
          continue;
        }
        const idx = messages.length === 0 ? [-1] : messages.map((_, i) => i);
        const cids = messages.length === 0 ? [null] : messages.map((c) => buf(c.bytes));
        await client.query(
          `INSERT INTO tipset_messages (tipset_key_cid, height, message_index, message_cid, reverted)
           SELECT $1, $2, i, c, FALSE FROM unnest($3::int[], $4::bytea[]) AS t(i, c)
           ON CONFLICT (tipset_key_cid, message_index) DO UPDATE SET reverted = FALSE`,
          [k, ts.height, idx, cids],
        );
      }
      if (gathered && gathered.length > 0) await this.copyMessageRows(client, gathered);
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

  /**
   * Message rows (tipset_key_cid, height, message_index, message_cid) of one head change by
   * binary COPY, un-reverted: straight into tipset_messages when none of them is there yet
   * (an import of tipsets never indexed: COPY costs half an INSERT … unnest); when one is
   * (code 23505: a re-import, or a branch applied again), the COPY is undone to a savepoint
   * and the rows go through a session temp table and one INSERT … SELECT … ON CONFLICT.
   * Inside the caller's transaction.
   */
  private async copyMessageRows(client: pg.PoolClient, rows: CopyValue[][]): Promise<void> {
    await client.query('SAVEPOINT direct_copy');
    try {
      await copyInto(client, 'tipset_messages (tipset_key_cid, height, message_index, message_cid, reverted)', encodeCopy(['bytea', 'int8', 'int4', 'bytea', 'bool'], rows.map((r) => [...r, false])));
      await client.query('RELEASE SAVEPOINT direct_copy');
      this.copyStats.direct++;
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== '23505') throw e;
      await client.query('ROLLBACK TO SAVEPOINT direct_copy');
    }
    this.copyStats.staged++;
    // the temp table is the session's, emptied at every commit (and by a rollback)
    await client.query('CREATE TEMP TABLE IF NOT EXISTS staged_tipset_messages (tipset_key_cid BYTEA, height BIGINT, message_index INT, message_cid BYTEA) ON COMMIT DELETE ROWS');
    await copyInto(client, 'staged_tipset_messages (tipset_key_cid, height, message_index, message_cid)', encodeCopy(['bytea', 'int8', 'int4', 'bytea'], rows));
    await client.query(
      `INSERT INTO tipset_messages (tipset_key_cid, height, message_index, message_cid, reverted)
       SELECT tipset_key_cid, height, message_index, message_cid, FALSE FROM staged_tipset_messages
       ON CONFLICT (tipset_key_cid, message_index) DO UPDATE SET reverted = FALSE`,
    );
  }

  /** The tipset's eth transaction hashes and its parent's events (upserted un-reverted). */
  private async writeEthRows(client: pg.PoolClient, ts: TipSet, a: AppliedTipSet): Promise<void> {
    const hashes = a.ethTxHashes ?? [];
    if (hashes.length > 0) {
      await client.query(
        `INSERT INTO eth_tx_hashes (tx_hash, message_cid) SELECT * FROM unnest($1::bytea[], $2::bytea[])
         ON CONFLICT (tx_hash) DO UPDATE SET message_cid = EXCLUDED.message_cid`,
        [hashes.map((h) => buf(h.txHash)), hashes.map((h) => buf(h.messageCid.bytes))],
      );
    }
    const events = a.parentEvents;
    if (!events || events.length === 0) return;
    const parent = buf(tipSetKeyCid(ts.parents).bytes);
    const parentHeight = a.parentHeight ?? null;
    if (parentHeight === null) throw new Error('parentEvents given without parentHeight');
    for (let i = 0; i < events.length; i += 1000) {
      const page = events.slice(i, i + 1000);
      const topics = page.map((e) => eventTopics(e.entries));
      await client.query(
        `INSERT INTO events (tipset_key_cid, height, message_index, event_index, message_cid, emitter_id, emitter_addr, t1, t2, t3, t4, entries, has_raw, reverted)
         SELECT $1, $2, * , FALSE FROM unnest($3::int[], $4::int[], $5::bytea[], $6::bigint[], $7::bytea[], $8::bytea[], $9::bytea[], $10::bytea[], $11::bytea[], $12::bytea[], $13::boolean[])
         ON CONFLICT (tipset_key_cid, message_index, event_index) DO UPDATE SET reverted = FALSE`,
        [
          parent,
          parentHeight,
          page.map((e) => e.messageIndex),
          page.map((e) => e.eventIndex),
          page.map((e) => buf(e.messageCid.bytes)),
          page.map((e) => e.emitter),
          page.map((e) => (e.emitterAddr ? buf(e.emitterAddr) : null)),
          ...[0, 1, 2, 3].map((k) => topics.map((t) => (t[k] ? buf(t[k]!) : null))),
          page.map((e) => buf(encodeEntries(e.entries))),
          page.map((e) => hasRawEntry(e.entries)),
        ],
      );
    }
  }

  async messageByEthTxHash(txHash: Uint8Array): Promise<CID | null> {
    const r = await this.pool.query<{ message_cid: Buffer }>({ name: 'idx_eth_tx', text: 'SELECT message_cid FROM eth_tx_hashes WHERE tx_hash = $1', values: [buf(txHash)] });
    const row = r.rows[0];
    return row ? CID.decode(new Uint8Array(row.message_cid)) : null;
  }

  async events(q: EventQuery): Promise<IndexedEvent[]> {
    // one tipset: reverted events too, flagged (Lotus omits `reverted = 0` when a tipset is named)
    const where = q.tipsetKeyCid ? ['e.height BETWEEN $1 AND $2'] : ['NOT e.reverted', 'e.height BETWEEN $1 AND $2'];
    const values: unknown[] = [q.fromHeight, q.toHeight];
    const add = (cond: (n: number) => string, v: unknown): void => {
      values.push(v);
      where.push(cond(values.length));
    };
    if (q.tipsetKeyCid) add((n) => `e.tipset_key_cid = $${n}`, buf(q.tipsetKeyCid.bytes));
    if (q.rawOnly) where.push('e.has_raw');
    if (q.emitterAddrs && q.emitterAddrs.length > 0) add((n) => `e.emitter_addr = ANY($${n}::bytea[])`, q.emitterAddrs.map(buf));
    if (q.emitterIds && q.emitterIds.length > 0) add((n) => `e.emitter_id = ANY($${n}::bigint[])`, q.emitterIds);
    (q.topics ?? []).forEach((set, i) => {
      if (set && set.length > 0) add((n) => `e.t${i + 1} = ANY($${n}::bytea[])`, set.map(buf));
    });
    values.push(q.limit);
    const r = await this.pool.query<{ tipset_key: Buffer; height: string; message_index: number; event_index: number; message_cid: Buffer; emitter_id: string; emitter_addr: Buffer | null; entries: Buffer; reverted: boolean }>(
      `SELECT t.tipset_key, e.height, e.message_index, e.event_index, e.message_cid, e.emitter_id, e.emitter_addr, e.entries, e.reverted
       FROM events e JOIN tipsets t ON t.tipset_key_cid = e.tipset_key_cid
       WHERE ${where.join(' AND ')} ORDER BY e.height, e.message_index, e.event_index LIMIT $${values.length}`,
      values,
    );
    // rows of one tipset share its key and often a message: decode each once per answer
    const keys = new Map<string, TipSetKey>();
    const cids = new Map<string, CID>();
    return r.rows.map((row) => {
      const kh = row.tipset_key.toString('latin1');
      let key = keys.get(kh);
      if (!key) keys.set(kh, (key = tipSetKeyFromBytes(row.tipset_key)));
      const mh = row.message_cid.toString('latin1');
      let messageCid = cids.get(mh);
      if (!messageCid) cids.set(mh, (messageCid = CID.decode(new Uint8Array(row.message_cid))));
      return {
        tipset: { key, height: Number(row.height) },
        messageIndex: row.message_index,
        eventIndex: row.event_index,
        messageCid,
        emitter: Number(row.emitter_id),
        emitterAddr: row.emitter_addr ? new Uint8Array(row.emitter_addr) : null,
        entries: decodeEntries(new Uint8Array(row.entries)),
        reverted: row.reverted,
      };
    });
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
