/**
 * Crash safety: the leader, following the test upstream, is killed with SIGKILL at
 * random moments ten times while it syncs. After each kill the store is consistent
 * (the head row names a fully readable tipset, the head never moved backwards, no
 * height has two canonical tipsets, no duplicate message rows), and a final run
 * completes the sync with exactly the CAR's reachable blocks.
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { fixture, projectPath } from '../../common/paths.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../store/embedded-postgres.js';
import { openStore, type Store } from '../../store/open.js';
import { silentLogger } from '../../common/logger.js';
import { ChainReader } from '../../blockstore/chain-reader.js';
import { mhKey } from '../../blockstore/types.js';
import { freePort, waitFor } from '../helpers/cluster.js';
import { scratchDir } from '../helpers/tmp.js';
import { LotusUpstream } from '../helpers/lotus-upstream.js';

let pgh: EmbeddedPostgresHandle;
let store: Store;
let upstream: LotusUpstream;

before(async () => {
  pgh = await startEmbeddedPostgres({ dataDir: join(scratchDir('crash'), 'pg'), port: await freePort(), log: silentLogger() });
  store = await openStore(pgh.url, { migrate: true });
  upstream = await LotusUpstream.create(fixture('chain', 'mainnet-h0-341.car'), await freePort(), 1);
  await upstream.serve();
});
after(async () => {
  await upstream?.stop();
  await store?.close();
  await pgh?.stop();
});

function leaderProcess() {
  return spawn(process.execPath, [projectPath('dist', 'cli.js'), 'leader', '--upstream-url', upstream.url, '--store-url', pgh.url, '--leader-port', '0', '--backfill-epochs', '100000', '--fetch-concurrency', '8'], {
    env: { ...process.env, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

async function checkConsistent(minHeight: number): Promise<number> {
  const head = await store.index.getHead();
  if (!head) return -1;
  assert.ok(head.height >= minHeight, `head moved backwards: ${head.height} < ${minHeight}`);
  const reader = new ChainReader(store.blockstore);
  const ts = await reader.loadTipSet(head.key); // every header readable
  await reader.messagesForTipset(ts); // TxMeta, AMTs and every message readable
  const client = new pg.Client({ connectionString: pgh.url });
  await client.connect();
  try {
    assert.equal((await client.query('SELECT height FROM tipsets WHERE NOT reverted GROUP BY height HAVING count(*) > 1')).rowCount, 0);
    assert.equal((await client.query('SELECT 1 FROM tipset_messages GROUP BY tipset_key_cid, message_cid HAVING count(*) > 1')).rowCount, 0);
    // the canonical chain below the head is contiguous by parent links
    const rows = (await client.query<{ tipset_key_cid: Buffer; parent_key_cid: Buffer; height: string }>('SELECT tipset_key_cid, parent_key_cid, height FROM tipsets WHERE NOT reverted AND height <= $1 ORDER BY height', [head.height])).rows;
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i]!.parent_key_cid.equals(rows[i - 1]!.tipset_key_cid), `chain broken at ${rows[i]!.height}`);
  } finally {
    await client.end();
  }
  return head.height;
}

test('kill -9 of the leader at random points, ten times: the store stays consistent and sync completes', async () => {
  upstream.startClock(25);
  let last = -1;
  const heights: number[] = [];
  const blockCount = async (): Promise<number> => {
    const c = new pg.Client({ connectionString: pgh.url });
    await c.connect();
    const n = Number((await c.query('SELECT count(*) AS n FROM blocks')).rows[0].n);
    await c.end();
    return n;
  };
  for (let i = 0; i < 10; i++) {
    // kill at a random moment after this run has started writing (not during node's start-up)
    const before = await blockCount();
    const p = leaderProcess();
    const exited = new Promise((r) => p.once('exit', r));
    try {
      // generous: on a loaded machine node's start-up alone can take seconds
      await waitFor(async () => p.exitCode !== null || (await blockCount()) !== before || (await store.index.getHead())?.height === upstream.head.height, 120_000, `run ${i} writing`);
      // every other run also waits until this run has committed a head past the last one, so
      // that a loaded machine (slow start-up, long backfill walks) still shows progress across kills
      if (i % 2 === 1) {
        await waitFor(async () => {
          const h = (await store.index.getHead())?.height ?? -1;
          return p.exitCode !== null || h > last || h === upstream.head.height;
        }, 120_000, `run ${i} committing past ${last}`);
      }
      assert.equal(p.exitCode, null, `run ${i}: the leader exited by itself`);
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 1500)));
    } finally {
      // killed on failure too: a leader left running would keep this file (and npm test) alive
      p.kill('SIGKILL');
      await exited;
    }
    last = await checkConsistent(last);
    heights.push(last);
  }
  assert.ok(heights.some((h) => h > 0), `progress across kills: ${heights.join(',')}`);
  assert.ok(heights.some((h) => h < 341), `killed mid-sync: ${heights.join(',')}`);
  await waitFor(async () => upstream.done, 30_000, 'upstream reached the end of the CAR');
  const p = leaderProcess();
  const exited = new Promise((r) => p.once('exit', r));
  try {
    await waitFor(async () => (await store.index.getHead())?.height === 341, 120_000, 'sync completes to 341');
  } finally {
    p.kill('SIGTERM');
    const t = setTimeout(() => p.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  }
  await checkConsistent(last);
  const expected = new Set<string>();
  for (const s of upstream.source.steps()) for (const b of s.blocks) expected.add(mhKey(b.cid));
  const client = new pg.Client({ connectionString: pgh.url });
  await client.connect();
  const n = Number((await client.query('SELECT count(*) AS n FROM blocks')).rows[0].n);
  await client.end();
  assert.equal(n, expected.size, 'nothing lost, nothing extra');
});
