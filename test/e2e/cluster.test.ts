/**
 * End to end, through the load balancer, with the cluster started the way
 * `npm start` starts it (embedded PostgreSQL, leader replaying
 * mainnet-h0-341.car, two followers, balancer): heights, blocks, messages and
 * ChainNotify equal what the CAR holds; a published Filecoin client library reads
 * through the balancer; each bad input gets its JSON-RPC error.
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import Fastify from 'fastify';
import { runBalancer } from '../../loadbalancer/balancer.js';
import { silentLogger } from '../../common/logger.js';
import { freePort } from '../helpers/cluster.js';
import { RPC } from 'iso-filecoin/rpc';
import { CarReplaySource } from '../../leader/car-source.js';
import { fixture } from '../../common/paths.js';
import { blockHeaderJson, cidJson, messageJson, signedMessageJson } from '../../chain/json.js';
import { ChainReader } from '../../blockstore/chain-reader.js';
import { post, rpc, startCluster, type TestCluster, waitFor } from '../helpers/cluster.js';

const CAR = fixture('chain', 'mainnet-h0-341.car');
let cluster: TestCluster;
let src: CarReplaySource;
/** ChainNotify values seen by a WebSocket client subscribed through the balancer from the start. */
const notified: Array<Array<{ Type: string; Val: { Height: number; Cids: unknown[]; Blocks: Array<{ Parents: unknown[] }> } }>> = [];
let ws: WebSocket;

before(async () => {
  src = await CarReplaySource.open(CAR);
  // 40 ms per tipset: long enough for the subscriber to join before the replay ends
  cluster = await startCluster({ epochMs: 40, car: CAR });
  await waitFor(async () => (await fetch(cluster.lbUrl.replace('/rpc/v1', '/health/readyz'))).ok, 60_000, 'a ready follower behind the balancer');
  ws = new WebSocket(cluster.lbWsUrl);
  await new Promise((r) => ws.once('open', r));
  ws.on('message', (d) => {
    const m = JSON.parse(String(d));
    if (m.method === 'xrpc.ch.val') notified.push(m.params[1]);
  });
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'Filecoin.ChainNotify', params: [] }));
});

after(async () => {
  ws?.close();
  const code = await cluster?.stop();
  // 130 = 128 + SIGINT, the conventional status after Ctrl-C; anything else (1, or null after SIGKILL) fails
  assert.equal(code, 130, `cluster exits cleanly on SIGINT:\n${cluster?.output().slice(-2000)}`);
  assert.match(cluster.output(), /stopped\./);
});

test('the head reaches height 341 with the CAR roots as its blocks', async () => {
  const head = await waitFor(async () => {
    const r = await rpc(cluster.lbUrl, 'Filecoin.ChainHead');
    return r.body.result?.Height === 341 ? r.body.result : null;
  }, 90_000, 'head 341');
  assert.deepEqual(head.Cids.map((c: { '/': string }) => c['/']), src.car.roots.map(String));
  // every follower reaches it too
  for (const f of cluster.followerUrls) {
    await waitFor(async () => (await rpc(`${f}/rpc/v1`, 'Filecoin.ChainHead')).body.result?.Height === 341, 30_000, `follower ${f} at 341`);
  }
});

test('ChainGetTipSetByHeight for every height 0–341 returns the CAR tipset (null rounds: the one before)', async () => {
  const byHeight = new Map(src.tipsets.map((t) => [t.height, t]));
  let nulls = 0;
  let expected = src.tipsets[0]!;
  for (let h = 0; h <= 341; h++) {
    const t = byHeight.get(h);
    if (t) expected = t;
    else nulls++;
    const r = await rpc(cluster.lbUrl, 'Filecoin.ChainGetTipSetByHeight', [h, null], h);
    assert.equal(r.status, 200);
    assert.equal(r.body.result.Height, expected.height, `height ${h}`);
    assert.deepEqual(r.body.result.Cids.map((c: { '/': string }) => c['/']), expected.key.map(String), `height ${h}`);
  }
  assert.equal(nulls, 23, 'the segment has 23 null rounds');
  // AfterHeight at a null round gives the next tipset; 4 is a null round
  const after4 = await rpc(cluster.lbUrl, 'Filecoin.ChainGetTipSetAfterHeight', [4, []]);
  assert.equal(after4.body.result.Height, 5);
});

