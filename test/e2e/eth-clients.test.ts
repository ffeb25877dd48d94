/**
 * The eth API as dApps use it: viem (createPublicClient over http and webSocket) and
 * ethers v6 (JsonRpcProvider, WebSocketProvider), unmodified, through the balancer, on
 * the SYNTHETIC FEVM chain (synth/fevm-chain.ts: a solc-compiled ERC-20 deployed and
 * used with EIP-1559 transactions). Every answer is checked against the generator's
 * manifest and against solc's own output; eth_call reaches the full node unchanged
 * (a loopback server records the body).
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { createPublicClient, http, webSocket, parseAbi, type Hex, type PublicClient, keccak256, encodeFunctionData, decodeEventLog } from 'viem';
import { JsonRpcProvider, WebSocketProvider } from 'ethers';
import { freePort, rpc, startCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { scratchDir } from '../helpers/tmp.js';
import { writeSyntheticFevm, type SynthFiles } from '../../synth/write.js';
import { compileContract } from '../../synth/solidity.js';
import type { SynthManifest, SynthTx } from '../../synth/fevm-chain.js';

const ABI = parseAbi([
  'event Transfer(address indexed from, address indexed to, uint256 value)',
  'event Approval(address indexed owner, address indexed spender, uint256 value)',
  'event Noted(address indexed who, uint256 indexed tag, bytes32 indexed ref, string memo)',
  'function balanceOf(address) view returns (uint256)',
]);
const TRANSFER = keccak256(new TextEncoder().encode('Transfer(address,address,uint256)'));

let files: SynthFiles & { manifestData: SynthManifest };
let m: SynthManifest;
let cluster: TestCluster;
let fullNode: FastifyInstance;
const received: string[] = [];
let wsUrl: string;
let httpClient: PublicClient;

before(async () => {
  files = await writeSyntheticFevm(scratchDir('eth'), { epochs: 60, progress: false });
  m = files.manifestData;
  fullNode = Fastify();
  fullNode.addContentTypeParser('application/json', { parseAs: 'string' }, (_r, b, done) => done(null, b));
  fullNode.post('/rpc/v1', async (req, reply) => {
    received.push(req.body as string);
    const r = JSON.parse(req.body as string) as { id: unknown };
    return reply.header('content-type', 'application/json').send(JSON.stringify({ jsonrpc: '2.0', id: r.id, result: '0x00000000000000000000000000000000000000000000000000000000000000ff' }));
  });
  const fnPort = await freePort();
  await fullNode.listen({ host: '127.0.0.1', port: fnPort });
  // 250 ms epochs: the chain is still moving while the watchers run
  cluster = await startCluster({ car: files.car, epochMs: 250, followers: 2, extra: ['--fullnode-url', `http://127.0.0.1:${fnPort}/rpc/v1`] });
  wsUrl = cluster.lbWsUrl;
  httpClient = createPublicClient({ transport: http(cluster.lbUrl, { retryCount: 0 }), pollingInterval: 100 }) as PublicClient;
  await waitFor(async () => Number((await rpc(cluster.lbUrl, 'eth_blockNumber')).body?.result ?? 0) >= 8, 120_000, 'eth_blockNumber ≥ 8');
});
after(async () => {
  await cluster?.stop();
  await fullNode?.close();
});

/** Collect `n` items from a watcher, then stop it. */
function collect<T>(n: number, start: (push: (x: T) => void) => () => void, what: string, ms = 60_000): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const got: T[] = [];
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${what}: ${got.length} of ${n} in ${ms} ms`));
    }, ms);
    const stop = start((x) => {
      got.push(x);
      if (got.length === n) {
        clearTimeout(timer);
        setImmediate(stop);
        resolve(got);
      }
    });
  });
}

test('while the chain moves: viem watchBlocks (http polling and webSocket newHeads), watchContractEvent, ethers on("block") (both providers) see new blocks in order', async () => {
  const wsClient = createPublicClient({ transport: webSocket(wsUrl, { retryCount: 0 }) });
  const [httpBlocks, wsBlocks, events] = await Promise.all([
    collect<bigint>(3, (push) => httpClient.watchBlocks({ onBlock: (b) => push(b.number!), pollingInterval: 100 }), 'viem http watchBlocks'),
    collect<{ number: bigint; hash: Hex; txs: number }>(3, (push) => wsClient.watchBlocks({ onBlock: (b) => push({ number: b.number!, hash: b.hash!, txs: b.transactions.length }) }), 'viem ws watchBlocks'),
    collect<{ name: string; block: bigint }>(2, (push) => wsClient.watchContractEvent({ address: m.token.address as Hex, abi: ABI, onLogs: (logs) => logs.forEach((l) => push({ name: l.eventName, block: l.blockNumber! })) }), 'viem ws watchContractEvent'),
  ]);
  for (const list of [httpBlocks, wsBlocks.map((b) => b.number), events.map((e) => e.block)]) for (let i = 1; i < list.length; i++) assert.ok(list[i]! >= list[i - 1]!, `ascending: ${list}`);
  for (const b of wsBlocks) {
    // each newHeads block is the block eth_getBlockByHash gives, with as many transactions as the manifest lists
    const byHash = await httpClient.getBlock({ blockHash: b.hash });
    assert.equal(byHash.number, b.number);
    assert.equal(b.txs, m.txs.filter((t) => BigInt(t.height) === b.number).length);
  }
  assert.ok(events.every((e) => ['Transfer', 'Approval', 'Noted'].includes(e.name)));
  await wsClient.transport.getRpcClient().then((c) => c.close());
  const eHttp = new JsonRpcProvider(cluster.lbUrl, undefined, { staticNetwork: true, polling: true, pollingInterval: 100 } as never);
  const eWs = new WebSocketProvider(wsUrl);
  try {
    const [a, b] = await Promise.all([
      collect<number>(2, (push) => {
        void eHttp.on('block', push);
        return () => void eHttp.off('block', push);
      }, 'ethers JsonRpcProvider block'),
      collect<number>(2, (push) => {
        void eWs.on('block', push);
        return () => void eWs.off('block', push);
      }, 'ethers WebSocketProvider block'),
    ]);
    assert.ok(a[1]! > a[0]! && b[1]! > b[0]!, `${a} ${b}`);
  } finally {
    eHttp.destroy();
    await eWs.destroy();
  }
});

/** The first executed transaction of a kind (transfers: one that succeeded). */
const txOf = (kind: SynthTx['kind']): SynthTx => m.txs.find((t) => t.kind === kind && (kind !== 'transfer' || t.exitCode === 0))!;

test('viem over http at the head of the SYNTHETIC chain: chain id, blocks, transactions, receipts, balances, code, storage, nonces, logs, fees', async () => {
  await waitFor(async () => Number((await rpc(cluster.lbUrl, 'eth_blockNumber')).body?.result ?? 0) === 59, 60_000, 'latest = 59');
  for (const u of cluster.followerUrls) await waitFor(async () => (await rpc(`${u}/rpc/v1`, 'eth_blockNumber')).body?.result === '0x3b', 60_000, `${u} at 59`);
  const c = httpClient;
  assert.equal(await c.getChainId(), 31415926);
  assert.equal(await c.getBlockNumber({ cacheTime: 0 }), 59n);
  // blocks with and without transactions
  const busy = m.txs.find((t) => t.height > 30 && m.txs.filter((x) => x.height === t.height).length >= 2)!;
  const inBusy = m.txs.filter((t) => t.height === busy.height).sort((a, b) => a.index - b.index);
  const block = await c.getBlock({ blockNumber: BigInt(busy.height) });
  assert.deepEqual(block.transactions, inBusy.map((t) => t.hash));
  assert.equal(block.gasUsed, BigInt(inBusy.reduce((n, t) => n + t.gasUsed, 0)));
  const full = await c.getBlock({ blockNumber: BigInt(busy.height), includeTransactions: true });
  assert.deepEqual(full.transactions.map((t) => [t.hash, t.from, t.to, t.transactionIndex]), inBusy.map((t) => [t.hash, t.from, t.to, t.index]));
  assert.equal((await c.getBlock({ blockHash: block.hash! })).number, BigInt(busy.height));
  // a transaction and its receipt: the deployment, a transfer, a reverted call, a native send
  const create = txOf('create');
  const tx = await c.getTransaction({ hash: create.hash as Hex });
  assert.deepEqual([tx.from, tx.to, tx.blockNumber, tx.type, tx.chainId], [create.from, null, BigInt(create.height), 'eip1559', 31415926]);
  const compiled = await compileContract('Token.sol', 'Token');
  assert.ok(tx.input.startsWith(`0x${Buffer.from(compiled.bytecode).toString('hex')}`), 'the init code as deployed');
  const rc = await c.getTransactionReceipt({ hash: create.hash as Hex });
  assert.deepEqual([rc.status, rc.contractAddress, rc.gasUsed, rc.logs.length], ['success', m.token.address, BigInt(create.gasUsed), 1]);
  for (const kind of ['transfer', 'revert', 'native-send', 'value', 'note'] as const) {
    const t = txOf(kind);
    const r = await c.getTransactionReceipt({ hash: t.hash as Hex });
    assert.equal(r.status, t.exitCode === 0 ? 'success' : 'reverted', kind);
    assert.deepEqual(r.logs.map((l) => [l.address, l.topics, l.data]), t.logs.map((l) => [l.address, l.topics, l.data]), `${kind} logs`);
    assert.equal(r.transactionIndex, t.index);
  }
  // legacy (type 0) transactions, EIP-155 and Homestead: as viem reads them
  for (const [kind, chainId] of [['legacy155', 31415926], ['homestead', 0]] as const) {
    const t = txOf(kind);
    const lt = await c.getTransaction({ hash: t.hash as Hex });
    assert.deepEqual([lt.type, lt.gasPrice, lt.chainId ?? 0, lt.from, lt.to], ['legacy', 2_000_000_000n, chainId, t.from, t.to], kind);
    const lr = await c.getTransactionReceipt({ hash: t.hash as Hex });
    assert.deepEqual([lr.status, lr.type, lr.logs.length], [t.exitCode === 0 ? 'success' : 'reverted', 'legacy', t.logs.length], kind);
  }
  // state: balances, nonces, code, storage (at latest: the head's parent state)
  for (const a of m.accounts.filter((x) => x.eth)) {
    assert.equal(await c.getBalance({ address: a.eth as Hex }), BigInt(m.finalState[a.eth!]!.balance), `${a.label} balance`);
    assert.equal(await c.getTransactionCount({ address: a.eth as Hex }), m.finalState[a.eth!]!.nonce, `${a.label} nonce`);
  }
  assert.equal(await c.getTransactionCount({ address: m.token.address as Hex }), 1, 'a contract: the EVM state nonce');
  assert.equal(await c.getCode({ address: m.token.address as Hex }), `0x${Buffer.from(compiled.deployedBytecode).toString('hex')}`);
  assert.equal(await c.getCode({ address: m.accounts[1]!.eth as Hex }), undefined, 'an account has no code');
  for (const [slot, value] of Object.entries(m.tokenStorage)) assert.equal(await c.getStorageAt({ address: m.token.address as Hex, slot: slot as Hex }), value);
  assert.equal(await c.getStorageAt({ address: m.token.address as Hex, slot: '0x1234' }), `0x${'00'.repeat(32)}`);
  // logs by address and by topic, against the manifest
  const expected = m.txs.filter((t) => t.height <= 59).sort((a, b) => a.height - b.height || a.index - b.index).flatMap((t) => t.logs);
  const byAddress = await c.getLogs({ address: m.token.address as Hex, fromBlock: 0n, toBlock: 59n });
  assert.deepEqual(byAddress.map((l) => [l.topics, l.data]), expected.map((l) => [l.topics, l.data]));
  const transfers = await c.getLogs({ event: ABI[0], fromBlock: 0n, toBlock: 'latest' });
  assert.deepEqual(transfers.map((l) => l.data), expected.filter((l) => l.topics[0] === TRANSFER).map((l) => l.data));
  const eth1 = m.accounts.find((a) => a.label === 'eth1')!.eth as Hex;
  const toEth1 = await c.getLogs({ event: ABI[0], args: { to: eth1 }, fromBlock: 0n });
  assert.ok(toEth1.length > 0 && toEth1.every((l) => l.args.to!.toLowerCase() === eth1));
  const decoded = byAddress.map((l) => decodeEventLog({ abi: ABI, topics: l.topics, data: l.data }).eventName);
  assert.ok(decoded.includes('Noted') && decoded.includes('Approval'));
  // fees
  const fees = await c.estimateFeesPerGas();
  assert.ok(fees.maxFeePerGas! > fees.maxPriorityFeePerGas! && fees.maxPriorityFeePerGas! >= 100_000n, JSON.stringify(fees, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
  const history = await c.getFeeHistory({ blockCount: 4, rewardPercentiles: [25, 75] });
  assert.deepEqual([history.oldestBlock, history.baseFeePerGas.length, history.reward!.length], [56n, 5, 4]);
});

test('ethers v6 JsonRpcProvider and WebSocketProvider read the same chain', async () => {
  const eHttp = new JsonRpcProvider(cluster.lbUrl, undefined, { staticNetwork: true } as never);
  const eWs = new WebSocketProvider(wsUrl);
  try {
    for (const p of [eHttp, eWs]) {
      assert.equal((await p.getNetwork()).chainId, 31415926n);
      assert.equal(await p.getBlockNumber(), 59);
      const t = txOf('transfer');
      const b = (await p.getBlock(t.height, true))!;
      assert.ok(b.prefetchedTransactions.some((x) => x.hash === t.hash));
      const got = (await p.getTransaction(t.hash))!;
      assert.deepEqual([got.from.toLowerCase(), got.to!.toLowerCase(), got.blockNumber], [t.from, t.to, t.height]);
      const r = (await p.getTransactionReceipt(t.hash))!;
      assert.deepEqual([r.status, r.logs.length, r.logs[0]!.topics], [1, 1, t.logs[0]!.topics]);
      const eth0 = m.accounts.find((a) => a.label === 'eth0')!.eth!;
      assert.equal(await p.getBalance(eth0), BigInt(m.finalState[eth0]!.balance));
      assert.equal(await p.getTransactionCount(eth0), m.finalState[eth0]!.nonce);
      assert.ok((await p.getCode(m.token.address)).length > 1000);
      assert.equal(await p.getStorage(m.token.address, 0n), m.tokenStorage[`0x${'00'.repeat(32)}`]);
      const logs = await p.getLogs({ address: m.token.address, topics: [TRANSFER], fromBlock: 0, toBlock: 59 });
      assert.equal(logs.length, m.txs.filter((x) => x.height <= 59).flatMap((x) => x.logs).filter((l) => l.topics[0] === TRANSFER).length);
      const fee = await p.getFeeData();
      assert.ok(fee.gasPrice! > 0n && fee.maxFeePerGas! > 0n && fee.maxPriorityFeePerGas! > 0n);
    }
  } finally {
    eHttp.destroy();
    await eWs.destroy();
  }
});

test('eth_call and the pending nonce from viem reach the full node unchanged, and their answers come back', async () => {
  const before = received.length;
  const eth0 = m.accounts.find((a) => a.label === 'eth0')!.eth as Hex;
  const data = encodeFunctionData({ abi: ABI, functionName: 'balanceOf', args: [eth0] });
  const r = await httpClient.call({ to: m.token.address as Hex, data });
  assert.equal(r.data, `0x${'00'.repeat(31)}ff`);
  assert.equal(received.length, before + 1);
  const body = JSON.parse(received.at(-1)!);
  assert.equal(body.method, 'eth_call');
  assert.deepEqual(body.params[0], { data, to: m.token.address });
  // the pending nonce is the mempool's: the full node answers it; latest is the follower's
  assert.equal(await httpClient.getTransactionCount({ address: eth0, blockTag: 'pending' }), 255);
  assert.deepEqual(JSON.parse(received.at(-1)!).params, [eth0, 'pending']);
  assert.equal(await httpClient.getTransactionCount({ address: eth0 }), m.finalState[eth0]!.nonce);
});
