/**
 * The eth API on a follower, in process over a real embedded PostgreSQL, on the
 * SYNTHETIC FEVM chain: a reorg (the fork branch applied by the leader) reaches
 * `logs` subscriptions as `removed: true` for what the reverted tipsets executed and
 * as new logs for the fork's, `newHeads` and filters follow it, receipts of
 * transactions only on the old branch turn null; WebSocket-only methods over HTTP and
 * the per-connection cap; and every eth method's bad input answered with Lotus's
 * code and message.
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { rpc, waitFor } from '../helpers/cluster.js';
import { scratchDir } from '../helpers/tmp.js';
import { startInProcess, type InProcess } from '../helpers/inprocess.js';
import { writeSyntheticFevm, type SynthFiles } from '../../synth/write.js';
import type { SynthManifest, SynthTx } from '../../synth/fevm-chain.js';
import { CarReplaySource } from '../../leader/car-source.js';
import { CID } from '../../chain/cid.js';
import { tipSetKeyCid } from '../../chain/tipset.js';

let files: SynthFiles & { manifestData: SynthManifest };
let m: SynthManifest;
let ip: InProcess;

before(async () => {
  files = await writeSyntheticFevm(scratchDir('ethapi'), { epochs: 40, progress: false });
  m = files.manifestData;
  ip = await startInProcess(files.car);
  await waitFor(async () => (await rpc(ip.url, 'eth_blockNumber')).body?.result === '0x27', 60_000, 'follower at 40');
});
after(async () => {
  await ip?.stop();
});

/** A JSON-RPC WebSocket client that keeps every notification. */
async function wsClient(url: string) {
  const ws = new WebSocket(url.replace('http', 'ws'));
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  const pending = new Map<number, (v: { result?: unknown; error?: { code: number; message: string } }) => void>();
  const notes: Array<{ subscription: string; result: any }> = [];
  ws.on('message', (d) => {
    const msg = JSON.parse(String(d));
    if (msg.method === 'eth_subscription') notes.push(msg.params);
    else pending.get(msg.id)?.(msg);
  });
  let id = 0;
  const call = (method: string, params: unknown[] = []) =>
    new Promise<{ result?: any; error?: { code: number; message: string } }>((resolve) => {
      pending.set(++id, resolve);
      ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    });
  return { ws, call, notes };
}

const logKey = (l: { topics: string[]; data: string; blockNumber?: string }) => `${l.topics.join(',')}|${l.data}`;
const logsOfTxs = (txs: SynthTx[]) => txs.sort((a, b) => a.height - b.height || a.index - b.index).flatMap((t) => t.logs.map((l) => logKey(l)));

