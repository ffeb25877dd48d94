/**
 * What the method registry drives, end to end through the balancer of a cluster
 * started as `npm start` starts it (mainnet-h0-341.car, two followers) with a
 * loopback "full node" that records what it receives: the OpenRPC document from
 * `Filecoin.Discover`/`rpc.discover`; forwarded methods reaching the full node
 * unchanged (single, inside a batch, over a WebSocket); refused methods answering
 * their reason; `eth_syncing` (added with one declaration) served and in the
 * metrics; and settings reaching `start`'s children by environment, secrets never
 * on a command line.
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { WebSocket } from 'ws';
import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import { validateOpenRPCDocument } from '@open-rpc/schema-utils-js';
import { REGISTRY } from '../../api/methods.js';
import { openRpcDocument } from '../../api/docs.js';
import { CarReplaySource } from '../../leader/car-source.js';
import { fixture } from '../../common/paths.js';
import { cborLinks } from '../helpers/cbor-links.js';
import { freePort, post, rolePids, rpc, startCluster, type TestCluster, waitFor } from '../helpers/cluster.js';
import { metricValue } from '../helpers/metrics.js';

const CAR = fixture('chain', 'mainnet-h0-341.car');
const TOKEN = 'test-token-5f1c';
let cluster: TestCluster;
let src: CarReplaySource;
let fullNode: FastifyInstance;
/** Bodies (and authorization headers) the loopback full node received, in order. */
const received: Array<{ body: string; auth: string | undefined; path: string }> = [];

before(async () => {
  src = await CarReplaySource.open(CAR);
  fullNode = Fastify();
  fullNode.removeAllContentTypeParsers();
  fullNode.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  fullNode.post('/rpc/v1', async (req, reply) => {
    const body = req.body as string;
    received.push({ body, auth: req.headers.authorization, path: req.url });
    const answer = (r: { id?: unknown; method: string }) => ({ jsonrpc: '2.0', id: r.id, result: `fullnode:${r.method}` });
    const parsed = JSON.parse(body);
    const out = Array.isArray(parsed) ? parsed.filter((r) => r.id !== undefined).map(answer) : answer(parsed);
    return reply.header('content-type', 'application/json').send(JSON.stringify(out));
  });
  const fnPort = await freePort();
  await fullNode.listen({ host: '127.0.0.1', port: fnPort });
  cluster = await startCluster({
    epochMs: 0,
    car: CAR,
    extra: ['--fullnode-url', `http://127.0.0.1:${fnPort}/rpc/v1`, '--reconnect-max-ms', '4321'],
    env: { FULLNODE_TOKEN: TOKEN },
  });
  await waitFor(async () => (await rpc(cluster.lbUrl, 'Filecoin.ChainHead')).body?.result?.Height === 341, 120_000, 'head 341 through the balancer');
  // both followers at the head (eth_syncing answers false only there)
  for (const u of cluster.followerUrls) await waitFor(async () => (await rpc(`${u}/rpc/v1`, 'Filecoin.ChainHead')).body?.result?.Height === 341, 60_000, `${u} at 341`);
});
after(async () => {
  await cluster?.stop();
  await fullNode?.close();
});

test('eth_syncing (one declaration) is in every follower\'s metrics from the start, served, and counted', async () => {
  const series = 'filfollower_rpc_requests_total{method="Filecoin.EthSyncing",code="0"}';
  const counts = async (): Promise<number[]> =>
    Promise.all(cluster.followerUrls.map((u) => metricValue(u, series)));
  assert.deepEqual(await counts(), [0, 0], 'listed at zero before any call');
  const r = await rpc(cluster.lbUrl, 'eth_syncing');
  assert.equal(r.status, 200);
  assert.equal(r.body.result, false, 'a follower at the store head is done syncing');
  assert.deepEqual((await counts()).reduce((a, b) => a + b), 1);
  const alias = await rpc(cluster.lbUrl, 'Filecoin.EthSyncing');
  assert.equal(alias.body.result, false);
});

test('with both followers at the head, reads through the balancer alternate between them', async () => {
  const seen: string[] = [];
  for (let i = 0; i < 10; i++) {
    const res = await fetch(cluster.lbUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'Filecoin.ChainHead', params: [] }) });
    assert.equal(((await res.json()) as { result: { Height: number } }).result.Height, 341);
    seen.push(res.headers.get('x-upstream')!);
  }
  assert.deepEqual(new Set(seen), new Set(cluster.followerUrls), `answered by ${seen.join(', ')}`);
});