test('ChainGetBlock and ChainGetBlockMessages equal the CAR for a sample of blocks', async () => {
  const reader = new ChainReader(src.car.blocks);
  const sample = src.tipsets.filter((_, i) => i % 16 === 0 || i === src.tipsets.length - 1).flatMap((t) => t.blocks);
  let msgs = 0;
  for (const b of sample) {
    const r = await rpc(cluster.lbUrl, 'Filecoin.ChainGetBlock', [cidJson(b.cid)]);
    assert.deepEqual(r.body.result, blockHeaderJson(b.header, 'f'), `block ${b.cid}`);
    assert.match(r.body.result.Miner, /^f0(0|100[0-2])$/, 'miners are f01000–f01002 (genesis: f00)');
    const m = await rpc(cluster.lbUrl, 'Filecoin.ChainGetBlockMessages', [cidJson(b.cid)]);
    const want = await reader.messagesForBlock(b.header);
    assert.deepEqual(m.body.result.Cids, [...want.bls, ...want.secpk].map((x) => cidJson(x.cid)));
    assert.deepEqual(m.body.result.BlsMessages, want.bls.map((x) => messageJson(x.message, 'f', x.cid)));
    assert.deepEqual(m.body.result.SecpkMessages, want.secpk.map((x) => signedMessageJson(x.signed, 'f', x.cid)));
    msgs += m.body.result.Cids.length;
    for (const x of want.secpk.slice(0, 2)) {
      // a secp CID answers with the inner unsigned message, whose CID differs
      const g = await rpc(cluster.lbUrl, 'Filecoin.ChainGetMessage', [cidJson(x.cid)]);
      assert.deepEqual(g.body.result, messageJson(x.signed.message, 'f'));
      assert.notEqual(g.body.result.CID['/'], x.cid.toString());
    }
  }
  assert.ok(msgs > 100, `sample carries messages (${msgs})`);
  const raw = await rpc(cluster.lbUrl, 'Filecoin.ChainReadObj', [cidJson(sample[0]!.cid)]);
  assert.equal(raw.body.result, Buffer.from(src.car.blocks.getSync(sample[0]!.cid)!).toString('base64'));
  assert.equal((await rpc(cluster.lbUrl, 'Filecoin.ChainHasObj', [cidJson(sample[0]!.cid)])).body.result, true);
});

test('genesis, network name and version', async () => {
  const g = await rpc(cluster.lbUrl, 'Filecoin.ChainGetGenesis');
  assert.equal(g.body.result.Cids[0]['/'], 'bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm2');
  assert.equal((await rpc(cluster.lbUrl, 'Filecoin.StateNetworkName')).body.result, 'testnetnet');
  assert.equal((await rpc(cluster.lbUrl, 'Filecoin.Version')).body.result.APIVersion, 131840);
  assert.equal((await rpc(cluster.lbUrl.replace('/v1', '/v0'), 'Filecoin.Version')).body.result.APIVersion, 66816);
  assert.equal((await rpc(cluster.lbUrl, 'eth_chainId')).body.result, '0x13a');
});