test('a reorg: logs subscriptions get removed: true for what the reverted tipsets executed and the fork\'s logs after; newHeads, block and log filters follow; old-branch receipts turn null', async () => {
  const c = await wsClient(ip.url);
  try {
    const logsSub = (await c.call('eth_subscribe', ['logs', { address: m.token.address }])).result as string;
    const headsSub = (await c.call('eth_subscribe', ['newHeads'])).result as string;
    assert.match(logsSub, /^0x[0-9a-f]{32}0{32}$/);
    const blockFilter = (await c.call('eth_newBlockFilter')).result as string;
    const logFilter = (await c.call('eth_newFilter', [{ address: [m.token.address] }])).result as string;
    // pre-filled, as Lotus: the events of latest (head−1)
    const prefill = (await c.call('eth_getFilterChanges', [logFilter])).result as Array<{ blockNumber: string }>;
    assert.deepEqual(prefill.map((l) => Number(l.blockNumber)).filter((h) => h !== 39), []);
    assert.equal(prefill.length, m.txs.filter((t) => t.height === 39).flatMap((t) => t.logs).length);
    const fork = m.fork!;
    const gone = m.txs.filter((t) => t.height >= fork.fromHeight && t.logs.length > 0);
    assert.ok(gone.length > 0, 'the old branch has logs past the fork');
    // the leader applies the fork branch (one tipset longer): a revert/apply path
    const src = await CarReplaySource.open(files.forkCar!);
    const steps = src.steps();
    await ip.leader.advance(steps.at(-1)!.tipset, steps.flatMap((s) => s.blocks));
    await waitFor(async () => (await rpc(ip.url, 'eth_blockNumber')).body?.result === `0x${(fork.head.height - 1).toString(16)}`, 30_000, 'follower on the fork');
    // removed: what reverted tipsets executed (the events of their parents: fromHeight−1 … 39)
    // reverts come from the old head down, so their logs tipset by tipset, highest first
    const removedWant = Array.from({ length: 40 - fork.fromHeight + 1 }, (_, i) => 39 - i).flatMap((h) => logsOfTxs(m.txs.filter((t) => t.height === h)));
    const addedWant = logsOfTxs([...m.txs.filter((t) => t.height === fork.fromHeight - 1), ...fork.txs.filter((t) => t.height < fork.head.height)]);
    await waitFor(async () => c.notes.filter((n) => n.subscription === logsSub).length >= removedWant.length + addedWant.length, 30_000, 'log notifications');
    const logNotes = c.notes.filter((n) => n.subscription === logsSub).map((n) => n.result);
    assert.deepEqual(logNotes.filter((l) => l.removed).map(logKey), removedWant);
    assert.deepEqual(logNotes.filter((l) => !l.removed).map(logKey), addedWant);
    assert.ok(logNotes.every((l) => l.address === m.token.address));
    // newHeads: the parent of every applied head, full transactions, ascending
    const heads = c.notes.filter((n) => n.subscription === headsSub).map((n) => n.result);
    assert.deepEqual(heads.map((b) => Number(b.number)), Array.from({ length: fork.head.height - fork.fromHeight + 1 }, (_, i) => fork.fromHeight - 1 + i));
    for (const b of heads) assert.equal(b.transactions.filter((t: unknown) => typeof t === 'object').length, b.transactions.length);
    // filters: hashes of the applied heads; the fork's logs
    const hashes = (await c.call('eth_getFilterChanges', [blockFilter])).result as string[];
    assert.equal(hashes.length, fork.head.height - fork.fromHeight + 1);
    assert.equal(hashes.at(-1), `0x${Buffer.from(tipSetKeyCid(fork.head.key.map((k) => CID.parse(k))).multihash.digest).toString('hex')}`, 'the new head');
    // the log filter covers heights from latest at install (39) on, removals included (as Lotus's)
    const filtered = (await c.call('eth_getFilterLogs', [logFilter])).result as Array<{ removed: boolean; topics: string[]; data: string }>;
    assert.deepEqual(filtered.map((l) => [l.removed, logKey(l)]), logNotes.filter((l) => Number(l.blockNumber) >= 39).map((l) => [l.removed, logKey(l)]));
    assert.ok(filtered.length > 0, "the fork executed logs at 39 and 40");
    assert.deepEqual((await c.call('eth_getFilterChanges', [logFilter])).result, [], 'drained');
    // an old-branch transaction: no receipt now; a fork one: its receipt
    const oldOnly = gone.find((t) => !fork.txs.some((f) => f.hash === t.hash) && t.height < 40)!;
    assert.equal((await rpc(ip.url, 'eth_getTransactionReceipt', [oldOnly.hash])).body.result, null);
    const forkTx = fork.txs.find((t) => t.logs.length > 0 && t.height < fork.head.height)!;
    assert.equal((await rpc(ip.url, 'eth_getTransactionReceipt', [forkTx.hash])).body.result.blockNumber, `0x${forkTx.height.toString(16)}`);
    // getLogs agrees with the fork
    const all = (await rpc(ip.url, 'eth_getLogs', [{ fromBlock: '0x0', address: m.token.address }])).body.result as Array<{ topics: string[]; data: string }>;
    assert.deepEqual(all.map(logKey), logsOfTxs([...m.txs.filter((t) => t.height < fork.fromHeight), ...fork.txs.filter((t) => t.height < fork.head.height)]));
    // unsubscribe, uninstall
    assert.equal((await c.call('eth_unsubscribe', [logsSub])).result, true);
    assert.equal((await c.call('eth_unsubscribe', [logsSub])).result, false);
    assert.equal((await c.call('eth_uninstallFilter', [blockFilter])).result, true);
    assert.deepEqual((await c.call('eth_getFilterChanges', [blockFilter])).error, { code: 1, message: 'filter not found' });
  } finally {
    c.ws.close();
  }
});

