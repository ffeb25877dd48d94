/**
 * A malformed CAR stops the leader with an error naming the offset or the CID,
 * before anything is written: the head a previous replay committed is unchanged.
 * Also: the zstd-compressed CARs (plain and Forest's framed format) load.
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCar, CarFormatError } from '../../blockstore/car.js';
import { CarIndexer } from '@ipld/car';
import { fixture, projectPath } from '../../common/paths.js';
import type { Store } from '../../store/open.js';
import { type TestPg, startTestPg } from '../helpers/pg.js';
import { scratchDir } from '../helpers/tmp.js';

const tmp = scratchDir('car');
let pg: TestPg;
let store: Store;

before(async () => {
  pg = await startTestPg('car-pg');
  store = pg.store;
});
after(async () => {
  await pg?.stop();
});

function runLeader(car: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [projectPath('dist', 'cli.js'), 'leader', '--car', car, '--epoch-ms', '0', '--leader-port', '0', '--store-url', pg.url], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, LOG_LEVEL: 'error' },
  });
  return { status: r.status, stderr: r.stderr };
}

test('zstd CARs (plain and Forest framed) load and verify', async () => {
  const a = await loadCar(fixture('chain', 'mainnet-h0-3.car.zst'));
  const b = await loadCar(fixture('chain', 'mainnet-h0-3.forest.car.zst'));
  assert.equal(a.blocks.size, 1222);
  assert.equal(b.blocks.size, 1222);
  assert.equal(a.roots[0]!.toString(), 'bafy2bzacedjrqan2fwfvhfopi64yickki7miiksecglpeiavf7xueytnzevlu');
  assert.deepEqual(a.roots.map(String), b.roots.map(String));
});

test('a truncated CAR and a CAR with a flipped byte are refused with the offset / CID, and the head stays', async () => {
  // first a good replay of the small segment: its head is what must survive
  const good = fixture('chain', 'mainnet-h0-39.car');
  const ok = runLeaderUntilHead(good);
  assert.equal(ok, 39);
  const headBefore = await store.index.getHead();
  assert.equal(headBefore!.height, 39);

  const bytes = readFileSync(fixture('chain', 'mainnet-h0-341.car'));
  const truncated = join(tmp, 'truncated.car');
  writeFileSync(truncated, bytes.subarray(0, 2_000_000));
  const t = await loadCar(truncated).then(() => null, (e) => e);
  assert.ok(t instanceof CarFormatError, `truncated: ${t}`);
  assert.match(t.message, /byte offset \d+/);
  const r1 = runLeader(truncated);
  assert.equal(r1.status, 1);
  assert.match(r1.stderr, /truncated\.car: .* at byte offset \d+/);

  // flip one byte inside the 100th block's data
  const idx = await CarIndexer.fromBytes(bytes);
  let n = 0;
  let target: { cid: { toString(): string }; blockOffset: number; offset: number } | null = null;
  for await (const e of idx) if (++n === 100) { target = e; break; }
  const flipped = Buffer.from(bytes);
  flipped[target!.blockOffset + 5] ^= 0xff;
  const flippedPath = join(tmp, 'flipped.car');
  writeFileSync(flippedPath, flipped);
  const r2 = runLeader(flippedPath);
  assert.equal(r2.status, 1);
  assert.ok(r2.stderr.includes(target!.cid.toString()), `names the corrupt block's CID: ${r2.stderr}`);
  assert.ok(r2.stderr.includes(`byte offset ${target!.offset}`), `names its offset: ${r2.stderr}`);

  const headAfter = await store.index.getHead();
  assert.deepEqual(headAfter!.key.map(String), headBefore!.key.map(String), 'the committed head is unchanged');
});

/** Run the leader on a CAR until its replay completes, then stop it; returns the head height. */
function runLeaderUntilHead(car: string): number {
  const script = `
    import { runLeader } from ${JSON.stringify(projectPath('dist', 'leader', 'main.js'))};
    import { openStore } from ${JSON.stringify(projectPath('dist', 'store', 'open.js'))};
    import { silentLogger } from ${JSON.stringify(projectPath('dist', 'common', 'logger.js'))};
    import { loadConfig } from ${JSON.stringify(projectPath('dist', 'common', 'config.js'))};
    const store = await openStore(${JSON.stringify(pg.url)}, { migrate: true });
    const cfg = loadConfig('leader', { car: ${JSON.stringify(car)}, epochMs: '0', fixturesDir: '/', leaderPort: '0' }, {});
    const h = await runLeader(cfg, store, silentLogger());
    await h.replayed; await h.stop(); await store.close();
    console.log(h.leader.currentHead.height);
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(r.stdout.trim());
}