test('a WebSocket ChainNotify client sees current first, then every tipset applied in order', async () => {
  await waitFor(async () => notified.at(-1)?.at(-1)?.Val.Height === 341, 60_000, 'notification of 341');
  assert.equal(notified[0]!.length, 1);
  assert.equal(notified[0]![0]!.Type, 'current');
  let prev = notified[0]![0]!.Val;
  const startHeight = prev.Height;
  assert.ok(startHeight < 341, `subscribed before the replay ended (at ${startHeight})`);
  let applies = 0;
  for (const batch of notified.slice(1)) {
    for (const c of batch) {
      assert.equal(c.Type, 'apply');
      assert.deepEqual(c.Val.Blocks[0]!.Parents, prev.Cids, `apply ${c.Val.Height} extends ${prev.Height}`);
      prev = c.Val;
      applies++;
    }
  }
  assert.equal(prev.Height, 341);
  const expectedApplies = src.tipsets.filter((t) => t.height > startHeight).length;
  assert.equal(applies, expectedApplies, 'no tipset skipped or repeated');
});

test('a published client library (iso-filecoin) reads ChainHead and a block through the balancer', async () => {
  const client = new RPC({ api: cluster.lbUrl, network: 'mainnet' });
  const head = await client.chainHead();
  assert.equal(head.error, undefined, `chainHead error: ${JSON.stringify(head.error)}`);
  assert.equal(head.result!.Height, 341);
  const block = await client.call<{ Height: number; Miner: string }>({ method: 'Filecoin.ChainGetBlock', params: [head.result!.Cids[0]] });
  assert.equal(block.error, undefined);
  assert.equal(block.result!.Height, 341);
  assert.match(block.result!.Miner, /^f0100[0-2]$/);
});