test('WebSocket-only methods over HTTP, and at most 16 subscriptions plus filters per connection', async () => {
  for (const [method, go] of [['eth_newFilter', 'EthNewFilter'], ['eth_newBlockFilter', 'EthNewBlockFilter'], ['eth_getFilterChanges', 'EthGetFilterChanges']] as const) {
    const params = method === 'eth_newFilter' ? [{}] : method === 'eth_getFilterChanges' ? ['0x01'] : [];
    assert.deepEqual((await rpc(ip.url, method, params)).body.error, { code: 1, message: `${go} not supported: stateful methods are only available on websocket connections` });
  }
  assert.deepEqual((await rpc(ip.url, 'eth_subscribe', ['newHeads'])).body.error, { code: 1, message: "EthSubscribe not supported: connection doesn't support callbacks" });
  assert.equal((await rpc(ip.url, 'eth_newPendingTransactionFilter')).body.error.code, -32601);
  const c = await wsClient(ip.url);
  try {
    for (let i = 0; i < 8; i++) assert.ok((await c.call('eth_subscribe', ['newHeads'])).result);
    for (let i = 0; i < 8; i++) assert.ok((await c.call('eth_newBlockFilter')).result);
    assert.deepEqual((await c.call('eth_newBlockFilter')).error, { code: 1, message: 'too many subscriptions and filters per connection' });
    assert.deepEqual((await c.call('eth_subscribe', ['newHeads'])).error, { code: 1, message: 'too many subscriptions and filters per connection' });
    assert.equal((await c.call('eth_subscribe', ['newPendingTransactions'])).error!.message, 'unsupported event type: newPendingTransactions (a follower has no mempool)');
  } finally {
    c.ws.close();
  }
});

/** [method, params, code, message (exact, or a RegExp)] */
const BAD: Array<[string, unknown[], number, string | RegExp]> = [
  ['eth_getBlockByNumber', ['0x99999', false], 1, "requested a future epoch (beyond 'latest')"],
  ['eth_getBlockByNumber', ['zz', false], 1, 'failed to parse block number: strconv.ParseUint: parsing "zz": invalid syntax'],
  ['eth_getBlockByNumber', ['earliest', false], 1, 'block param "earliest" is not supported'],
  ['eth_getBlockByNumber', ['0x9', false], 12, 'requested epoch was a null round (9)'],
  ['eth_getBlockByNumber', ['latest', 'yes'], -32602, /^unmarshaling params for 'eth_getBlockByNumber' \(param: bool\): fullTxInfo: json: cannot unmarshal "yes" into Go value of type bool$/],
  ['eth_getBlockByNumber', ['latest'], -32602, "wrong param count (method 'eth_getBlockByNumber'): 1 != 2"],
  ['eth_getBlockByHash', ['0x1234', false], -32602, /expected hex string length sans prefix 64, got 4$/],
  ['eth_getBlockByHash', [`0x${'ab'.repeat(32)}`, false], 1, /^failed to get tipset by hash: ipld: could not find bafy2bzace/],
  ['eth_getTransactionByBlockNumberAndIndex', ['0x5', '0x63'], 1, /^index 99 out of range: tipset contains \d+ messages$/],
  ['eth_getTransactionByBlockNumberAndIndex', ['0x5', 'zz'], -32602, /strconv.ParseUint: parsing "zz": invalid syntax$/],
  ['eth_getBalance', ['0x1234', 'latest'], -32602, /expected hex string length sans prefix 40, got 4$/],
  ['eth_getBalance', [`0x${'11'.repeat(20)}`, 42], -32602, /cannot unmarshal number into Go value of type string$/],
  ['eth_getBalance', [`0x${'11'.repeat(20)}`, { blockNumber: '0x1', blockHash: `0x${'00'.repeat(32)}` }], -32602, /cannot specify both blockNumber and blockHash$/],
  ['eth_getBlockByNumber', ['pending', false], 1, /^tipset at height \d+ has not been executed yet/],
  ['eth_getStorageAt', [`0x${'11'.repeat(20)}`, `0x${'00'.repeat(33)}`, 'latest'], 1, 'supplied storage key is too long'],
  ['eth_getStorageAt', [`0x${'11'.repeat(20)}`, '0xzz', 'latest'], -32602, /invalid byte/],
  ['eth_getCode', [`0x${'11'.repeat(20)}`, '0x0'], 1, 'block param must not specify genesis block'],
  ['eth_getLogs', [{ fromBlock: '0x0', toBlock: '0xc35' }], -32005, 'block range exceeds maximum of 2880 (got 3125)'],
  ['eth_getLogs', [{ fromBlock: '10' }], 1, 'failed to get events for filter: failed to parse eth filter spec: FromBlock is not a hex'],
  ['eth_getLogs', [{ fromBlock: 'pending' }], 1, 'failed to get events for filter: failed to parse eth filter spec: FromBlock is not a hex'],
  ['eth_getLogs', [{ fromBlock: '0x5', toBlock: '0x2' }], 1, 'failed to get events for filter: failed to parse eth filter spec: invalid epoch range: to block (2) must be after from block (5)'],
  ['eth_getLogs', [{ blockHash: `0x${'ab'.repeat(32)}`, fromBlock: '0x1' }], 1, 'failed to get events for filter: failed to parse eth filter spec: must not specify block hash and from/to block'],
  ['eth_getLogs', [{ fromBlock: '0x1', topics: [null, null, null, null, null] }], 1, 'failed to get events for filter: failed to parse eth filter spec: too many topics in filter: 5, max: 4'],
  ['eth_getLogs', [{ toBlock: '0x999' }], 1, 'failed to get events for filter: events for the requested block are not yet available'],
  ['eth_getLogs', [{ address: '0x12' }], -32602, /expected hex string length sans prefix 40, got 2$/],
  ['eth_feeHistory', ['0x401', 'latest'], 1, 'block count should be smaller than 1024'],
  ['eth_feeHistory', ['0x2', 'latest', [50, 10]], 1, 'invalid reward percentile: 10.000000 should be larger than 50.000000'],
  ['eth_feeHistory', ['0x2', 'latest', [101]], 1, 'invalid reward percentile: 101.000000 should be between 0 and 100'],
  ['eth_getTransactionReceipt', ['0x12'], -32602, /expected hex string length sans prefix 64, got 2$/],
  ['eth_subscribe', [], -32602, "wrong param count (method 'eth_subscribe'): 0 != 2"],
];

