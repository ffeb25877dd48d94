/**
 * One error hierarchy for the gateway. Every JSON-RPC error code is declared once in
 * {@link ErrorCode}; every error that reaches a client is an {@link RpcError} with its
 * code, Lotus's message, its cause (kept, never flattened into the message only), and
 * whether retrying may succeed ({@link isRetryable}, asked by the leader's retry loops
 * and the balancer).
 *
 * Sources: go-jsonrpc server.go (-32700, -32600, -32601, -32602) and handler.go (1 for
 * any unregistered Go error), lotus api/api_errors.go (registered codes counted from
 * go-jsonrpc's FirstUserCode = 2: EOutOfGas 2, EExecutionReverted 3, EF3* 4–10,
 * EActorNotFound 11, ENullRound 12, EPaymentChannelDisabled 13; ELimitExceeded -32005,
 * EExpensiveFork -32002).
 */

/** JSON-RPC error codes, as go-jsonrpc and Lotus send them. */
export const ErrorCode = {
  /** Malformed JSON, or a body over the size limit (go-jsonrpc). */
  Parse: -32700,
  /** Valid JSON that is not a request object. */
  InvalidRequest: -32600,
  /** No such method (also: a channel method over plain HTTP). */
  MethodNotFound: -32601,
  /** Wrong param count, or a param that does not parse. */
  InvalidParams: -32602,
  /** The gateway could not answer (store unreachable, …). */
  Internal: -32603,
  /** lotus EExpensiveFork: the call would cross an expensive migration. */
  ExpensiveFork: -32002,
  /** lotus ELimitExceeded: a request exceeds a configured limit. */
  LimitExceeded: -32005,
  /** Any Go error without a registered type (e.g. `ipld: could not find <cid>`). */
  Handler: 1,
  /** lotus EOutOfGas. */
  OutOfGas: 2,
  /** lotus EExecutionReverted (eth_call / eth_estimateGas). */
  ExecutionReverted: 3,
  /** lotus EActorNotFound (StateLookupID of an unknown address). */
  ActorNotFound: 11,
  /** lotus ENullRound: the requested epoch was a null round. */
  NullRound: 12,
} as const;

/** Base of every error that maps to a JSON-RPC error object. */
export class RpcError extends Error {
  /** JSON-RPC error code. */
  readonly code: number;
  /** Whether retrying the same call (later, or elsewhere) may succeed. */
  readonly retryable: boolean;
  constructor(code: number, message: string, opts: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = opts.retryable ?? false;
  }
}

/** -32700: the body is not valid JSON. */
export class ParseError extends RpcError {
  static readonly code = ErrorCode.Parse;
  constructor(message = 'Parse error') {
    super(ErrorCode.Parse, message);
  }
}
/** -32600: valid JSON but not a JSON-RPC request object. */
export class InvalidRequestError extends RpcError {
  static readonly code = ErrorCode.InvalidRequest;
  constructor(message = 'Invalid request') {
    super(ErrorCode.InvalidRequest, message);
  }
}
/** -32601: no such method (also: a channel method over plain HTTP, a forwarded method without a full node). */
export class MethodNotFoundError extends RpcError {
  static readonly code = ErrorCode.MethodNotFound;
  constructor(method: string, detail?: string) {
    super(ErrorCode.MethodNotFound, detail ?? `method '${method}' not found`);
  }
}
/** -32602: wrong number of params, or a param that does not parse. */
export class InvalidParamsError extends RpcError {
  static readonly code = ErrorCode.InvalidParams;
  constructor(message: string, cause?: unknown) {
    super(ErrorCode.InvalidParams, message, { cause });
  }
}
/** -32603: the gateway could not answer (store unreachable, no head yet); retryable. */
export class InternalError extends RpcError {
  static readonly code = ErrorCode.Internal;
  constructor(message: string, cause?: unknown) {
    super(ErrorCode.Internal, message, { cause, retryable: true });
  }
}
/** 1: a generic handler error, as go-jsonrpc reports any Go error (e.g. block not found). */
export class HandlerError extends RpcError {
  static readonly code = ErrorCode.Handler;
  constructor(message: string, cause?: unknown) {
    super(ErrorCode.Handler, message, { cause });
  }
}
/** 11: Lotus's api.ErrActorNotFound. */
export class ActorNotFoundError extends RpcError {
  static readonly code = ErrorCode.ActorNotFound;
  constructor(message = 'actor not found') {
    super(ErrorCode.ActorNotFound, message);
  }
}
/** 12: Lotus's api.ErrNullRound: the requested epoch was a null round. */
export class NullRoundError extends RpcError {
  static readonly code = ErrorCode.NullRound;
  constructor(epoch: number) {
    super(ErrorCode.NullRound, `requested epoch was a null round (${epoch})`);
  }
}
/** -32005: a request exceeds a configured limit (range, batch size, subscriptions). */
export class LimitExceededError extends RpcError {
  static readonly code = ErrorCode.LimitExceeded;
  constructor(message: string) {
    super(ErrorCode.LimitExceeded, message);
  }
}

/** Node.js / undici / pg error codes of a connection that failed or dropped. */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND',
  'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
  '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', '40001', '40P01', '53300',
]);

/**
 * Whether retrying the operation that threw `e` may succeed: an {@link RpcError}
 * says so itself; an error named as a decode or format error (`DecodeError`, `CarFormatError`, a TypeError/RangeError of our own code)
 * never will; connection failures and anything else unknown may (a store or
 * upstream that is away comes back). Follows `cause` chains.
 */
export function isRetryable(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 8; cur = (cur as { cause?: unknown }).cause, depth++) {
    if (cur instanceof RpcError) return cur.retryable || cur.code === ErrorCode.Internal;
    const name = (cur as Error).name;
    if (name === 'DecodeError' || name === 'CarFormatError' || name === 'TypeError' || name === 'RangeError' || name === 'SyntaxError') return false;
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  }
  return true;
}