test('Filecoin.Discover and rpc.discover answer the OpenRPC document of the path, valid and complete', async () => {
  for (const version of ['v1', 'v0'] as const) {
    const url = cluster.lbUrl.replace('/rpc/v1', `/rpc/${version}`);
    const a = (await rpc(url, 'Filecoin.Discover')).body.result;
    const b = (await rpc(url, 'rpc.discover')).body.result;
    assert.deepEqual(a, b);
    assert.deepEqual(a, JSON.parse(JSON.stringify(openRpcDocument(REGISTRY, version))));
    assert.equal(validateOpenRPCDocument(a), true);
    const names = new Set((a.methods as Array<{ name: string }>).map((m) => m.name));
    assert.equal(names.has('Filecoin.StateSearchMsgLimited'), version === 'v0');
    for (const n of ['Filecoin.ChainHead', 'eth_call', 'Filecoin.MpoolPushMessage', 'eth_syncing']) assert.ok(names.has(n), n);
  }
});

test('a forwarded method reaches the full node unchanged, with its token, and its answer comes back', async () => {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 'call-1', method: 'eth_call', params: [{ to: '0x0000000000000000000000000000000000000000', data: '0x' }, 'latest'] });
  const before = received.length;
  const r = await post(cluster.lbUrl, body);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(JSON.parse(r.text), { jsonrpc: '2.0', id: 'call-1', result: 'fullnode:eth_call' });
  assert.equal(received.length, before + 1);
  assert.equal(received.at(-1)!.body, body, 'the bytes the client sent');
  assert.equal(received.at(-1)!.auth, `Bearer ${TOKEN}`);
});

/** What needs execution or the mempool (DESIGN.md §2): the registry must forward exactly these. */
const FORWARDED = [
  'Filecoin.StateCall',
  'Filecoin.GasEstimateMessageGas', 'Filecoin.GasEstimateGasLimit', 'Filecoin.GasEstimateFeeCap',
  'Filecoin.MpoolPush', 'Filecoin.MpoolPending', 'Filecoin.MpoolGetNonce',
  'Filecoin.EthCall', 'eth_call', 'Filecoin.EthEstimateGas', 'eth_estimateGas', 'Filecoin.EthSendRawTransaction', 'eth_sendRawTransaction',
  'Filecoin.StateReplay', 'Filecoin.MinerGetBaseInfo', 'Filecoin.F3GetCertificate', 'Filecoin.F3GetLatestCertificate', 'Filecoin.F3GetPowerTableByInstance',
  'Filecoin.EthTraceBlock', 'trace_block', 'Filecoin.EthTraceReplayBlockTransactions', 'trace_replayBlockTransactions', 'Filecoin.EthTraceTransaction', 'trace_transaction', 'Filecoin.EthTraceFilter', 'trace_filter',
];

test('every forwarded method of the registry, by name and alias, on v0, v1 and v2, reaches the full node', async () => {
  assert.deepEqual([...REGISTRY.forwardedNames()].sort(), [...FORWARDED].sort());
  for (const version of ['v1', 'v0', 'v2'] as const) {
    const url = cluster.lbUrl.replace('/rpc/v1', `/rpc/${version}`);
    for (const name of FORWARDED) {
      if (!REGISTRY.lookup(name, version)) continue; // not in this version (F3: v1 only; v2: the eth ones)
      const before = received.length;
      const r = await rpc(url, name, []);
      assert.equal(r.body.result, `fullnode:${name}`, `${version} ${name}`);
      assert.equal(JSON.parse(received[before]!.body).method, name);
    }
  }
});