test('bad input gets the JSON-RPC error Lotus gives', async () => {
  const url = cluster.lbUrl;
  const parse = await post(url, '{"jsonrpc":"2.0","id":1,"method":');
  assert.equal(parse.status, 500);
  assert.deepEqual(JSON.parse(parse.text), { error: { code: -32700, message: 'Parse error' }, id: null, jsonrpc: '2.0' });

  const empty = await post(url, '');
  assert.equal(empty.status, 400);
  assert.equal(JSON.parse(empty.text).error.code, -32600);
  for (const body of ['{"jsonrpc":"2.0","id":1,"method":5}', '42', '"hello"', '{"jsonrpc":"2.0","id":1}']) {
    const notReq = await post(url, body);
    assert.equal(notReq.status, 400, body);
    assert.equal(JSON.parse(notReq.text).error.code, -32600, body);
  }

  const unknown = await rpc(url, 'Filecoin.NoSuchMethod');
  assert.deepEqual(unknown.body.error, { code: -32601, message: "method 'Filecoin.NoSuchMethod' not found" });

  const arity = await rpc(url, 'Filecoin.ChainGetBlock', []);
  assert.deepEqual(arity.body.error, { code: -32602, message: "wrong param count (method 'Filecoin.ChainGetBlock'): 0 != 1" });

  const badCid = await rpc(url, 'Filecoin.ChainGetBlock', [{ '/': 'not-a-cid' }]);
  assert.equal(badCid.body.error.code, -32602);
  assert.match(badCid.body.error.message, /param: \*cid\.Cid/);

  const badTsk = await rpc(url, 'Filecoin.ChainGetTipSet', ['nope']);
  assert.equal(badTsk.body.error.code, -32602);
  assert.match(badTsk.body.error.message, /TipSetKey/);

  const badHeight = await rpc(url, 'Filecoin.ChainGetTipSetByHeight', ['ten', null]);
  assert.equal(badHeight.body.error.code, -32602);

  const notStored = await rpc(url, 'Filecoin.ChainReadObj', [{ '/': 'bafy2bzacebwjt2adbqmthpulhydgl4gobllfxjuxl4cnzvc5qfd47dn34d6ba' }]);
  assert.deepEqual(notStored.body.error, { code: 1, message: 'blockstore get: ipld: could not find bafy2bzacebwjt2adbqmthpulhydgl4gobllfxjuxl4cnzvc5qfd47dn34d6ba' });
  assert.equal(notStored.status, 200);
  const notBlock = await rpc(url, 'Filecoin.ChainGetBlock', [{ '/': 'bafy2bzacebwjt2adbqmthpulhydgl4gobllfxjuxl4cnzvc5qfd47dn34d6ba' }]);
  assert.deepEqual(notBlock.body.error, { code: 1, message: 'ipld: could not find bafy2bzacebwjt2adbqmthpulhydgl4gobllfxjuxl4cnzvc5qfd47dn34d6ba' });
  assert.equal((await rpc(url, 'Filecoin.ChainHasObj', [{ '/': 'bafy2bzacebwjt2adbqmthpulhydgl4gobllfxjuxl4cnzvc5qfd47dn34d6ba' }])).body.result, false);
  // an unknown block in a TipSetKey: Lotus's LoadTipSet error, inside "loading tipset {…}: " where Lotus adds it
  const missing = 'bafy2bzacebwjt2adbqmthpulhydgl4gobllfxjuxl4cnzvc5qfd47dn34d6ba';
  const getBlock = `get block ${missing}: ipld: could not find ${missing}`;
  const key = [{ '/': missing }];
  for (const [method, params, message] of [
    ['Filecoin.ChainGetTipSet', [key], getBlock],
    ['Filecoin.ChainGetMessagesInTipset', [key], getBlock],
    ['Filecoin.ChainGetTipSetByHeight', [1, key], `loading tipset {${missing}}: ${getBlock}`],
    ['Filecoin.StateGetActor', ['f01', key], `loading tipset {${missing}}: ${getBlock}`],
    ['Filecoin.StateLookupID', ['f01', key], `loading tipset {${missing}}: ${getBlock}`],
  ] as const) {
    assert.deepEqual((await rpc(url, method, [...params])).body.error, { code: 1, message }, method);
  }

  const tooHigh = await rpc(url, 'Filecoin.ChainGetTipSetByHeight', [1000, null]);
  assert.deepEqual(tooHigh.body.error, { code: 1, message: 'looking for tipset with height greater than start point, req: 1000, head: 341' });

  const emptyKey = await rpc(url, 'Filecoin.ChainGetTipSet', [[]]);
  assert.deepEqual(emptyKey.body.error, { code: 1, message: 'NewTipSet called with zero length array of blocks' });

  const notify = await rpc(url, 'Filecoin.ChainNotify');
  assert.deepEqual(notify.body.error, { code: -32601, message: "method 'Filecoin.ChainNotify' not supported in this mode (no out channel support)" });

  const big = await post(url, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'Filecoin.ChainHead', params: ['x'.repeat(2 << 20)] }));
  assert.equal(JSON.parse(big.text).error.code, -32700);
  assert.match(JSON.parse(big.text).error.message, /request bigger than maximum/);

  const batch = await post(url, JSON.stringify([
    { jsonrpc: '2.0', id: 1, method: 'Filecoin.ChainHead', params: [] },
    { jsonrpc: '2.0', id: 'two', method: 'Filecoin.Nope', params: [] },
  ]));
  const arr = JSON.parse(batch.text);
  assert.equal(arr.length, 2);
  assert.equal(arr[0].result.Height, 341);
  assert.equal(arr[1].id, 'two');
  assert.equal(arr[1].error.code, -32601);

  // the servers survived all of it
  assert.equal((await rpc(url, 'Filecoin.ChainHead')).body.result.Height, 341);
});

