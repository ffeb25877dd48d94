/**
 * PostgreSQL stopped for 15 s under read load, through the balancer of a cluster run
 * as `npm start` runs it (3 followers, the leader replaying mainnet-h0-341.car at
 * 100 ms epochs) on a PostgreSQL the test owns: reads the followers answered before
 * (cached) keep succeeding, reads nothing has cached fail with -32603 within 1 s
 * each, and afterwards everything recovers by itself with nothing lost or doubled.
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { CID } from 'multiformats/cid';
import { cborLinks } from '../helpers/cbor-links.js';
import * as dagCbor from '@ipld/dag-cbor';
import { fixture } from '../../common/paths.js';
import { silentLogger } from '../../common/logger.js';
import { cidJson } from '../../chain/json.js';
import { CarReplaySource } from '../../leader/car-source.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../store/embedded-postgres.js';
import { assertFullReplayOf341 } from '../helpers/pg.js';
import { freePort, rpc, startCluster, type TestCluster, waitFor } from '../helpers/cluster.js';
import { scratchDir } from '../helpers/tmp.js';

const CAR = fixture('chain', 'mainnet-h0-341.car');
const OUTAGE_MS = 15_000;
let cluster: TestCluster;
let pgh: EmbeddedPostgresHandle | undefined;
let dataDir: string;
let pgPort: number;

before(async () => {
  dataDir = join(scratchDir('lb-outage'), 'pg');
  pgPort = await freePort();
  pgh = await startEmbeddedPostgres({ dataDir, port: pgPort, log: silentLogger() });
  cluster = await startCluster({ followers: 3, epochMs: 100, car: CAR, env: { STORE_URL: pgh.url } });
});
after(async () => {
  await cluster?.stop();
  await pgh?.stop();
});

/** One read through the balancer: its outcome and how long it took (ms). */
async function timedRead(method: string, params: unknown[]): Promise<{ ms: number; status: number; result?: unknown; error?: { code: number; message: string } }> {
  const t0 = performance.now();
  const r = await rpc(cluster.lbUrl, method, params);
  return { ms: performance.now() - t0, status: r.status, result: r.body?.result, error: r.body?.error };
}

test('PostgreSQL stopped 15 s under read load: cached reads all succeed, uncached ones fail with -32603 within 1 s, full recovery after', async () => {
  const src = await CarReplaySource.open(CAR);
  await waitFor(async () => (await rpc(cluster.lbUrl, 'Filecoin.ChainHead')).body?.result?.Height >= 120, 90_000, 'head past 120');

  // cached: headers and messages of the first 40 tipsets, read on every follower directly
  const cached: Array<{ method: string; params: unknown[]; expect: unknown }> = [];
  for (const ts of src.tipsets.slice(0, 40)) {
    for (const c of ts.key) cached.push({ method: 'Filecoin.ChainGetBlock', params: [cidJson(c)], expect: undefined });
    cached.push({ method: 'Filecoin.ChainGetBlockMessages', params: [cidJson(ts.key[0]!)], expect: undefined });
  }
  for (const c of cached) {
    for (const f of cluster.followerUrls) {
      const r = await rpc(`${f}/rpc/v1`, c.method, c.params);
      assert.ok(r.body.result, `${c.method} ${JSON.stringify(c.params)} on ${f}: ${JSON.stringify(r.body.error)}`);
      c.expect ??= r.body.result;
      assert.deepEqual(r.body.result, c.expect, 'every follower answers the same');
    }
  }
  // uncached: nodes of the genesis state tree, which no read above and no follower touches
  const uncached: CID[] = [];
  const queue: CID[] = [src.tipsets[0]!.parentState];
  const seen = new Set<string>();
  while (queue.length > 0 && uncached.length < 60) {
    const c = queue.shift()!;
    const bytes = seen.has(c.toString()) ? null : src.car.blocks.getSync(c);
    seen.add(c.toString());
    if (!bytes || c.code !== dagCbor.code) continue;
    uncached.push(c);
    queue.push(...cborLinks(bytes));
  }
  assert.ok(uncached.length >= 20, `${uncached.length} uncached state-tree nodes`);

  await pgh!.stop();
  pgh = undefined;
  const stoppedAt = Date.now();
  const cachedFailures: string[] = [];
  const uncachedAnswers: Array<{ ms: number; code?: number; message?: string }> = [];
  let cachedReads = 0;
  let i = 0;
  while (Date.now() - stoppedAt < OUTAGE_MS) {
    const c = cached[i % cached.length]!;
    const r = await timedRead(c.method, c.params);
    cachedReads++;
    try {
      assert.deepEqual(r.result, c.expect);
    } catch {
      cachedFailures.push(`${c.method}: HTTP ${r.status} ${JSON.stringify(r.error)}`);
    }
    if (i % 10 === 0) {
      const u = await timedRead('Filecoin.ChainReadObj', [cidJson(uncached[(i / 10) % uncached.length]!)]);
      uncachedAnswers.push({ ms: u.ms, code: u.error?.code, message: u.error?.message });
    }
    i++;
  }
  const slowest = Math.max(...uncachedAnswers.map((u) => u.ms));
  process.stdout.write(`# outage: ${cachedReads} cached reads, ${cachedFailures.length} failed; ${uncachedAnswers.length} uncached reads, slowest ${slowest.toFixed(0)} ms\n`);
  assert.deepEqual(cachedFailures.slice(0, 5), [], `${cachedFailures.length} of ${cachedReads} cached reads failed`);
  assert.ok(cachedReads > 100, `read load during the outage (${cachedReads})`);
  for (const u of uncachedAnswers) {
    assert.equal(u.code, -32603, JSON.stringify(u));
    assert.match(u.message!, /^store error: /);
    assert.ok(u.ms < 1000, `uncached read answered in ${u.ms.toFixed(0)} ms`);
  }

  pgh = await startEmbeddedPostgres({ dataDir, port: pgPort, log: silentLogger() });
  // recovery: the replay resumes to its last height, every follower follows, uncached reads are answered
  await waitFor(async () => {
    const r = await fetch(cluster.lbUrl.replace('/rpc/v1', '/health/readyz'));
    const body = (await r.json()) as { upstreams: Array<{ height: number | null; ready: boolean }> };
    return body.upstreams.every((u) => u.ready && u.height === 341);
  }, 120_000, 'every follower at 341 in the balancer');
  for (const root of uncached.slice(0, 20)) {
    const r = await rpc(cluster.lbUrl, 'Filecoin.ChainReadObj', [cidJson(root)]);
    assert.equal(r.body.result, Buffer.from(src.car.blocks.getSync(root)!).toString('base64'));
  }
  await assertFullReplayOf341(pgh.url);
});
