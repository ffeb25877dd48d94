/**
 * Property-based tests (fast-check, bounded case counts) over the JSON-RPC framing and
 * every registry method's params, on the real method tables over an in-memory store
 * holding mainnet-h0-341.car: whatever a client sends, the answer is JSON-RPC (or
 * nothing, for a notification), with a known error code or a result, and the process
 * neither throws nor hangs. FUZZ_RUNS scales the counts (default 1).
 */
import '../helpers/watchdog.js';
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fixture } from '../../common/paths.js';
import { silentLogger } from '../../common/logger.js';
import { createMetrics } from '../../common/metrics.js';
import { MemoryBlockstore } from '../../blockstore/memory.js';
import { ChainReader } from '../../blockstore/chain-reader.js';
import { MemoryChainIndex } from '../../indexer/memory.js';
import { Leader } from '../../leader/leader.js';
import { CarReplaySource } from '../../leader/car-source.js';
import { HeadNotifier } from '../../rpc/chain-notify.js';
import { RpcServer } from '../../rpc/server.js';
import { ChainView, canonicalHeads } from '../../api/chain-view.js';
import { methodTable } from '../../api/dispatch.js';
import { REGISTRY } from '../../api/methods.js';
import type { Store } from '../../store/open.js';

const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
/** Codes an answer may carry: go-jsonrpc's, Lotus's registered ones, and ours (-32005). */
const KNOWN = new Set([-32700, -32600, -32601, -32602, -32603, -32005, 1, 11]);
let servers: Record<'v0' | 'v1', RpcServer>;
let genesis: string;

before(async () => {
  const src = await CarReplaySource.open(fixture('chain', 'mainnet-h0-341.car'));
  const store: Store = { blockstore: new MemoryBlockstore(), index: new MemoryChainIndex(), redactedUrl: 'memory:', migrate: async () => [], close: async () => undefined };
  const notifier = new HeadNotifier(() => 'f');
  const leader = new Leader({ store, notifier, log: silentLogger(), metrics: createMetrics() });
  for (const step of src.steps()) await leader.advance(step.tipset, step.blocks);
  genesis = src.tipsets[0]!.key[0]!.toString();
  const reader = new ChainReader(store.blockstore);
  const view = new ChainView({
    reader,
    index: store.index,
    heads: canonicalHeads(store.index, reader, () => leader.currentHead),
    changes: notifier,
    cache: { get: (_m, _k, compute) => compute() },
    limits: { lookbackEpochs: 0, messageLookbackEpochs: 0 },
    agent: 'fil-follower',
  });
  const opts = { log: silentLogger(), maxBatch: 20 };
  servers = { v1: new RpcServer(methodTable(REGISTRY, 'v1', view), opts), v0: new RpcServer(methodTable(REGISTRY, 'v0', view), opts) };
});

/** Check one answer body: JSON-RPC, a known code or a result, the request's id when it had a valid one. */
function checkAnswer(status: number, body: string): void {
  assert.ok([200, 400, 500].includes(status), `HTTP ${status}`);
  if (body === '') return;
  const parsed = JSON.parse(body) as unknown;
  for (const a of Array.isArray(parsed) ? parsed : [parsed]) {
    const r = a as { jsonrpc?: string; error?: { code: number; message: string }; result?: unknown };
    assert.equal(r.jsonrpc, '2.0');
    if (r.error) {
      assert.ok(KNOWN.has(r.error.code), `unknown code ${r.error.code}: ${r.error.message}`);
      assert.ok(typeof r.error.message === 'string' && r.error.message.length <= 1100);
      // -32603 is the store's failure; the store here is memory and never fails
      assert.notEqual(r.error.code, -32603, r.error.message);
    } else assert.ok('result' in r);
  }
}

/** Param values a client might send: real CIDs and keys, near misses, and any JSON. */
const cid = fc.constantFrom(() => ({ '/': genesis }), () => ({ '/': 'bafy2bzacebwjt2adbqmthpulhydgl4gobllfxjuxl4cnzvc5qfd47dn34d6ba' }), () => ({ '/': 'x' }), () => ({})).map((f) => f());
const param = fc.oneof(
  cid,
  fc.array(cid, { maxLength: 4 }),
  fc.integer({ min: -5, max: 400 }),
  fc.constantFrom('f01', 'f0100', 't01', 'f1abc', 'f3', 'f410fabc', '', null, true, 1e308, -1, 2 ** 53 + 2),
  fc.jsonValue({ maxDepth: 3 }),
);

test('every method of the registry, any params: a JSON-RPC answer with a known code, never a crash', async () => {
  const names = REGISTRY.methods.filter((m) => !m.channel).flatMap((m) => [m.name, ...(m.aliases ?? [])].map((n) => [n, m.versions] as const));
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...names), fc.array(param, { maxLength: 5 }), fc.oneof(fc.integer(), fc.string({ maxLength: 8 })), async ([name, versions], params, id) => {
      for (const v of versions) {
        if (v === 'v2') continue;
        const out = await servers[v].handleHttp(JSON.stringify({ jsonrpc: '2.0', id, method: name, params }), {});
        checkAnswer(out.status, out.body);
        const a = JSON.parse(out.body) as { id: unknown };
        assert.deepEqual(a.id, id, 'the request id comes back');
      }
    }),
    { numRuns: 600 * SCALE },
  );
});

test('any frame (malformed JSON, odd ids, batches, notifications, deep nesting): a JSON-RPC answer or nothing', async () => {
  const request = fc.record(
    {
      jsonrpc: fc.constantFrom('2.0', '1.0', 2),
      id: fc.oneof(fc.integer(), fc.string({ maxLength: 4 }), fc.constant(null), fc.boolean(), fc.array(fc.integer(), { maxLength: 2 }), fc.object({ maxDepth: 1 })),
      method: fc.oneof(fc.constantFrom(...REGISTRY.methods.map((m) => m.name), 'eth_chainId', 'rpc.discover', 'xrpc.cancel', 'Filecoin.Nope'), fc.string({ maxLength: 12 }), fc.integer()),
      params: fc.oneof(fc.array(param, { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 })),
    },
    { requiredKeys: [] },
  );
  const frame = fc.oneof(
    request.map((r) => JSON.stringify(r)),
    fc.array(fc.oneof(request, fc.jsonValue({ maxDepth: 1 })), { maxLength: 25 }).map((b) => JSON.stringify(b)),
    fc.string({ maxLength: 40 }),
    fc.integer({ min: 1, max: 5000 }).map((d) => `{"jsonrpc":"2.0","id":1,"method":"Filecoin.ChainHead","params":${'['.repeat(d)}${']'.repeat(d)}}`),
    fc.jsonValue().map((j) => JSON.stringify(j)),
  );
  await fc.assert(
    fc.asyncProperty(frame, async (body) => {
      const out = await servers.v1.handleHttp(body, {});
      checkAnswer(out.status, out.body);
    }),
    { numRuns: 1500 * SCALE },
  );
});
