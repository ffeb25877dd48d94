/**
 * The chain index on Apache Cassandra / YugabyteDB YCQL (tables in
 * migrations/cql/001_init.cql). Without multi-partition transactions the writes are
 * ordered instead: each applied tipset's rows first (messages, children, tipset,
 * canonical height), then the reverts (flag, canonical-height rows removed when still
 * theirs), each write idempotent, and the head row last (the leader calls setHead only
 * after this returns). A crash in between leaves the head on the old tipset, the index
 * listing both branches at worst (never neither), and the retry rewrites the same rows.
 */
import cassandra from 'cassandra-driver';
import { CID } from '../chain/cid.js';
import { type TipSet, type TipSetKey, tipSetKeyBytes, tipSetKeyCid, tipSetKeyFromBytes } from '../chain/tipset.js';
import type { AppliedTipSet, ChainIndex, EventQuery, HeadRow, IndexedEvent, IndexedTipSet, MessageInclusion } from './types.js';
import { decodeEntries, encodeEntries, matchesFilters } from './event-rows.js';
import { mapLimit } from '../blockstore/cassandra.js';

/** Epochs per chain_by_height partition. */
export const HEIGHT_BUCKET = 10_000;
/** Epochs per events_by_height partition (migrations/cql/002_eth.cql). */
export const EVENT_BUCKET = 120;

const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const bucketOf = (h: number): number => Math.floor(h / HEIGHT_BUCKET);
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(String(v)));

/** ChainIndex over a cassandra-driver client (owned by the caller). */
export class CqlChainIndex implements ChainIndex {
  constructor(private readonly client: cassandra.Client) {}

  private async reverted(keyCid: Buffer): Promise<boolean | null> {
    const r = await this.client.execute('SELECT reverted FROM tipsets WHERE tipset_key_cid = ?', [keyCid]);
    const row = r.first();
    return row ? (row.reverted as boolean) : null;
  }

  async applyHeadChange(reverts: TipSet[], applies: AppliedTipSet[]): Promise<void> {
    const c = this.client;
    for (const applied of applies) {
      const { tipset: ts, messages } = applied;
      const k = buf(ts.keyCid.bytes);
      const keyBytes = buf(tipSetKeyBytes(ts.key));
      const parent = buf(tipSetKeyCid(ts.parents).bytes);
      // a different canonical tipset at this height is displaced
      const cur = (await c.execute('SELECT tipset_key_cid FROM chain_by_height WHERE bucket = ? AND height = ?', [bucketOf(ts.height), ts.height])).first();
      if (cur && !(cur.tipset_key_cid as Buffer).equals(k)) await c.execute('UPDATE tipsets SET reverted = true WHERE tipset_key_cid = ?', [cur.tipset_key_cid]);
      // message rows before the tipset row: an applied tipset is never listed without them
      if (messages !== null) {
        const rows: Array<[number, Buffer | null]> = messages.length === 0 ? [[-1, null]] : messages.map((m, i) => [i, buf(m.bytes)]);
        await mapLimit(rows, 32, ([i, m]) => c.execute('INSERT INTO tipset_messages (tipset_key_cid, message_index, message_cid) VALUES (?, ?, ?)', [k, i, m]));
        await mapLimit(
          rows.filter(([, m]) => m !== null),
          32,
          ([i, m]) => c.execute('INSERT INTO message_inclusions (message_cid, tipset_key_cid, tipset_key, height, message_index) VALUES (?, ?, ?, ?, ?)', [m, k, keyBytes, ts.height, i]),
        );
      }
      // eth rows before the tipset row too: tx hashes of its messages, events of its parent's
      await mapLimit(applied.ethTxHashes ?? [], 32, (h) => c.execute('INSERT INTO eth_tx_hashes (tx_hash, message_cid) VALUES (?, ?)', [buf(h.txHash), buf(h.messageCid.bytes)]));
      if (applied.parentEvents && applied.parentEvents.length > 0) {
        const ph = applied.parentHeight;
        if (ph === undefined) throw new Error('parentEvents given without parentHeight');
        await mapLimit(applied.parentEvents, 32, (e) =>
          c.execute(
            'INSERT INTO events_by_height (bucket, height, tipset_key_cid, message_index, event_index, message_cid, emitter_id, emitter_addr, event_entries) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
            [Math.floor(ph / EVENT_BUCKET), ph, parent, e.messageIndex, e.eventIndex, buf(e.messageCid.bytes), e.emitter, e.emitterAddr ? buf(e.emitterAddr) : null, buf(encodeEntries(e.entries))],
          ),
        );
      }
      await c.execute('INSERT INTO tipset_children (parent_key_cid, tipset_key_cid, tipset_key, height) VALUES (?, ?, ?, ?)', [parent, k, keyBytes, ts.height]);
      await c.execute('INSERT INTO tipsets (tipset_key_cid, tipset_key, height, parent_key_cid, reverted) VALUES (?, ?, ?, ?, false)', [k, keyBytes, ts.height, parent]);
      await c.execute('INSERT INTO chain_by_height (bucket, height, tipset_key_cid, tipset_key) VALUES (?, ?, ?, ?)', [bucketOf(ts.height), ts.height, k, keyBytes]);
    }
    // reverts last: until they land, the index may list both branches, never neither
    for (const t of reverts) {
      const k = buf(t.keyCid.bytes);
      if (applies.some((a) => a.tipset.keyCid.equals(t.keyCid))) continue;
      await c.execute('UPDATE tipsets SET reverted = true WHERE tipset_key_cid = ?', [k]);
      const cur = (await c.execute('SELECT tipset_key_cid FROM chain_by_height WHERE bucket = ? AND height = ?', [bucketOf(t.height), t.height])).first();
      if (cur && (cur.tipset_key_cid as Buffer).equals(k)) await c.execute('DELETE FROM chain_by_height WHERE bucket = ? AND height = ?', [bucketOf(t.height), t.height]);
    }
  }