test('the balancer retries on another follower when one refuses the connection, and skips lagging ones', async () => {
  // a follower that reports itself ready at 341, then dies before the next health poll
  const doomed = Fastify();
  doomed.get('/health/readyz', async () => ({ ok: true, height: 341 }));
  const doomedPort = await freePort();
  await doomed.listen({ host: '127.0.0.1', port: doomedPort });
  // a ready follower lagging far behind: never chosen
  const laggard = Fastify();
  laggard.get('/health/readyz', async () => ({ ok: true, height: 100 }));
  laggard.post('/rpc/v1', async () => ({ id: 1, jsonrpc: '2.0', result: 'stale' }));
  const lagPort = await freePort();
  await laggard.listen({ host: '127.0.0.1', port: lagPort });
  const lbPort = await freePort();
  const lb = await runBalancer(
    {
      host: '127.0.0.1', port: lbPort, maxLagEpochs: 2, healthIntervalMs: 600_000, retries: 2, maxRequestBytes: 1 << 20,
      upstreams: [`http://127.0.0.1:${doomedPort}`, `http://127.0.0.1:${lagPort}`, cluster.followerUrls[0]!],
    },
    silentLogger(),
  );
  try {
    assert.deepEqual(lb.upstreams().map((u) => u.ready), [true, true, true]);
    await doomed.close();
    const heights = [];
    for (let i = 0; i < 6; i++) {
      const r = await rpc(`http://127.0.0.1:${lbPort}/rpc/v1`, 'Filecoin.ChainHead');
      assert.equal(r.status, 200);
      heights.push(r.body.result.Height);
    }
    assert.deepEqual(heights, [341, 341, 341, 341, 341, 341], 'every request answered by the live, caught-up follower');
    assert.equal(lb.upstreams()[0]!.up, false, 'the refusing follower is marked down');
  } finally {
    await lb.stop();
    await laggard.close();
  }
});

test('the balancer discovers followers behind a DNS name (dns+http://name:port, as compose --scale uses)', async () => {
  const lbPort = await freePort();
  const lb = await runBalancer(
    { host: '127.0.0.1', port: lbPort, maxLagEpochs: 2, healthIntervalMs: 600_000, retries: 1, maxRequestBytes: 1 << 20, upstreams: [`dns+${cluster.followerUrls[1]!.replace('127.0.0.1', 'localhost')}`] },
    silentLogger(),
  );
  try {
    assert.deepEqual(lb.upstreams().map((u) => u.url), [cluster.followerUrls[1]]);
    const r = await rpc(`http://127.0.0.1:${lbPort}/rpc/v1`, 'Filecoin.ChainHead');
    assert.equal(r.body.result.Height, 341);
  } finally {
    await lb.stop();
  }
});

test('a WebSocket connection may hold 16 subscriptions; the 17th is refused with -32005; xrpc.cancel closes one', async () => {
  const sock = new WebSocket(cluster.followerUrls[0]!.replace('http', 'ws') + '/rpc/v1');
  await new Promise((r) => sock.once('open', r));
  const replies = new Map<number, { result?: number; error?: { code: number } }>();
  const closes: number[] = [];
  sock.on('message', (d) => {
    const m = JSON.parse(String(d));
    if (m.id !== undefined) replies.set(m.id, m);
    if (m.method === 'xrpc.ch.close') closes.push(m.params[0]);
  });
  for (let i = 1; i <= 17; i++) sock.send(JSON.stringify({ jsonrpc: '2.0', id: i, method: 'Filecoin.ChainNotify', params: [] }));
  await waitFor(async () => replies.size === 17, 10_000, '17 replies');
  assert.equal([...replies.values()].filter((r) => typeof r.result === 'number').length, 16);
  assert.equal(replies.get(17)!.error!.code, -32005);
  sock.send(JSON.stringify({ jsonrpc: '2.0', method: 'xrpc.cancel', params: [3] }));
  await waitFor(async () => closes.length === 1, 5000, 'channel closed');
  assert.equal(closes[0], replies.get(3)!.result);
  sock.send(JSON.stringify({ jsonrpc: '2.0', id: 18, method: 'Filecoin.ChainNotify', params: [] }));
  await waitFor(async () => replies.has(18), 5000, 'reply 18');
  assert.equal(typeof replies.get(18)!.result, 'number', 'a freed slot can be used again');
  sock.close();
});
