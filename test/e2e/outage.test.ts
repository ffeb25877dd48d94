/**
 * The store lost while running, then back: followers answer store-bound calls with a
 * JSON-RPC error (and keep answering ChainHead from memory), then recover by
 * themselves; the leader pauses its replay and resumes, losing and duplicating
 * nothing.
 */
import '../helpers/watchdog.js';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fixture } from '../../common/paths.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../store/embedded-postgres.js';
import { openStore } from '../../store/open.js';
import { silentLogger } from '../../common/logger.js';
import { loadConfig } from '../../common/config.js';
import { runLeader } from '../../leader/main.js';
import { runFollower } from '../../follower/main.js';
import { cidJson } from '../../chain/json.js';
import { CarReplaySource } from '../../leader/car-source.js';
import { assertFullReplayOf341 } from '../helpers/pg.js';
import { freePort, rpc, waitFor } from '../helpers/cluster.js';
import { scratchDir } from '../helpers/tmp.js';

const stops: Array<() => Promise<void>> = [];
after(async () => {
  for (const s of stops.reverse()) await s().catch(() => undefined);
});

test('PostgreSQL stopped mid-replay and started again: errors meanwhile, then full recovery', async () => {
  const dataDir = join(scratchDir('outage'), 'pg');
  const port = await freePort();
  let pgh: EmbeddedPostgresHandle = await startEmbeddedPostgres({ dataDir, port, log: silentLogger() });
  stops.push(() => pgh.stop());
  const leaderStore = await openStore(pgh.url, { migrate: true, connectTimeoutMs: 2000 });
  const followerStore = await openStore(pgh.url, { connectTimeoutMs: 2000 });
  stops.push(() => leaderStore.close(), () => followerStore.close());
  const car = fixture('chain', 'mainnet-h0-341.car');
  const leader = await runLeader(loadConfig('leader', { car, epochMs: '25', leaderPort: String(await freePort()) }, {}), leaderStore, silentLogger());
  stops.push(() => leader.stop());
  const fport = await freePort();
  const fcfg = loadConfig('follower', { port: String(fport), headPollMs: '100', blockCacheBytes: '1' }, {});
  fcfg.leaderUrl = leader.url.replace('http://', 'ws://') + '/rpc/v1';
  const follower = await runFollower(fcfg, followerStore, silentLogger());
  stops.push(() => follower.stop());
  const url = `http://127.0.0.1:${fport}/rpc/v1`;

  await waitFor(async () => (follower.tracker.head?.height ?? 0) >= 100, 30_000, 'head past 100');
  await pgh.stop();
  const heldHead = follower.tracker.head!;
  // the store is gone: store-bound calls fail with a JSON-RPC error, nothing crashes
  // a stored block nobody has read yet (the genesis state root), so no cache can answer
  const src = await CarReplaySource.open(car);
  const unread = src.tipsets[0]!.parentState;
  const r = await rpc(url, 'Filecoin.ChainReadObj', [cidJson(unread)]);
  assert.equal(r.status, 500);
  assert.equal(r.body.error.code, -32603);
  assert.match(r.body.error.message, /^store error: /);
  const h = await rpc(url, 'Filecoin.ChainHead');
  assert.equal(h.body.result.Height, heldHead.height, 'the head is still served');
  const ready = await fetch(url.replace('/rpc/v1', '/health/readyz'));
  assert.equal(ready.status, 503, 'not ready while the store is gone');
  await new Promise((res) => setTimeout(res, 2000));
  assert.equal(follower.tracker.head!.height, heldHead.height, 'no head move without the store');

  pgh = await startEmbeddedPostgres({ dataDir, port, log: silentLogger() });
  await waitFor(async () => follower.tracker.head?.height === 341, 90_000, 'recovered to 341');
  const again = await rpc(url, 'Filecoin.ChainReadObj', [cidJson(unread)]);
  assert.equal(again.body.result, Buffer.from(src.car.blocks.getSync(unread)!).toString('base64'));
  assert.equal((await fetch(url.replace('/rpc/v1', '/health/readyz'))).status, 200);

  await assertFullReplayOf341(pgh.url);
});