  async setHead(ts: TipSet): Promise<void> {
    await this.client.execute('INSERT INTO head (id, tipset_key, height, updated_at) VALUES (1, ?, ?, toTimestamp(now()))', [buf(tipSetKeyBytes(ts.key)), ts.height]);
  }

  async getHead(): Promise<HeadRow | null> {
    const row = (await this.client.execute('SELECT tipset_key, height, updated_at FROM head WHERE id = 1')).first();
    return row ? { key: tipSetKeyFromBytes(row.tipset_key as Buffer), height: num(row.height), updatedAt: (row.updated_at as Date).getTime() } : null;
  }

  async canonicalAt(height: number, dir: 'before' | 'after'): Promise<IndexedTipSet | null> {
    if (dir === 'before') {
      for (let b = bucketOf(height); b >= 0; b--) {
        const row = (await this.client.execute('SELECT height, tipset_key FROM chain_by_height WHERE bucket = ? AND height <= ? LIMIT 1', [b, height])).first();
        if (row) return { key: tipSetKeyFromBytes(row.tipset_key as Buffer), height: num(row.height) };
      }
      return null;
    }
    const head = await this.getHead();
    const top = Math.max(head?.height ?? height, height);
    for (let b = bucketOf(height); b <= bucketOf(top); b++) {
      const row = (await this.client.execute('SELECT height, tipset_key FROM chain_by_height WHERE bucket = ? AND height >= ? ORDER BY height ASC LIMIT 1', [b, height])).first();
      if (row) return { key: tipSetKeyFromBytes(row.tipset_key as Buffer), height: num(row.height) };
    }
    return null;
  }

  async messageInclusions(messageCid: CID): Promise<MessageInclusion[]> {
    const rows = (await this.client.execute('SELECT tipset_key_cid, tipset_key, height, message_index FROM message_inclusions WHERE message_cid = ?', [buf(messageCid.bytes)])).rows;
    const out: MessageInclusion[] = [];
    for (const r of rows) if ((await this.reverted(r.tipset_key_cid as Buffer)) === false) out.push({ key: tipSetKeyFromBytes(r.tipset_key as Buffer), height: num(r.height), index: r.message_index as number });
    return out.sort((a, b) => b.height - a.height);
  }

  async canonicalChild(keyCid: CID): Promise<IndexedTipSet | null> {
    const rows = (await this.client.execute('SELECT tipset_key_cid, tipset_key, height FROM tipset_children WHERE parent_key_cid = ?', [buf(keyCid.bytes)])).rows;
    let best: IndexedTipSet | null = null;
    for (const r of rows) {
      if ((await this.reverted(r.tipset_key_cid as Buffer)) !== false) continue;
      const h = num(r.height);
      if (!best || h < best.height) best = { key: tipSetKeyFromBytes(r.tipset_key as Buffer) as TipSetKey, height: h };
    }
    return best;
  }

  async isCanonical(keyCid: CID): Promise<boolean> {
    return (await this.reverted(buf(keyCid.bytes))) === false;
  }

  async byKeyCid(keyCid: CID): Promise<(IndexedTipSet & { reverted: boolean }) | null> {
    const row = (await this.client.execute('SELECT tipset_key, height, reverted FROM tipsets WHERE tipset_key_cid = ?', [buf(keyCid.bytes)])).first();
    return row ? { key: tipSetKeyFromBytes(row.tipset_key as Buffer) as TipSetKey, height: num(row.height), reverted: row.reverted as boolean } : null;
  }