test('a batch mixing reads and forwarded methods is split by item and answered in request order', async () => {
  const before = received.length;
  const batch = [
    { jsonrpc: '2.0', id: 1, method: 'Filecoin.ChainHead', params: [] },
    { jsonrpc: '2.0', id: 2, method: 'eth_estimateGas', params: [{}] },
    { jsonrpc: '2.0', id: 3, method: 'eth_chainId', params: [] },
    { jsonrpc: '2.0', method: 'Filecoin.StateCall', params: [{}, []] },
    { jsonrpc: '2.0', id: 4, method: 'Filecoin.MpoolGetNonce', params: ['f01'] },
  ];
  const r = await post(cluster.lbUrl, JSON.stringify(batch));
  assert.equal(r.status, 200);
  const out = JSON.parse(r.text) as Array<{ id: number; result: any }>;
  assert.deepEqual(out.map((x) => x.id), [1, 2, 3, 4], 'the notification gets no answer');
  assert.equal(out[0]!.result.Height, 341);
  assert.equal(out[1]!.result, 'fullnode:eth_estimateGas');
  assert.equal(out[2]!.result, '0x13a', 'mainnet: 314');
  assert.equal(out[3]!.result, 'fullnode:Filecoin.MpoolGetNonce');
  assert.equal(received.length, before + 1, 'one sub-batch to the full node');
  assert.deepEqual((JSON.parse(received.at(-1)!.body) as Array<{ method: string }>).map((x) => x.method), ['eth_estimateGas', 'Filecoin.StateCall', 'Filecoin.MpoolGetNonce']);
});

test('over a WebSocket, forwarded frames are answered by the full node and reads by the pinned follower', async () => {
  const ws = new WebSocket(cluster.lbWsUrl);
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  const answers = new Map<number, any>();
  ws.on('message', (d) => {
    const m = JSON.parse(String(d));
    for (const a of Array.isArray(m) ? m : [m]) answers.set(a.id, a);
  });
  try {
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'eth_sendRawTransaction', params: ['0x02'] }));
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'Filecoin.ChainHead', params: [] }));
    ws.send(JSON.stringify([{ jsonrpc: '2.0', id: 7, method: 'eth_blockNumber', params: [] }, { jsonrpc: '2.0', id: 8, method: 'Filecoin.GasEstimateFeeCap', params: [{}, 0, []] }]));
    await waitFor(async () => answers.size === 4, 30_000, 'four answers');
    assert.equal(answers.get(5).result, 'fullnode:eth_sendRawTransaction');
    assert.equal(answers.get(6).result.Height, 341);
    const parent = src.tipsets.find((t) => t.height === 341)!.blocks[0]!.header.parents;
    const parentHeight = src.tipsets.find((t) => t.key.map(String).join() === parent.map(String).join())!.height;
    assert.equal(answers.get(7).result, `0x${parentHeight.toString(16)}`, 'eth_blockNumber: the head\'s parent');
    assert.equal(answers.get(8).result, 'fullnode:Filecoin.GasEstimateFeeCap');
  } finally {
    ws.close();
  }
});

test('refused methods answer -32601 with their reason; a forwarded method sent to a follower directly says why', async () => {
  const sign = await rpc(cluster.lbUrl, 'Filecoin.WalletSign', ['f01', 'AA==']);
  assert.equal(sign.body.error.code, -32601);
  assert.match(sign.body.error.message, /^method 'Filecoin.WalletSign' is not served by this read-only gateway: the gateway holds no keys/);
  const direct = await rpc(`${cluster.followerUrls[0]}/rpc/v1`, 'Filecoin.StateCall', [{}, []]);
  assert.equal(direct.body.error.code, -32601);
  assert.match(direct.body.error.message, /needs execution or the mempool/);
  const net = await rpc(cluster.lbUrl, 'net_version');
  assert.equal(net.body.result, '314');
  assert.equal((await rpc(cluster.lbUrl, 'net_listening')).body.result, true);
  assert.match((await rpc(cluster.lbUrl, 'web3_clientVersion')).body.result, /^0\.1\.0\+mainnet\+fil-follower$/);
});