test('bad input to every eth method: Lotus\'s code and message', async () => {
  for (const [method, params, code, message] of BAD) {
    const e = (await rpc(ip.url, method, params)).body.error;
    assert.ok(e, `${method} ${JSON.stringify(params)} answered ${JSON.stringify(e)}`);
    assert.equal(e.code, code, `${method} ${JSON.stringify(params)}: ${e.message}`);
    if (typeof message === 'string') assert.equal(e.message, message, method);
    else assert.match(e.message, message, method);
  }
  // the quiet answers: unknown transactions are null, not errors (Lotus)
  assert.equal((await rpc(ip.url, 'eth_getTransactionByHash', [null])).body.result, null);
  assert.equal((await rpc(ip.url, 'eth_getTransactionByHash', [`0x${'cd'.repeat(32)}`])).body.result, null);
  assert.equal((await rpc(ip.url, 'eth_getTransactionReceipt', [`0x${'cd'.repeat(32)}`])).body.result, null);
  assert.equal((await rpc(ip.url, 'eth_getBalance', [`0x${'11'.repeat(20)}`, 'latest'])).body.result, '0x0');
  // a devnet runs the newest network version from genesis (as Lotus's 2k build)
  assert.equal((await rpc(ip.url, 'eth_protocolVersion')).body.result, '0x1c');
  // safe (head−200) and finalized (head−900) are genesis on a 41-epoch chain; so is ChainGetFinalizedTipSet (EC finality)
  const fin = (await rpc(ip.url, 'Filecoin.ChainGetFinalizedTipSet')).body.result;
  assert.deepEqual([fin.Height, fin.Cids[0]['/']], [0, m.genesis]);
  for (const tag of ['safe', 'finalized']) assert.equal((await rpc(ip.url, 'eth_getBlockByNumber', [tag, false])).body.result.number, '0x0', tag);
  // `pending` state reads answer as `latest` (a follower cannot execute the head)
  const eth0 = m.accounts.find((a) => a.label === 'eth0')!.eth!;
  const latest = (await rpc(ip.url, 'eth_getBalance', [eth0, 'latest'])).body.result;
  assert.equal((await rpc(ip.url, 'eth_getBalance', [eth0, 'pending'])).body.result, latest);
  assert.equal((await rpc(ip.url, 'eth_getTransactionCount', [eth0, 'pending'])).body.result, (await rpc(ip.url, 'eth_getTransactionCount', [eth0, 'latest'])).body.result);
  assert.equal((await rpc(ip.url, 'eth_getCode', [`0x${'11'.repeat(20)}`, 'latest'])).body.result, '0x');
  assert.equal((await rpc(ip.url, 'eth_getStorageAt', [`0x${'11'.repeat(20)}`, '0x0', 'latest'])).body.result, `0x${'00'.repeat(32)}`);
});