  async messageByEthTxHash(txHash: Uint8Array): Promise<CID | null> {
    const row = (await this.client.execute('SELECT message_cid FROM eth_tx_hashes WHERE tx_hash = ?', [buf(txHash)])).first();
    return row ? CID.decode(new Uint8Array(row.message_cid as Buffer)) : null;
  }

  /**
   * Events by partition, filtered here: a row counts when its tipset is the canonical
   * one at its height and lies below the head (a child executed it).
   */
  async events(q: EventQuery): Promise<IndexedEvent[]> {
    const head = await this.getHead();
    if (!head) return [];
    const to = q.tipsetKeyCid ? q.toHeight : Math.min(q.toHeight, head.height - 1);
    const out: IndexedEvent[] = [];
    const canonical = new Map<number, Buffer | null>();
    const canonicalAt = async (h: number): Promise<Buffer | null> => {
      if (!canonical.has(h)) {
        const row = (await this.client.execute('SELECT tipset_key_cid FROM chain_by_height WHERE bucket = ? AND height = ?', [bucketOf(h), h])).first();
        canonical.set(h, row ? (row.tipset_key_cid as Buffer) : null);
      }
      return canonical.get(h)!;
    };
    const keyOf = new Map<string, TipSetKey>();
    for (let b = Math.floor(q.fromHeight / EVENT_BUCKET); b <= Math.floor(to / EVENT_BUCKET) && out.length < q.limit; b++) {
      let pageState: string | undefined;
      do {
        const rs = await this.client.execute(
          'SELECT height, tipset_key_cid, message_index, event_index, message_cid, emitter_id, emitter_addr, event_entries FROM events_by_height WHERE bucket = ? AND height >= ? AND height <= ?',
          [b, q.fromHeight, to],
          { prepare: true, fetchSize: 5000, pageState },
        );
        pageState = rs.pageState ?? undefined;
        for (const r of rs.rows) {
          const h = num(r.height);
          const k = r.tipset_key_cid as Buffer;
          if (q.tipsetKeyCid && !k.equals(buf(q.tipsetKeyCid.bytes))) continue;
          const canon = await canonicalAt(h);
          // a named tipset's events come whether canonical or not, flagged (as Lotus)
          const reverted = !canon || !canon.equals(k);
          if (reverted && !q.tipsetKeyCid) continue;
          const row = {
            messageIndex: r.message_index as number,
            eventIndex: r.event_index as number,
            messageCid: CID.decode(new Uint8Array(r.message_cid as Buffer)),
            emitter: num(r.emitter_id),
            emitterAddr: r.emitter_addr ? new Uint8Array(r.emitter_addr as Buffer) : null,
            entries: decodeEntries(new Uint8Array(r.event_entries as Buffer)),
          };
          if (!matchesFilters(row, q)) continue;
          const kh = k.toString('hex');
          if (!keyOf.has(kh)) {
            const t = (await this.client.execute('SELECT tipset_key FROM tipsets WHERE tipset_key_cid = ?', [k])).first();
            keyOf.set(kh, tipSetKeyFromBytes(t!.tipset_key as Buffer));
          }
          out.push({ ...row, tipset: { key: keyOf.get(kh)!, height: h }, reverted });
          if (out.length >= q.limit) break;
          }
      } while (pageState && out.length < q.limit);
    }
    return out;
  }

  async importStarted(path: string): Promise<string> {
    const id = cassandra.types.TimeUuid.now();
    await this.client.execute('INSERT INTO imports (id, path, started_at) VALUES (?, ?, toTimestamp(now()))', [id, path]);
    return id.toString();
  }

  async importFinished(id: string, blocks: number): Promise<void> {
    const mine = cassandra.types.TimeUuid.fromString(id);
    const path = (await this.client.execute('SELECT path FROM imports WHERE id = ?', [mine])).first()?.path as string | undefined;
    // small table: a full read is fine; earlier unfinished imports of the same file are done too
    for (const r of (await this.client.execute('SELECT id, path, finished_at FROM imports')).rows) {
      if (r.finished_at === null && (r.path === path || r.id.toString() === id)) {
        await this.client.execute('UPDATE imports SET finished_at = toTimestamp(now()), blocks = ? WHERE id = ?', [r.id.toString() === id ? blocks : null, r.id]);
      }
    }
  }

  async unfinishedImports(): Promise<string[]> {
    return (await this.client.execute('SELECT path, finished_at FROM imports')).rows.filter((r) => r.finished_at === null).map((r) => r.path as string);
  }

  async close(): Promise<void> {}
}

export { CID };