test("ChainStatObj of the genesis header counts the blocks and bytes reachable from it, by Lotus's rules (an independent walk of the CAR)", async () => {
  const genesis = src.tipsets[0]!.key[0]!;
  let size = 0;
  let links = 0;
  const seen = new Set<string>();
  const stack: CID[] = [CID.parse(genesis.toString())];
  while (stack.length) {
    const c = stack.pop()!;
    // Lotus skips sector commitments (fil-commitment-unsealed/-sealed: baga…, bagboea…)
    if (seen.has(c.toString()) || c.code === 0xf101 || c.code === 0xf102) continue;
    seen.add(c.toString());
    // identity CIDs (the actors v0 code CIDs) count with their inline bytes
    const bytes = c.multihash.code === 0 ? c.multihash.digest : src.car.blocks.getSync(c as never);
    assert.ok(bytes, `${c} is in the CAR`);
    size += bytes.length;
    links++;
    if (c.code !== dagCbor.code) continue;
    stack.push(...cborLinks(bytes));
  }
  assert.ok(links > 1000, `${links} blocks under the genesis header`);
  const r = await rpc(cluster.lbUrl, 'Filecoin.ChainStatObj', [{ '/': genesis.toString() }, null]);
  assert.deepEqual(r.body.result, { Size: size, Links: links });
  // with the genesis state root as the base, only the header and its other links remain
  const header = src.tipsets[0]!.blocks[0]!.header;
  const rest = await rpc(cluster.lbUrl, 'Filecoin.ChainStatObj', [{ '/': genesis.toString() }, { '/': header.parentStateRoot.toString() }]);
  assert.ok(rest.body.result.Links >= 1 && rest.body.result.Links < links && rest.body.result.Size < size, JSON.stringify(rest.body));
});

test("settings reach start's children by environment; no secret is on any command line", async () => {
  const env = (pid: number): Record<string, string> =>
    Object.fromEntries(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  const roles = [...rolePids(cluster, 'follower'), ...rolePids(cluster, 'leader'), ...rolePids(cluster, 'lb')];
  for (const p of roles) assert.ok(!p.argv.join(' ').includes(TOKEN), `no token on argv: ${p.argv.join(' ')}`);
  const byRole = (r: 'follower' | 'leader' | 'lb') => rolePids(cluster, r);
  assert.equal(byRole('follower').length, 2);
  assert.equal(byRole('leader').length, 1);
  assert.equal(byRole('lb').length, 1);
  assert.equal(env(byRole('lb')[0]!.pid).FULLNODE_TOKEN, TOKEN);
  for (const p of [...byRole('follower'), ...byRole('leader')]) assert.equal(env(p.pid).RECONNECT_MAX_MS, '4321', `${p.argv.at(-1)} gets --reconnect-max-ms`);
});

test('a browser preflight and a cross-origin POST succeed on the balancer and on a follower (CORS_ORIGINS=*)', async () => {
  for (const url of [cluster.lbUrl, `${cluster.followerUrls[0]}/rpc/v1`]) {
    const pre = await fetch(url, { method: 'OPTIONS', headers: { origin: 'https://dapp.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    assert.equal(pre.status, 204, url);
    assert.equal(pre.headers.get('access-control-allow-origin'), '*');
    const res = await fetch(url, { method: 'POST', headers: { origin: 'https://dapp.example', 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }) });
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(((await res.json()) as { result: string }).result, '0x13a');
  }
});

test('rate limits priced by cost class: one IP held to its rate with 429 + Retry-After + -32005, another IP unaffected', async () => {
  const { runBalancer } = await import('../../loadbalancer/balancer.js');
  const { silentLogger } = await import('../../common/logger.js');
  const { Agent, fetch: undiciFetch } = await import('undici');
  const lbPort = await freePort();
  const lb = await runBalancer(
    { host: '127.0.0.1', port: lbPort, maxLagEpochs: 2, healthIntervalMs: 600_000, retries: 2, maxRequestBytes: 1 << 20, upstreams: cluster.followerUrls, rateLimit: 1, rateBurstSeconds: 20 },
    silentLogger(),
  );
  // the balancer listens on 127.0.0.1; Linux routes all of 127/8 to loopback, so a second client can come from 127.0.0.2
  const second = new Agent({ localAddress: '127.0.0.2' });
  try {
    const url = `http://127.0.0.1:${lbPort}/rpc/v1`;
    const call = async (method: string, id: number, dispatcher?: InstanceType<typeof Agent>) => {
      const res = await undiciFetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id, method, params: [] }), ...(dispatcher ? { dispatcher } : {}) });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { result?: unknown; error?: { code: number; message: string }; id: unknown } };
    };
    // a bucket of 20 tokens refilled at 1 a second: light calls pass until it is empty (at least 20), then one is refused
    const answers = [];
    for (let i = 0; i < 500 && answers.at(-1)?.status !== 429; i++) answers.push(await call('Filecoin.ChainHead', i));
    const refused = answers.at(-1)!;
    assert.equal(refused.status, 429);
    assert.ok(answers.length >= 21 && answers.slice(0, -1).every((a) => a.status === 200), `${answers.length - 1} calls passed first`);
    assert.equal(refused.retryAfter, '1');
    assert.equal(refused.body.error?.code, -32005);
    assert.equal(refused.body.id, answers.length - 1);
    assert.match(refused.body.error!.message, /^rate limit exceeded: this request costs 1 tokens at 1 per second; retry in 1 s$/);
    const heavy = await call('Filecoin.StateListActors', 999);
    assert.equal(heavy.status, 429, 'a heavy call (20 tokens) waits for a fuller bucket');
    const other = await call('Filecoin.ChainHead', 1, second);
    assert.equal(other.status, 200, 'a second client is not held by the first one\'s bucket');
    const metrics = await (await fetch(`http://127.0.0.1:${lbPort}/debug/metrics`)).text();
    assert.match(metrics, /^filfollower_rate_limited_total [1-9]/m);
  } finally {
    await second.close();
    await lb.stop();
  }
});

