/**
 * Per-IP token buckets priced by the registry's cost classes, on a fake clock.
 */
import '../helpers/watchdog.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REGISTRY } from '../../api/methods.js';
import { RateLimiter } from '../../loadbalancer/rate-limit.js';

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