test('GetActorEventsRaw and SubscribeActorEventsRaw: the token\'s events by emitter, by field, by tipset, after the reorg', async () => {
  const fork = m.fork!;
  const head = fork.head.height;
  const canonical = [...m.txs.filter((t) => t.height < fork.fromHeight), ...fork.txs.filter((t) => t.height < head)];
  const token = m.token.address;
  // the token's f410 address: t410f… of its 20 bytes
  const f410 = (await rpc(ip.url, 'Filecoin.EthAddressToFilecoinAddress', [token])).body.result as string;
  assert.match(f410, /^t410f/);
  const all = (await rpc(ip.url, 'Filecoin.GetActorEventsRaw', [{ addresses: [f410], fromHeight: 0 }])).body.result as Array<{ entries: Array<{ Key: string; Value: string; Codec: number; Flags: number }>; emitter: string; height: number; reverted: boolean }>;
  const want = canonical.sort((a, b) => a.height - b.height || a.index - b.index).flatMap((t) => t.logs.map((l) => ({ ...l, height: t.height })));
  assert.equal(all.length, want.length);
  all.forEach((e, i) => {
    assert.equal(e.emitter, f410);
    assert.equal(e.height, want[i]!.height);
    assert.equal(e.reverted, false);
    assert.deepEqual(e.entries.filter((x) => x.Key.startsWith('t')).map((x) => `0x${Buffer.from(x.Value, 'base64').toString('hex')}`), want[i]!.topics);
    assert.ok(e.entries.every((x) => x.Codec === 0x55 && x.Flags === 3));
  });
  // by the emitter's ID address, and by a field (t1 = the Transfer signature)
  const id = `t0${m.token.id}`;
  assert.equal(((await rpc(ip.url, 'Filecoin.GetActorEventsRaw', [{ addresses: [id], fromHeight: 0 }])).body.result as unknown[]).length, want.length);
  const transfer = want.find((l) => l.topics.length === 3)!.topics[0]!;
  const byField = (await rpc(ip.url, 'Filecoin.GetActorEventsRaw', [{ fields: { t1: [{ codec: 0x55, value: Buffer.from(transfer.slice(2), 'hex').toString('base64') }] }, fromHeight: 0 }])).body.result as unknown[];
  assert.equal(byField.length, want.filter((l) => l.topics[0] === transfer).length);
  // one tipset, and the range rules
  const h = want[0]!.height;
  const tsk = (await rpc(ip.url, 'Filecoin.ChainGetTipSetByHeight', [h, null])).body.result.Cids;
  assert.equal(((await rpc(ip.url, 'Filecoin.GetActorEventsRaw', [{ tipsetKey: tsk }])).body.result as unknown[]).length, want.filter((l) => l.height === h).length);
  assert.equal((await rpc(ip.url, 'Filecoin.GetActorEventsRaw', [{ tipsetKey: tsk, fromHeight: 1 }])).body.error.message, 'cannot specify both TipSetKey and FromHeight/ToHeight');
  assert.equal((await rpc(ip.url, 'Filecoin.GetActorEventsRaw', [{ fromHeight: 5, toHeight: 2 }])).body.error.message, "invalid epoch range: 'to' height (5) must be after 'from' height (2)");
  assert.equal((await rpc(ip.url, 'Filecoin.GetActorEventsRaw', [{ fromHeight: -1 }])).body.error.message, "range 'from' must be greater than or equal to 0");
  // the channel: the events since fromHeight first
  const ws = new WebSocket(ip.url.replace('http', 'ws'));
  await new Promise((r) => ws.once('open', r));
  const vals: Array<{ height: number }> = [];
  let chId = -1;
  ws.on('message', (d) => {
    const msg = JSON.parse(String(d));
    if (msg.id === 7) chId = msg.result;
    if (msg.method === 'xrpc.ch.val' && msg.params[0] === chId) vals.push(msg.params[1]);
  });
  // every event since height 0 at once: far more than go-jsonrpc's 16 queued values, which an event channel may exceed
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'Filecoin.SubscribeActorEventsRaw', params: [{ addresses: [f410], fromHeight: 0 }] }));
  await waitFor(async () => vals.length >= want.length, 20_000, 'prefilled channel values');
  assert.ok(want.length > 16, `${want.length} events`);
  assert.deepEqual(vals.map((v) => v.height), want.map((l) => l.height));
  // one tipset: its events, then the channel closes (nothing can follow)
  const one: Array<{ height: number }> = [];
  let oneId = -1;
  let closed = false;
  ws.on('message', (d) => {
    const msg = JSON.parse(String(d));
    if (msg.id === 8) oneId = msg.result;
    if (msg.method === 'xrpc.ch.val' && msg.params[0] === oneId) one.push(msg.params[1]);
    if (msg.method === 'xrpc.ch.close' && msg.params[0] === oneId) closed = true;
  });
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'Filecoin.SubscribeActorEventsRaw', params: [{ tipsetKey: tsk }] }));
  await waitFor(async () => closed, 20_000, 'the one-tipset channel closes');
  assert.deepEqual(one.map((v) => v.height), want.filter((l) => l.height === h).map(() => h));
  ws.close();
});