test('a WebSocket client that stops reading is closed by the balancer, not buffered for without end', async () => {
  const { runBalancer } = await import('../../loadbalancer/balancer.js');
  const { silentLogger } = await import('../../common/logger.js');
  const lbPort = await freePort();
  const lb = await runBalancer(
    { host: '127.0.0.1', port: lbPort, maxLagEpochs: 2, healthIntervalMs: 600_000, retries: 2, maxRequestBytes: 1 << 20, upstreams: cluster.followerUrls, wsMaxBufferedBytes: 256 << 10 },
    silentLogger(),
  );
  const ws = new WebSocket(`ws://127.0.0.1:${lbPort}/rpc/v1`);
  try {
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    const closed = new Promise<void>((r) => ws.once('close', () => r()));
    // stop reading: answers pile up in the kernel, then at the balancer
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const gauge = (name: string): Promise<number> => metricValue(`http://127.0.0.1:${lbPort}`, name);
    let sent = 0;
    await waitFor(async () => {
      // about 3 KB per answer: keep asking until the balancer gives up on this client
      for (let i = 0; i < 500 && ws.readyState === WebSocket.OPEN; i++, sent++) ws.send(JSON.stringify({ jsonrpc: '2.0', id: sent, method: 'Filecoin.ChainGetTipSetByHeight', params: [sent % 341, null] }));
      return (await gauge('filfollower_ws_slow_clients_closed_total')) >= 1;
    }, 60_000, 'the balancer to close the client that does not read');
    await waitFor(async () => (await gauge('filfollower_ws_connections')) === 0, 30_000, 'its connection (and the follower side) gone');
    (ws as unknown as { _socket: { resume(): void } })._socket.resume();
    await closed;
  } finally {
    ws.terminate();
    await lb.stop();
  }
});

test('500 large TipSetKeys (64 distinct CIDs each, and 10,000 repeats) are refused without growing the follower', async () => {
  const follower = `${cluster.followerUrls[0]}/rpc/v1`;
  const rss = (): Promise<number> => metricValue(cluster.followerUrls[0]!, 'filfollower_process_resident_memory_bytes');
  const cids = src.tipsets.flatMap((t) => t.key.map((c) => ({ '/': c.toString() })));
  const before = await rss();
  const repeat = await rpc(follower, 'Filecoin.ChainGetTipSet', [Array(10_000).fill(cids[0])]);
  assert.equal(repeat.body.error.code, -32602);
  assert.match(repeat.body.error.message, /a TipSetKey names at most 64 blocks, got 10000$/);
  assert.match((await rpc(follower, 'Filecoin.ChainGetTipSet', [[cids[5], cids[5]]])).body.error.message, /appears twice in the TipSetKey$/);
  for (let i = 0; i < 500; i++) {
    const key = Array.from({ length: 64 }, (_, k) => cids[(i * 7 + k * 13) % cids.length]);
    const distinct = [...new Map(key.map((c) => [c!['/'], c])).values()];
    const r = await rpc(follower, i % 2 ? 'Filecoin.ChainGetTipSet' : 'Filecoin.StateGetActor', i % 2 ? [distinct] : ['f01', distinct]);
    assert.ok(r.body.error, `varied key ${i} is no tipset`);
    assert.ok(r.body.error.message.length <= 1100);
  }
  const after = await rss();
  process.stdout.write(`# follower RSS ${(before / 1e6).toFixed(0)} MB → ${(after / 1e6).toFixed(0)} MB after 500 large keys\n`);
  assert.ok(after - before < 100e6, `RSS grew ${((after - before) / 1e6).toFixed(0)} MB`);
});

