/**
 * A leader with a short backfill (the production default is 900 epochs below the
 * upstream head): followers still get a head and know the network, ChainGetGenesis
 * answers (genesis is fetched and indexed on its own), and a height in the gap
 * between genesis and the backfilled range is refused rather than answered wrongly.
 * Also: a peer sending a `null` frame does not crash a client.
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { fixture } from '../../common/paths.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../store/embedded-postgres.js';
import { openStore, type Store } from '../../store/open.js';
import { silentLogger } from '../../common/logger.js';
import { loadConfig } from '../../common/config.js';
import { RpcWsClient } from '../../rpc/client.js';
import { runLeader, type LeaderHandle } from '../../leader/main.js';
import { runFollower, type FollowerHandle } from '../../follower/main.js';
import { freePort, rpc, waitFor } from '../helpers/cluster.js';
import { scratchDir } from '../helpers/tmp.js';
import { LotusUpstream } from '../helpers/lotus-upstream.js';

let pgh: EmbeddedPostgresHandle;
let stores: Store[] = [];
let upstream: LotusUpstream;
let leader: LeaderHandle;
let follower: FollowerHandle;
let url: string;

before(async () => {
  pgh = await startEmbeddedPostgres({ dataDir: join(scratchDir('bf'), 'pg'), port: await freePort(), log: silentLogger() });
  stores = [await openStore(pgh.url, { migrate: true }), await openStore(pgh.url)];
  upstream = await LotusUpstream.create(fixture('chain', 'mainnet-h0-341.car'), await freePort(), 250);
  await upstream.serve();
  leader = await runLeader(loadConfig('leader', { upstreamUrl: upstream.url, backfillEpochs: '40', leaderPort: String(await freePort()) }, {}), stores[0]!, silentLogger());
  const port = await freePort();
  const cfg = loadConfig('follower', { port: String(port), headPollMs: '100', leaderUrl: leader.url.replace('http://', 'ws://') + '/rpc/v1' }, {});
  follower = await runFollower(cfg, stores[1]!, silentLogger());
  url = `http://127.0.0.1:${port}/rpc/v1`;
});
after(async () => {
  await follower?.stop();
  await leader?.stop();
  await upstream?.stop();
  for (const s of stores) await s.close();
  await pgh?.stop();
});

test('backfill of 40 epochs: a head, the network, genesis; the gap below is refused', async () => {
  const top = upstream.head.height;
  await waitFor(async () => (await rpc(url, 'Filecoin.ChainHead')).body?.result?.Height === top, 60_000, `follower at ${top}`);
  assert.equal((await rpc(url, 'Filecoin.ChainGetGenesis')).body.result.Cids[0]['/'], 'bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm2');
  assert.equal((await rpc(url, 'Filecoin.ChainHead')).body.result.Blocks[0].Miner.slice(0, 1), 'f', 'mainnet addresses');
  assert.equal((await rpc(url, 'Filecoin.EthChainId')).body.result, '0x13a');
  assert.equal((await rpc(url, 'Filecoin.StateNetworkName')).body.result, 'testnetnet');
  const inRange = await rpc(url, 'Filecoin.ChainGetTipSetByHeight', [top - 20, null]);
  assert.ok(inRange.body.result.Height <= top - 20 && inRange.body.result.Height > top - 30);
  const gap = await rpc(url, 'Filecoin.ChainGetTipSetByHeight', [100, null]);
  assert.deepEqual(gap.body.error, { code: 1, message: "tipset at height 100 is not in the store's indexed chain" });
  assert.equal((await rpc(url, 'Filecoin.ChainGetTipSetByHeight', [0, null])).body.result.Height, 0);
});

test('a peer that sends a null frame (or a number) does not crash the client', async () => {
  const port = await freePort();
  const wss = new WebSocketServer({ host: '127.0.0.1', port });
  wss.on('connection', (ws) => {
    ws.on('message', (d) => {
      const req = JSON.parse(String(d));
      ws.send('null');
      ws.send('42');
      ws.send('[1,2]');
      ws.send(JSON.stringify({ id: req.id, jsonrpc: '2.0', result: 'still fine' }));
    });
  });
  const client = await RpcWsClient.connect(`ws://127.0.0.1:${port}`);
  assert.equal(await client.call('Filecoin.Anything'), 'still fine');
  client.close();
  await new Promise((r) => wss.close(r));
});
