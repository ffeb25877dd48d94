/**
 * The balancer's routing decisions from the registry, without a cluster: which
 * bodies are parsed at all, single forwarded requests, mixed batches split and
 * merged back in request order (notifications unanswered, whole-batch errors spread).
 */
import '../helpers/watchdog.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REGISTRY } from '../../api/methods.js';
import { Router, mergeSplit } from '../../loadbalancer/routing.js';

const router = new Router(REGISTRY);
const req = (id: number | undefined, method: string, params: unknown[] = []) => ({ jsonrpc: '2.0', ...(id === undefined ? {} : { id }), method, params });

test('reads go to a follower without being parsed; malformed JSON too (the follower answers -32700)', () => {
  assert.deepEqual(router.plan(JSON.stringify(req(1, 'Filecoin.ChainHead')), 'v1'), { kind: 'follower' });
  assert.deepEqual(router.plan('{"method": "eth_call", oops', 'v1'), { kind: 'follower' });
  // a read whose params merely mention a forwarded name is parsed, and still goes to a follower
  assert.deepEqual(router.plan(JSON.stringify(req(1, 'Filecoin.ChainReadObj', [{ '/': 'eth_call' }])), 'v1'), { kind: 'follower' });
});

test('a forwarded request (name or alias) goes to the full node with its id', () => {
  assert.deepEqual(router.plan(JSON.stringify(req(9, 'eth_call', [{}, 'latest'])), 'v1'), { kind: 'fullnode', method: 'eth_call', id: 9 });
  assert.deepEqual(router.plan(JSON.stringify({ jsonrpc: '2.0', id: 'a', method: 'Filecoin.MpoolPush', params: [] }), 'v0'), { kind: 'fullnode', method: 'Filecoin.MpoolPush', id: 'a' });
});

test('a mixed batch is split by item and merged back in request order', () => {
  const items = [req(1, 'Filecoin.ChainHead'), req(2, 'eth_call'), req(undefined, 'Filecoin.StateCall'), 7, req(3, 'eth_chainId'), req(4, 'Filecoin.GasEstimateGasLimit')];
  const plan = router.plan(JSON.stringify(items), 'v1');
  assert.equal(plan.kind, 'split');
  if (plan.kind !== 'split') return;
  assert.deepEqual(plan.toFullNode, [false, true, true, false, false, true]);
  const merged = mergeSplit(plan, {
    // the full node answers its sub-batch [2, notification, 4]: notifications get nothing
    fullnode: [{ id: 2, result: '0x' }, { id: 4, result: 21000 }],
    // the follower answers [1, 7, 3]
    follower: [{ id: 1, result: 'head' }, { id: null, error: { code: -32600 } }, { id: 3, result: '0x13a' }],
  }) as Array<{ id: unknown }>;
  assert.deepEqual(merged.map((m) => m.id), [1, 2, null, 3, 4]);
});

test('a sub-batch answered with one error (e.g. 503) gives each of its requests that error', () => {
  const items = [req(1, 'Filecoin.ChainHead'), req(2, 'eth_call'), req(3, 'Filecoin.ChainHead')];
  const plan = router.plan(JSON.stringify(items), 'v1');
  if (plan.kind !== 'split') throw new Error('expected a split');
  const merged = mergeSplit(plan, { fullnode: [{ id: 2, result: '0x' }], follower: { error: { code: -32603, message: 'no follower is ready and caught up' }, id: null } }) as Array<{ id: unknown; error?: { code: number } }>;
  assert.deepEqual(merged.map((m) => [m.id, m.error?.code ?? 0]), [[1, -32603], [2, 0], [3, -32603]]);
});

test('eth_getTransactionCount at `pending` goes to the full node when there is one (the mempool nonce), else to a follower; other block params always to a follower', () => {
  const withNode = new Router(REGISTRY, { fullNode: true });
  const without = new Router(REGISTRY, { fullNode: false });
  const body = (blk: unknown, method = 'eth_getTransactionCount') => JSON.stringify({ jsonrpc: '2.0', id: 9, method, params: ['0x' + '11'.repeat(20), blk] });
  assert.deepEqual(withNode.plan(body('pending'), 'v1'), { kind: 'fullnode', method: 'eth_getTransactionCount', id: 9 });
  assert.deepEqual(withNode.plan(body('pending', 'Filecoin.EthGetTransactionCount'), 'v1'), { kind: 'fullnode', method: 'Filecoin.EthGetTransactionCount', id: 9 });
  assert.deepEqual(withNode.plan(body('latest'), 'v1'), { kind: 'follower' });
  assert.deepEqual(withNode.plan(body({ blockHash: '0x' + '00'.repeat(32) }), 'v1'), { kind: 'follower' });
  assert.deepEqual(without.plan(body('pending'), 'v1'), { kind: 'follower' });
  const batch = JSON.stringify([JSON.parse(body('pending')), JSON.parse(body('latest'))]);
  const plan = withNode.plan(batch, 'v1');
  assert.equal(plan.kind, 'split');
  assert.deepEqual(plan.kind === 'split' && plan.toFullNode, [true, false]);
});