test('per-IP WebSocket cap: the connection over MAX_WS_PER_IP is answered -32005 and closed; a closed one frees its place', async () => {
  const { runBalancer } = await import('../../loadbalancer/balancer.js');
  const { silentLogger } = await import('../../common/logger.js');
  const lbPort = await freePort();
  const lb = await runBalancer(
    { host: '127.0.0.1', port: lbPort, maxLagEpochs: 2, healthIntervalMs: 600_000, retries: 2, maxRequestBytes: 1 << 20, upstreams: cluster.followerUrls, maxWsPerIp: 2 },
    silentLogger(),
  );
  const open = async (): Promise<{ ws: WebSocket; first: Promise<string>; closed: Promise<number> }> => {
    const ws = new WebSocket(`ws://127.0.0.1:${lbPort}/rpc/v1`);
    const first = new Promise<string>((r) => ws.once('message', (d) => r(String(d))));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    return { ws, first, closed };
  };
  const conns: WebSocket[] = [];
  try {
    const a = await open();
    const b = await open();
    conns.push(a.ws, b.ws);
    const c = await open();
    conns.push(c.ws);
    assert.deepEqual(JSON.parse(await c.first).error, { code: -32005, message: 'too many WebSocket connections from 127.0.0.1 (limit 2)' });
    assert.equal(await c.closed, 1008);
    a.ws.close();
    await a.closed;
    // the freed place is taken by a new connection, which is served
    await waitFor(async () => {
      const d = await open();
      conns.push(d.ws);
      d.ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'Filecoin.ChainHead', params: [] }));
      const m = JSON.parse(await Promise.race([d.first, d.closed.then(() => '{}')])) as { result?: { Height: number } };
      return m.result?.Height === 341;
    }, 30_000, 'a new connection once one closed');
  } finally {
    for (const w of conns) w.terminate();
    await lb.stop();
  }
});

test("ChainNotify through the balancer is served from its own subscription to the pinned follower: that follower's current, 16 per connection, xrpc.cancel", async () => {
  const { LOCAL_CHANNEL_BASE } = await import('../../loadbalancer/notify-fanout.js');
  const ws = new WebSocket(cluster.lbWsUrl);
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  const replies = new Map<number, { result?: unknown; error?: { code: number; message: string } }>();
  const values = new Map<number, unknown[]>();
  const closes: number[] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(String(d));
    if (m.id !== undefined) replies.set(m.id, m);
    if (m.method === 'xrpc.ch.val') values.set(m.params[0], m.params[1]);
    if (m.method === 'xrpc.ch.close') closes.push(m.params[0]);
  });
  try {
    for (let i = 1; i <= 17; i++) ws.send(JSON.stringify({ jsonrpc: '2.0', id: i, method: 'Filecoin.ChainNotify', params: [] }));
    await waitFor(async () => replies.size === 17, 10_000, '17 replies');
    const ids = [...Array(16).keys()].map((i) => replies.get(i + 1)!.result as number);
    assert.ok(ids.every((id) => id >= LOCAL_CHANNEL_BASE), `channel ids from the balancer: ${ids.join(',')}`);
    assert.deepEqual(replies.get(17)!.error, { code: -32005, message: 'too many subscriptions on this connection (limit 16)' });
    await waitFor(async () => values.size === 16, 10_000, '16 currents');
    // the same head JSON as the follower's ChainHead (both followers are at 341)
    const head = (await rpc(`${cluster.followerUrls[0]}/rpc/v1`, 'Filecoin.ChainHead')).body.result;
    for (const id of ids) assert.deepEqual(values.get(id), [{ Type: 'current', Val: head }]);
    ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'xrpc.cancel', params: [3] }));
    await waitFor(async () => closes.length === 1, 5000, 'channel closed');
    assert.equal(closes[0], ids[2]);
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 18, method: 'Filecoin.ChainNotify', params: [] }));
    await waitFor(async () => replies.has(18), 5000, 'reply 18');
    assert.equal(typeof replies.get(18)!.result, 'number', 'a freed slot can be used again');
  } finally {
    ws.close();
  }
});
