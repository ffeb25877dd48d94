/**
 * Per-IP token buckets priced by the registry's cost classes, on a fake clock.
 */
import '../helpers/watchdog.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REGISTRY } from '../../api/methods.js';
import { RateLimiter } from '../../api/rate-limit.js';
import { RpcServer } from '../../rpc/server.js';
import { createRpcHttpServer } from '../../rpc/http.js';
import { createMetrics } from '../../common/metrics.js';
import { silentLogger } from '../../common/logger.js';

const body = (...methods: string[]) => JSON.stringify(methods.map((method, id) => ({ jsonrpc: '2.0', id, method, params: [] })));

test('a request costs its methods\' classes: light 1, standard 4, heavy 20; a batch the sum', () => {
  const rl = new RateLimiter(REGISTRY, { ratePerSecond: 10, burstSeconds: 1 });
  assert.equal(rl.cost(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'Filecoin.ChainHead', params: [] })), 1);
  assert.equal(rl.cost(body('Filecoin.ChainHead', 'Filecoin.ChainGetBlockMessages', 'Filecoin.StateListActors', 'eth_call')), 1 + 4 + 20 + 20);
  assert.equal(rl.cost('{"jsonrpc":"2.0","id":1,"method":"Filecoin.NoSuchThing"}'), 1, 'unknown methods are light');
  assert.equal(rl.cost('not json'), 1);
});

test('a bucket refills at the rate, holds a burst, and says when to retry; IPs are separate', () => {
  let now = 0;
  const rl = new RateLimiter(REGISTRY, { ratePerSecond: 10, burstSeconds: 2 }, () => now);
  for (let i = 0; i < 20; i++) assert.deepEqual(rl.take('10.0.0.1', 1), { ok: true }, `burst ${i}`);
  assert.deepEqual(rl.take('10.0.0.1', 1), { ok: false, cost: 1, retryAfterSeconds: 1 });
  assert.deepEqual(rl.take('10.0.0.2', 1), { ok: true }, 'another IP has its own bucket');
  now += 500; // 5 tokens back
  for (let i = 0; i < 5; i++) assert.equal(rl.take('10.0.0.1', 1).ok, true);
  assert.equal(rl.take('10.0.0.1', 1).ok, false);
  const heavy = rl.take('10.0.0.1', 20);
  assert.equal(heavy.ok, false);
  assert.equal(heavy.ok === false && heavy.retryAfterSeconds, 2);
  now += 2000;
  assert.equal(rl.take('10.0.0.1', 50).ok, true, 'a call costlier than the bucket passes when the bucket is full');
  assert.equal(new RateLimiter(REGISTRY, { ratePerSecond: 0, burstSeconds: 1 }).take('x', 1e9).ok, true, '0 = off');
});

test('a follower alone applies the same limits: HTTP 429 with Retry-After and -32005 carrying the id, counted', async () => {
  const metrics = createMetrics();
  const limiter = new RateLimiter(REGISTRY, { ratePerSecond: 1, burstSeconds: 5 }, undefined, metrics);
  const rpc = new RpcServer(new Map([['Filecoin.ChainHead', { params: 0, handler: () => 'head' }]]), { log: silentLogger(), metrics });
  const app = await createRpcHttpServer({ rpc: { v1: rpc }, log: silentLogger(), metrics, maxRequestBytes: 1 << 20, admit: (ip, b) => limiter.refusal(ip, b) });
  try {
    const codes: number[] = [];
    let last;
    for (let i = 0; i < 50 && codes.at(-1) !== 429; i++) {
      last = await app.inject({ method: 'POST', url: '/rpc/v1', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ jsonrpc: '2.0', id: `r${i}`, method: 'Filecoin.ChainHead', params: [] }) });
      codes.push(last.statusCode);
    }
    assert.equal(codes.at(-1), 429);
    assert.ok(codes.slice(0, -1).length >= 5 && codes.slice(0, -1).every((c) => c === 200));
    assert.equal(last!.headers['retry-after'], '1');
    assert.deepEqual(JSON.parse(last!.body), { error: { code: -32005, message: 'rate limit exceeded: this request costs 1 tokens at 1 per second; retry in 1 s' }, id: `r${codes.length - 1}`, jsonrpc: '2.0' });
    assert.match(await metrics.registry.metrics(), /^filfollower_rate_limited_total 1$/m);
  } finally {
    await app.close();
  }
});
