/**
 * JSON-RPC framing bounds, on a real RpcServer with no database: nesting depth
 * checked before parsing, ids that are not string/number/null refused, error
 * messages bounded, batches answered item by item.
 */
import '../helpers/watchdog.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RpcServer, nestedDeeperThan } from '../../rpc/server.js';
import { HandlerError } from '../../rpc/errors.js';
import { silentLogger } from '../../common/logger.js';

const server = new RpcServer(
  new Map([
    ['Filecoin.Echo', { params: 1, handler: (p: unknown[]) => p[0] }],
    ['Filecoin.Fail', { params: 0, handler: () => { throw new HandlerError(`ipld: could not find ${'bafy'.repeat(5000)}`); } }],
  ]),
  { log: silentLogger(), maxBatch: 10 },
);
const call = async (body: string) => {
  const r = await server.handleHttp(body, {});
  return { status: r.status, body: r.body ? JSON.parse(r.body) : null };
};

test('a body nested 100,000 deep is refused before parsing (params and id), HTTP 400, -32600', async () => {
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  for (const body of [`{"jsonrpc":"2.0","id":1,"method":"Filecoin.Echo","params":${deep}}`, `{"jsonrpc":"2.0","id":${deep},"method":"Filecoin.Echo","params":[1]}`]) {
    const r = await call(body);
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, { error: { code: -32600, message: 'Invalid request: JSON nested deeper than 64 levels' }, id: null, jsonrpc: '2.0' });
  }
  // brackets inside strings do not count; 64 levels in all (object, params, 62 more) are fine
  assert.equal(nestedDeeperThan(`{"a":"${'['.repeat(1000)}\\"["}`, 64), false);
  const ok64 = '['.repeat(62) + ']'.repeat(62);
  assert.deepEqual((await call(`{"jsonrpc":"2.0","id":2,"method":"Filecoin.Echo","params":[${ok64}]}`)).body.result, JSON.parse(ok64));
});

test('ids must be a string, a number or null: others get -32600 with id null, alone or in a batch', async () => {
  for (const id of ['true', '[1]', '{"a":1}']) {
    const r = await call(`{"jsonrpc":"2.0","id":${id},"method":"Filecoin.Echo","params":[1]}`);
    assert.equal(r.status, 400, id);
    assert.deepEqual(r.body, { error: { code: -32600, message: 'Invalid request' }, id: null, jsonrpc: '2.0' });
  }
  const batch = await call('[{"jsonrpc":"2.0","id":false,"method":"Filecoin.Echo","params":[1]},{"jsonrpc":"2.0","id":"x","method":"Filecoin.Echo","params":[7]},{"jsonrpc":"2.0","id":null,"method":"Filecoin.Echo","params":[8]}]');
  assert.deepEqual(batch.body.map((r: { id: unknown; result?: unknown; error?: { code: number } }) => [r.id, r.result ?? r.error!.code]), [[null, -32600], ['x', 7], [null, 8]]);
});

test('error messages are bounded: a 20,021-character message is cut to 1,024 and says by how much', async () => {
  const r = await call('{"jsonrpc":"2.0","id":3,"method":"Filecoin.Fail","params":[]}');
  assert.equal(r.body.error.code, 1);
  assert.ok(r.body.error.message.length < 1100, `${r.body.error.message.length}`);
  assert.match(r.body.error.message, /^ipld: could not find bafybafy.*… \(18997 more characters\)$/);
});
