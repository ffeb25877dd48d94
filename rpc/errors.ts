/**
 * JSON-RPC errors, declared once, with the codes Lotus (go-jsonrpc) uses.
 * Thrown anywhere; rendered into `{"code","message"}` by common/rpc-server.ts.
 * Sources: go-jsonrpc handler.go (codes -32700…-32603, 1 for handler errors),
 * lotus api/api_errors.go (11 actor not found, …), lotus-gateway (-32005).
 */

/** Base of every error that maps to a JSON-RPC error object. */
export class RpcError extends Error {
  /** JSON-RPC error code. */
  readonly code: number;
  /** Whether retrying the same call elsewhere may succeed (balancer, leader loops). */
  readonly retryable: boolean;
  constructor(code: number, message: string, opts: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = opts.retryable ?? false;
  }
}

/** -32700: the body is not valid JSON. */
export class ParseError extends RpcError {
  static readonly code = -32700;
  constructor(message = 'Parse error') {
    super(ParseError.code, message);
  }
}
/** -32600: valid JSON but not a JSON-RPC request object. */
export class InvalidRequestError extends RpcError {
  static readonly code = -32600;
  constructor(message = 'invalid request') {
    super(InvalidRequestError.code, message);
  }
}
/** -32601: no such method (also: a channel method over plain HTTP). */
export class MethodNotFoundError extends RpcError {
  static readonly code = -32601;
  constructor(method: string, detail?: string) {
    super(MethodNotFoundError.code, detail ?? `method '${method}' not found`);
  }
}
/** -32602: wrong number of params, or a param that does not parse. */
export class InvalidParamsError extends RpcError {
  static readonly code = -32602;
  constructor(message: string) {
    super(InvalidParamsError.code, message);
  }
}
/** -32603: an internal error (store unreachable, …); retryable. */
export class InternalError extends RpcError {
  static readonly code = -32603;
  constructor(message: string, cause?: unknown) {
    super(InternalError.code, message, { cause, retryable: true });
  }
}
/** 1: a generic handler error, as go-jsonrpc reports any Go error (e.g. block not found). */
export class HandlerError extends RpcError {
  static readonly code = 1;
  constructor(message: string, cause?: unknown) {
    super(HandlerError.code, message, { cause });
  }
}
/** -32005: a request exceeds a configured limit (range, batch size, body size). */
export class LimitExceededError extends RpcError {
  static readonly code = -32005;
  constructor(message: string) {
    super(LimitExceededError.code, message);
  }
}
