/**
 * `fil-follower import`: real snapshots in (zstd, Forest's framed zstd, plain CARv1),
 * the chain indexed and the roots tipset made the head; a corrupt or truncated file
 * stops with the offset and CID and leaves the head where it was.
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { fixture, projectPath } from '../../common/paths.js';
import type { Store } from '../../store/open.js';
import { CarIndexer } from '@ipld/car';
import { type TestPg, startTestPg } from '../helpers/pg.js';
import { scratchDir } from '../helpers/tmp.js';

const tmp = scratchDir('import');
let pgh: TestPg;
let store: Store;

before(async () => {
  pgh = await startTestPg('import-pg');
  store = pgh.store;
});
after(async () => {
  await pgh?.stop();
});

function importCli(file: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [projectPath('dist', 'cli.js'), 'import', file, '--store-url', pgh.url], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, LOG_LEVEL: 'error', ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
async function blockCount(): Promise<number> {
  const c = new pg.Client({ connectionString: pgh.url });
  await c.connect();
  const n = Number((await c.query('SELECT count(*) AS n FROM blocks')).rows[0].n);
  await c.end();
  return n;
}

test('mainnet-h0-3.car.zst, then the Forest framed copy (idempotent), then mainnet-h0-341.car', async () => {
  const a = importCli(fixture('chain', 'mainnet-h0-3.car.zst'));
  assert.equal(a.status, 0, a.stderr);
  assert.match(a.stdout, /imported 1,222 blocks .* 4 tipsets indexed; head 3/);
  assert.match(a.stderr, /import mainnet-h0-3\.car\.zst .*100\.0% 1,222 blocks/, 'progress bar with blocks, bytes, rate');
  assert.equal(await blockCount(), 1222);
  assert.equal((await store.index.getHead())!.height, 3);

  const b = importCli(fixture('chain', 'mainnet-h0-3.forest.car.zst'));
  assert.equal(b.status, 0, b.stderr);
  assert.equal(await blockCount(), 1222, 'the same blocks: nothing duplicated');

  const c = importCli(fixture('chain', 'mainnet-h0-341.car'));
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stdout, /imported 8,475 blocks .* 319 tipsets indexed; head 341/);
  assert.equal(await blockCount(), 8475);
  const head = (await store.index.getHead())!;
  assert.equal(head.height, 341);
  assert.equal((await store.index.canonicalAt(4, 'before'))!.height, 3, 'null round 4: the tipset before');
  assert.deepEqual(await store.index.unfinishedImports(), []);
});

test('a flipped byte and a truncated file: the named error, exit 1, the head unchanged', async () => {
  const headBefore = (await store.index.getHead())!;
  const bytes = readFileSync(fixture('chain', 'mainnet-h0-39.car'));
  // the 50th block's section, located by @ipld/car's indexer (independent of our reader)
  let n = 0;
  let target: { cid: string; offset: number } | null = null;
  for await (const e of await CarIndexer.fromBytes(bytes)) {
    if (++n < 50) continue;
    target = { cid: e.cid.toString(), offset: e.offset };
    const flipped = Buffer.from(bytes);
    flipped[e.blockOffset + e.blockLength - 3] ^= 0x55;
    writeFileSync(join(tmp, 'flipped.car'), flipped);
    break;
  }
  const f = importCli(join(tmp, 'flipped.car'));
  assert.equal(f.status, 1);
  assert.match(f.stderr, new RegExp(`flipped\\.car: block bytes do not match their CID at byte offset ${target!.offset} \\(block ${target!.cid}\\)`));

  writeFileSync(join(tmp, 'truncated.car.zst'), readFileSync(fixture('chain', 'mainnet-h0-3.car.zst')).subarray(0, 200_000));
  const t = importCli(join(tmp, 'truncated.car.zst'));
  assert.equal(t.status, 1);
  assert.match(t.stderr, /truncated\.car\.zst: .*(truncated|zstd).* at byte offset \d+/);

  const headAfter = (await store.index.getHead())!;
  assert.deepEqual(headAfter.key.map(String), headBefore.key.map(String));
  assert.equal(headAfter.height, 341);
  // the interrupted imports are recorded, so an upstream leader refuses to sync until they are re-run
  assert.equal((await store.index.unfinishedImports()).length, 2);
});

test('the import runs itself again with --max-semi-space-size=IMPORT_SEMI_SPACE_MB unless node already has one; exit codes come through', async () => {
  const file = fixture('chain', 'mainnet-h0-3.car.zst'); // stored already: idempotent
  const started = (r: { stdout: string; stderr: string }): { execArgv: string[]; nodeOptions: string } => {
    const line = (r.stdout + r.stderr).split('\n').find((l) => l.includes('"import starting"'));
    assert.ok(line, `no "import starting" log line in ${r.stdout}${r.stderr}`);
    return JSON.parse(line);
  };
  const env = { LOG_LEVEL: 'info', LOG_FORMAT: 'json', NODE_OPTIONS: '' };
  const byDefault = importCli(file, env);
  assert.equal(byDefault.status, 0, byDefault.stderr);
  assert.deepEqual(started(byDefault).execArgv, ['--max-semi-space-size=64']);
  const set = importCli(file, { ...env, IMPORT_SEMI_SPACE_MB: '48' });
  assert.deepEqual(started(set).execArgv, ['--max-semi-space-size=48']);
  const off = importCli(file, { ...env, IMPORT_SEMI_SPACE_MB: '0' });
  assert.deepEqual(started(off).execArgv, []);
  // NODE_OPTIONS names one: no second process, the user's value stands
  const own = importCli(file, { ...env, NODE_OPTIONS: '--max_semi_space_size=20' });
  assert.equal(own.status, 0, own.stderr);
  assert.deepEqual([started(own).execArgv, started(own).nodeOptions], [[], '--max_semi_space_size=20']);
  // the child's exit code is the command's: a missing file fails in the child, with exit 1
  const missing = importCli(join(tmp, 'no-such.car'), env);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no-such\.car/);
  assert.deepEqual(started(missing).execArgv, ['--max-semi-space-size=64'], 'it failed in the restarted process');
});
