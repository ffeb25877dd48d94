/**
 * Binary COPY on a real embedded PostgreSQL (blockstore/pg-copy.ts): the payload encoder
 * round-trips every column type it writes (bytea, int8, int4, bool, NULL); the blockstore
 * writes large batches by COPY and, when a batch holds stored blocks, writes it again by
 * INSERT (nothing lost, nothing doubled); its ordered batch reads answer as `= ANY` does; the chain index's message rows by COPY (a large
 * head change: straight into the table, or staged once stored rows are met) leave exactly
 * the rows the per-tipset INSERT path leaves, also when the same tipsets are applied again
 * after a revert. Data: real mainnet-h0-341.car.
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { CarReplaySource } from '../../leader/car-source.js';
import { loadCar } from '../../blockstore/car.js';
import { fixture } from '../../common/paths.js';
import { PgBlockstore } from '../../blockstore/postgres.js';
import { PgChainIndex } from '../../indexer/postgres.js';
import { copyInto, encodeCopy } from '../../blockstore/pg-copy.js';
import type { AppliedTipSet } from '../../indexer/types.js';
import { type TestPg, startTestPg } from '../helpers/pg.js';

let a: TestPg;
let b: TestPg;
let poolA: pg.Pool;
let poolB: pg.Pool;
before(async () => {
  [a, b] = await Promise.all([startTestPg('copy-a'), startTestPg('copy-b')]);
  poolA = new pg.Pool({ connectionString: a.url, max: 4 });
  poolB = new pg.Pool({ connectionString: b.url, max: 4 });
});
after(async () => {
  await poolA?.end();
  await poolB?.end();
  await a?.stop();
  await b?.stop();
});

test('the binary COPY payload round-trips bytea, int8, int4, bool and NULL', async () => {
  const c = await poolA.connect();
  try {
    await c.query('CREATE TEMP TABLE t (x BYTEA, y BIGINT, z INT, w BOOLEAN)');
    const rows = [
      [Buffer.from([0, 1, 255]), 2 ** 53 - 1, -1, true],
      [Buffer.alloc(0), -(2 ** 40), 2 ** 31 - 1, false],
      [null, null, null, null],
    ] as const;
    await copyInto(c, 't (x, y, z, w)', encodeCopy(['bytea', 'int8', 'int4', 'bool'], rows.map((r) => [...r])));
    const got = (await c.query('SELECT x, y::text, z, w FROM t')).rows.map((r) => [r.x, r.y === null ? null : Number(r.y), r.z, r.w]);
    assert.deepEqual(got, rows.map((r) => [...r]));
    assert.throws(() => encodeCopy(['int8'], [[1.5]]), /safe integer/);
  } finally {
    c.release();
  }
});

test('block batches go by COPY; a batch holding stored blocks is written again by INSERT, nothing lost or doubled', async () => {
  const car = await loadCar(fixture('chain', 'mainnet-h0-341.car'));
  const blocks = [...car.blocks.values()];
  const bs = new PgBlockstore(poolA, { copy: true });
  await poolA.query('TRUNCATE blocks');
  await bs.putMany(blocks.slice(0, 4000));
  assert.equal(bs.copyStats.copied, 2);
  assert.equal(bs.copyStats.conflicts, 0);
  // 1000 stored and 1000 new in one batch: the COPY fails whole, the INSERT writes the new ones
  await bs.putMany(blocks.slice(3000, 5000));
  assert.equal(bs.copyStats.conflicts, 1);
  assert.equal(Number((await poolA.query('SELECT count(*) AS n FROM blocks')).rows[0].n), 5000);
  const got = await bs.getMany(blocks.slice(0, 5000).map((x) => x.cid));
  got.forEach((g, i) => assert.deepEqual(g, blocks[i]!.bytes, `block ${blocks[i]!.cid}`));
});

test('ordered batch reads (a join on the keys) answer as = ANY does: in the order asked, null where absent, a repeated key twice', async () => {
  const car = await loadCar(fixture('chain', 'mainnet-h0-341.car'));
  const blocks = [...car.blocks.values()];
  await poolA.query('TRUNCATE blocks');
  await new PgBlockstore(poolA, { copy: true }).putMany(blocks.slice(0, 6000));
  // stored and absent (blocks 6000+) interleaved, backwards, with repeats
  const ask = [...blocks.slice(5000, 7000).reverse(), ...blocks.slice(0, 300), ...blocks.slice(0, 300)].map((b) => b.cid);
  const ordered = await new PgBlockstore(poolA, { orderedReads: true }).getMany(ask);
  const any = await new PgBlockstore(poolA).getMany(ask);
  assert.equal(ordered.length, ask.length);
  assert.deepEqual(ordered, any);
  assert.equal(ordered.filter((b) => b === null).length, 1000, 'blocks 6000–6999 are not stored');
  const bytes = new Map(blocks.map((b) => [b.cid.toString(), b.bytes]));
  ordered.forEach((b, i) => b && assert.deepEqual(b, bytes.get(ask[i]!.toString()), `answer ${i}`));
});

test('message rows by COPY (direct, or staged + INSERT … SELECT once stored rows are met) are the rows the per-tipset INSERTs write, after a revert and a reapply too', async () => {
  const src = await CarReplaySource.open(fixture('chain', 'mainnet-h0-341.car'));
  const car = await loadCar(fixture('chain', 'mainnet-h0-341.car'));
  const cids = [...car.blocks.values()].map((x) => x.cid);
  // 40 real tipsets, each "including" 120 real CIDs (4,800 rows: above the COPY threshold); every 7th empty
  const applies: AppliedTipSet[] = src.tipsets.slice(1, 41).map((ts, i) => ({ tipset: ts, messages: i % 7 === 0 ? [] : cids.slice(i * 120, i * 120 + 120) }));
  const staged = new PgChainIndex(poolA, { copy: true });
  const plain = new PgChainIndex(poolB);
  const rows = async (pool: pg.Pool): Promise<string[]> =>
    (await pool.query("SELECT encode(tipset_key_cid, 'hex') || ' ' || height || ' ' || message_index || ' ' || coalesce(encode(message_cid, 'hex'), '-') || ' ' || reverted AS r FROM tipset_messages ORDER BY height, message_index")).rows.map((r) => r.r as string);
  for (const ix of [staged, plain]) await ix.applyHeadChange([], applies);
  const first = await rows(poolA);
  assert.equal(first.length, 34 * 120 + 6, '34 tipsets of 120 rows and 6 empty placeholders');
  assert.deepEqual(first, await rows(poolB));
  assert.deepEqual(staged.copyStats, { direct: 1, staged: 0 }, 'rows never indexed go straight into tipset_messages');
  // revert the top 10, then apply all 40 again: every row un-reverted, none doubled
  const top = applies.slice(30).map((x) => x.tipset).reverse();
  for (const ix of [staged, plain]) await ix.applyHeadChange(top, []);
  assert.equal((await rows(poolA)).filter((r) => r.endsWith(' true')).length, 9 * 120 + 1, 'the top 10: 9 of 120 rows and one empty placeholder');
  for (const ix of [staged, plain]) await ix.applyHeadChange([], applies);
  const again = await rows(poolA);
  assert.deepEqual(staged.copyStats, { direct: 1, staged: 1 }, 'the direct COPY met stored rows and was undone to its savepoint');
  assert.deepEqual(again, first);
  assert.deepEqual(again, await rows(poolB));
});
