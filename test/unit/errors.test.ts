/**
 * The error hierarchy, without a database: Lotus's codes declared once, causes kept,
 * and what the leader's retry loops treat as retryable or fatal.
 */
import '../helpers/watchdog.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ActorNotFoundError, ErrorCode, HandlerError, InternalError, InvalidParamsError, LimitExceededError, RpcError, isRetryable } from '../../rpc/errors.js';
import { DecodeError } from '../../chain/types.js';

test("codes are Lotus's (api/api_errors.go from go-jsonrpc's FirstUserCode = 2; go-jsonrpc's own)", () => {
  assert.deepEqual(
    [new HandlerError('x').code, new ActorNotFoundError().code, new LimitExceededError('x').code, new InvalidParamsError('x').code, new InternalError('x').code],
    [1, 11, -32005, -32602, -32603],
  );
  assert.equal(ErrorCode.NullRound, 12);
  assert.equal(ErrorCode.ExecutionReverted, 3);
});

test('errors keep their cause', () => {
  const root = new Error('connection reset');
  const e = new HandlerError('failed to load receipts: connection reset', root);
  assert.equal(e.cause, root);
  assert.equal(new RpcError(1, 'x').cause, undefined);
});

test('retryable vs fatal: decode errors stop the retry loop, outages do not', () => {
  assert.equal(isRetryable(new DecodeError('block header', 'expected 16 fields, got 3')), false);
  assert.equal(isRetryable(Object.assign(new Error('CAR truncated'), { name: 'CarFormatError' })), false);
  assert.equal(isRetryable(new Error('wrapped', { cause: new DecodeError('message', 'x') })), false, 'follows causes');
  assert.equal(isRetryable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })), true);
  assert.equal(isRetryable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })), true);
  assert.equal(isRetryable(new InternalError('store error')), true);
  assert.equal(isRetryable(new RpcError(1, 'ipld: could not find bafy…', { retryable: true })), true, "a peer's answer that may change");
  assert.equal(isRetryable(new InvalidParamsError('bad')), false);
});
