/**
 * CORS on the JSON-RPC endpoints (rpc/cors.ts), on a real fastify app driven by
 * light-my-request: preflight answered, allowed origins, `none`.
 */
import '../helpers/watchdog.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { registerCors } from '../../rpc/cors.js';

async function app(origins: string[]) {
  const a = Fastify();
  await registerCors(a, origins);
  a.post('/rpc/v1', async () => ({ jsonrpc: '2.0', id: 1, result: 'ok' }));
  return a;
}
const preflight = { method: 'OPTIONS' as const, url: '/rpc/v1', headers: { origin: 'https://dapp.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } };

test("'*': a browser preflight from any origin is answered and a cross-origin POST carries the header", async () => {
  const a = await app(['*']);
  const pre = await a.inject(preflight);
  assert.equal(pre.statusCode, 204);
  assert.equal(pre.headers['access-control-allow-origin'], '*');
  assert.match(String(pre.headers['access-control-allow-methods']), /POST/);
  assert.match(String(pre.headers['access-control-allow-headers']), /content-type/);
  const post = await a.inject({ method: 'POST', url: '/rpc/v1', headers: { origin: 'https://dapp.example', 'content-type': 'application/json' }, payload: '{}' });
  assert.equal(post.statusCode, 200);
  assert.equal(post.headers['access-control-allow-origin'], '*');
});

test('a list of origins: a listed origin is allowed, another gets no CORS header; none sends none', async () => {
  const a = await app(['https://dapp.example']);
  assert.equal((await a.inject(preflight)).headers['access-control-allow-origin'], 'https://dapp.example');
  const other = await a.inject({ ...preflight, headers: { ...preflight.headers, origin: 'https://evil.example' } });
  assert.equal(other.headers['access-control-allow-origin'], undefined);
  const off = await app(['none']);
  const post = await off.inject({ method: 'POST', url: '/rpc/v1', headers: { origin: 'https://dapp.example' }, payload: '{}' });
  assert.equal(post.headers['access-control-allow-origin'], undefined);
});
