/**
 * Param parsing without a database: go-jsonrpc's error prefix, the Go type and the
 * param's name in every -32602; TipSetKey, epoch, address and CID forms.
 */
import '../helpers/watchdog.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { P, minArity } from '../../api/params.js';
import { InvalidParamsError } from '../../rpc/errors.js';

const GENESIS = 'bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm2';

test('a CID param: {"/": cid} parses; anything else is -32602 naming the method, Go type and param', () => {
  assert.equal(P.cid('blockCid').parse({ '/': GENESIS }, 'Filecoin.ChainGetBlock').toString(), GENESIS);
  for (const [v, detail] of [[GENESIS, /expected \{"\/":"<cid>"\}/], [{ '/': 5 }, /incorrectly formatted/], [{ '/': 'bafynotacid' }, /invalid cid: /], [null, /got null/]] as const) {
    assert.throws(
      () => P.cid('blockCid').parse(v, 'Filecoin.ChainGetBlock'),
      (e: unknown) => e instanceof InvalidParamsError && e.code === -32602 && e.message.startsWith("unmarshaling params for 'Filecoin.ChainGetBlock' (param: *cid.Cid): blockCid: ") && detail.test(e.message),
    );
  }
});

test('a TipSetKey param: null and [] are the empty key; a bad element is named by its index', () => {
  assert.deepEqual(P.tipSetKey().parse(null, 'M'), []);
  assert.deepEqual(P.tipSetKey().parse([], 'M'), []);
  assert.deepEqual(P.tipSetKey().parse([{ '/': GENESIS }], 'M').map(String), [GENESIS]);
  assert.throws(() => P.tipSetKey().parse([{ '/': GENESIS }, 'x'], 'M'), /\(param: \*types\.TipSetKey\): tsk: element 1: invalid cid/);
  assert.throws(() => P.tipSetKey().parse({ '/': GENESIS }, 'M'), /expected an array of CIDs/);
});

test('an epoch param is an integer; optional trailing epochs default; long values are cut in the message', () => {
  assert.equal(P.epoch('height').parse(341, 'M'), 341);
  assert.equal(P.epoch('limit', { optional: true, default: -1 }).parse(undefined, 'M'), -1);
  assert.throws(() => P.epoch('height').parse(1.5, 'M'), /\(param: \*abi\.ChainEpoch\): height: expected an integer epoch, got 1\.5/);
  const long = 'x'.repeat(10_000);
  assert.throws(() => P.epoch('height').parse(long, 'M'), (e: Error) => e.message.length < 300);
});

test('an address param parses f/t strings and names what is wrong', () => {
  assert.deepEqual([...P.address().parse('f01', 'M')], [0, 1]);
  assert.throws(() => P.address('addr').parse('f9xyz', 'Filecoin.StateLookupID'), /unmarshaling params for 'Filecoin.StateLookupID' \(param: \*address\.Address\): addr: /);
  assert.throws(() => P.address().parse(42, 'M'), /expected an address string, got 42/);
});

test('arity: params before the first optional one are required', () => {
  assert.equal(minArity([P.tipSetKey(), P.cid('msg'), P.epoch('limit', { optional: true }), P.opaque('allowReplaced', 'bool', {}, true)]), 2);
  assert.equal(minArity([P.cid('obj'), P.cidOrNull('base')]), 1);
  assert.equal(minArity([]), 0);
});

test("TipSetKey bounds: a block named twice ([B,B]) and a 10,000-block key are refused before any store read", () => {
  const b = { '/': GENESIS };
  assert.throws(() => P.tipSetKey().parse([b, b], 'Filecoin.ChainGetTipSet'), new RegExp(`tsk: block ${GENESIS} appears twice in the TipSetKey$`));
  assert.throws(
    () => P.tipSetKey().parse(Array(10_000).fill(b), 'Filecoin.ChainGetTipSet'),
    (e: Error) => e instanceof InvalidParamsError && /a TipSetKey names at most 64 blocks, got 10000$/.test(e.message) && e.message.length < 200,
  );
});

test('epochs are int64 and exact: 2^63, 1e308 and 2^53+1 are refused, ±(2^53-1) accepted', () => {
  for (const raw of ['9223372036854775808', '1e308', '9007199254740993']) {
    assert.throws(() => P.epoch('height').parse(JSON.parse(raw), 'M'), /json: cannot unmarshal number .* into Go value of type abi\.ChainEpoch/, raw);
  }
  assert.equal(P.epoch('height').parse(Number.MAX_SAFE_INTEGER, 'M'), Number.MAX_SAFE_INTEGER);
  assert.equal(P.epoch('height').parse(-Number.MAX_SAFE_INTEGER, 'M'), -Number.MAX_SAFE_INTEGER);
});
