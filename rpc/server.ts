/**
 * JSON-RPC 2.0 the way go-jsonrpc serves Lotus's API, over HTTP (single and batch)
 * and WebSocket, including go-jsonrpc's "xrpc" channels for subscription methods.
 * Request validation and dispatch use the `json-rpc-2.0` package; this module adds
 * Lotus's error codes and messages, arity checks, method aliases (eth_*),
 * per-method metrics, and channels.
 *
 * Channel protocol (go-jsonrpc websocket.go):
 *   → {"id":5,"method":"Filecoin.ChainNotify","params":[]}
 *   ← {"id":5,"result":1}                               channel id, per connection, from 1
 *   ← {"method":"xrpc.ch.val","params":[1, value]}      values, no id
 *   ← {"method":"xrpc.ch.close","params":[1]}           server closes
 *   → {"method":"xrpc.cancel","params":[5]}             client cancels by request id
 */
import {
  JSONRPCErrorException,
  JSONRPCServer,
  type JSONRPCID,
  type JSONRPCRequest,
  type JSONRPCErrorResponse,
} from 'json-rpc-2.0';
import type { WebSocket } from 'ws';
import type { Logger } from '../common/logger.js';
import type { Metrics } from '../common/metrics.js';
import { HandlerError, InvalidParamsError, InvalidRequestError, LimitExceededError, MethodNotFoundError, ParseError, RpcError } from './errors.js';

/**
 * A channel value already rendered as JSON, for values sent to many channels at
 * once (a head change to every ChainNotify subscriber): rendered once, not once
 * per subscriber. Frames built from it are byte-identical to rendering the value.
 */
export class PreSerialized {
  constructor(readonly json: string) {}
}

/** An open channel on one WebSocket connection. */
export interface Channel {
  /** Channel id (per connection, counting from 1). */
  readonly id: number;
  /** Queue a value (any JSON value, or a {@link PreSerialized} one); dropped when the channel is closed. */
  send(value: unknown): void;
  /** Close the channel (sends xrpc.ch.close once). */
  close(): void;
  /** Called once when the channel closes for any reason (cancel, close, disconnect, slow reader). */
  onClose(cb: () => void): void;
  readonly closed: boolean;
}

/**
 * How a channel's values are framed: go-jsonrpc's `xrpc.ch.val` (ChainNotify), or an
 * Ethereum subscription, `{"method":"eth_subscription","params":{"subscription":id,"result":v}}`
 * (eth_subscribe; closing sends nothing).
 */
export type ChannelFrame = { kind: 'xrpc' } | { kind: 'eth'; subscription: string };

/** What lives as long as one WebSocket connection: its eth filters (subscriptions are channels). */
export interface ConnectionState {
  /** Stateful objects by id (eth filters), closed with the connection. They count towards the per-connection cap. */
  readonly filters: Map<string, { close(): void }>;
  /** Open eth subscriptions by subscription id. */
  readonly subscriptions: Map<string, Channel>;
  /** Subscriptions plus filters this connection may hold (lotus-gateway EthMaxFiltersPerConn, 16). */
  readonly cap: number;
  /** Channels open now (ChainNotify and eth subscriptions). */
  channelCount(): number;
  /** Whether the WebSocket has closed (long calls such as StateWaitMsg stop then). */
  readonly closed: boolean;
}

/**
 * Unsent values an event subscription (eth_subscribe, SubscribeActorEventsRaw) may
 * queue before it is closed as slow: Lotus's per-subscription queue (20000); the byte
 * bound of the connection applies too. ChainNotify keeps go-jsonrpc's 16.
 */
export const EVENT_CHANNEL_BUFFER = 20_000;

/** Per-call context. `openChannel` and `connection` exist only on WebSocket connections. */
export interface CallContext {
  /** Open a channel; `buffer`: unsent values allowed before it is closed as slow (default 16). */
  openChannel?: (frame?: ChannelFrame, buffer?: number) => Channel;
  connection?: ConnectionState;
  /** Client address, for logs and limits. */
  remote?: string;
}

/** A served method. */
export interface MethodSpec {
  /** Receives the positional params (already arity-checked). */
  handler: (params: unknown[], ctx: CallContext) => Promise<unknown> | unknown;
  /** Number of params the Go signature takes. Fewer is allowed down to `minParams`. */
  params: number;
  /** Fewest params accepted (default: `params`). Missing trailing params arrive as undefined. */
  minParams?: number;
  /** A subscription method: needs a WebSocket; over HTTP it answers -32601. */
  channel?: boolean;
  /** Name in metrics (an alias counts under its method's name; default: the registered name). */
  label?: string;
}

/**
 * A gate in front of every request body or WebSocket frame (rate limits): null to
 * let it through, or the JSON-RPC answer to send instead and when to retry (seconds).
 */
export type Admit = (remote: string, body: string) => { body: string; retryAfterSeconds: number } | null;

/** The one error every unwritten frame of a dropped client is failed with (not one Error per frame). */
const SLOW_READER = Object.assign(new Error('the client stopped reading'), { code: 'ESLOWREADER' });

/**
 * Close a client that stopped reading, at once. Its socket may hold thousands of
 * unwritten frames; destroying it with one error hands that error to each of their
 * callbacks, instead of Node creating an Error per frame (`ws.terminate()`), which
 * for 500 such clients at once stalls the process for half a second.
 */
export function dropSocket(ws: WebSocket): void {
  const socket = (ws as unknown as { _socket?: { destroy(err?: Error): void } })._socket;
  socket?.destroy(SLOW_READER);
  // and the WebSocket is CLOSING at once (the destroyed socket is not destroyed again)
  ws.terminate();
}

/** Server limits. */
export interface RpcServerOptions {
  /** Max requests in one batch (default 100). */
  maxBatch?: number;
  /** Max values queued to a channel before its reader is dropped as slow (default 16, as Lotus). */
  channelBuffer?: number;
  /** Max open channels (subscriptions) per WebSocket connection (default 16, as lotus-gateway). */
  maxChannels?: number;
  /**
   * Bytes of answers and channel values a WebSocket may leave unsent (queued in
   * the process, `ws.bufferedAmount`) before it is closed as a reader that stopped
   * (default 8 MiB). A channel whose own unsent values pass a quarter of this is
   * closed as slow (xrpc.ch.close), like a channel whose 16 values are unsent.
   */
  maxBufferedBytes?: number;
  log: Logger;
  metrics?: Metrics;
}

interface ServerParams {
  ctx: CallContext;
}

/** JSON-RPC dispatcher shared by HTTP and WebSocket transports. */
export class RpcServer {
  private readonly server = new JSONRPCServer<ServerParams>({ errorListener: () => undefined });
  private readonly maxBatch: number;
  private readonly channelBuffer: number;
  private readonly maxChannels: number;
  private readonly maxBufferedBytes: number;

  constructor(methods: Map<string, MethodSpec>, private readonly opts: RpcServerOptions) {
    this.maxBatch = opts.maxBatch ?? 100;
    this.channelBuffer = opts.channelBuffer ?? 16;
    this.maxChannels = opts.maxChannels ?? 16;
    this.maxBufferedBytes = opts.maxBufferedBytes ?? 8 << 20;
    this.server.mapErrorToJSONRPCErrorResponse = (id: JSONRPCID, error: unknown): JSONRPCErrorResponse => {
      if (error instanceof RpcError || error instanceof JSONRPCErrorException) {
        return errorResponse(id, error.code, error.message);
      }
      this.opts.log.error({ err: error }, 'unexpected handler error');
      return errorResponse(id, 1, (error as Error)?.message ?? String(error));
    };
    this.server.handleMethodNotFound = async (request: JSONRPCRequest) =>
      request.id === undefined ? null : errorResponse(request.id, MethodNotFoundError.code, `method '${request.method}' not found`);
    for (const [name, spec] of methods) this.register(name, spec);
  }

  private register(name: string, spec: MethodSpec): void {
    const min = spec.minParams ?? spec.params;
    const label = spec.label ?? name;
    // every served method shows in /debug/metrics from the start, at zero (errors appear with their code)
    this.opts.metrics?.rpcRequests.inc({ method: label, code: '0' }, 0);
    this.server.addMethodAdvanced(name, async (request, sp) => {
      const started = process.hrtime.bigint();
      let code = 0;
      try {
        if (request.params !== undefined && request.params !== null && !Array.isArray(request.params)) {
          throw new RpcError(ParseError.code, 'unmarshaling param array: expected a JSON array of positional params');
        }
        const params = (request.params as unknown[] | undefined) ?? [];
        if (params.length < min || params.length > spec.params) {
          throw new InvalidParamsError(`wrong param count (method '${name}'): ${params.length} != ${spec.params}`);
        }
        if (spec.channel && !sp.ctx.openChannel) {
          throw new MethodNotFoundError(name, `method '${name}' not supported in this mode (no out channel support)`);
        }
        const result = await spec.handler(params, sp.ctx);
        return request.id === undefined ? null : { id: request.id, jsonrpc: '2.0', result: result === undefined ? null : result };
      } catch (e) {
        code = e instanceof RpcError ? e.code : 1;
        this.opts.metrics?.rpcErrors.inc({ method: label, code: String(code) });
        throw e;
      } finally {
        this.opts.metrics?.rpcRequests.inc({ method: label, code: String(code) });
        this.opts.metrics?.rpcDuration.observe({ method: label }, Number(process.hrtime.bigint() - started) / 1e9);
      }
    });
  }

  /** Dispatch a request or batch; batch items that are not requests get -32600 each. */
  private async receive(parsed: unknown, ctx: CallContext): Promise<unknown> {
    if (!Array.isArray(parsed)) return this.server.receive(parsed as JSONRPCRequest, { ctx });
    const out = await Promise.all(
      parsed.map((item) => (isRequestShape(item) ? this.server.receive(item as JSONRPCRequest, { ctx }) : Promise.resolve(errorResponse(idOf(item), InvalidRequestError.code, 'Invalid request')))),
    );
    return out.filter((r) => r !== null);
  }

  /** Whether a method (or alias) is served. */
  has(method: string): boolean {
    return this.server.hasMethod(method);
  }

  /**
   * Answer one HTTP body (single request or batch) as go-jsonrpc does: HTTP 400 for
   * -32600, 500 for other framework errors (-32700, -32601, -32602), 200 for results,
   * handler errors (code 1, …) and batches; an empty body for notifications.
   */
  async handleHttp(body: string, ctx: CallContext): Promise<{ status: number; body: string }> {
    if (body.trim() === '') return { status: 400, body: serialize(errorResponse(null, InvalidRequestError.code, 'Invalid request')) };
    if (nestedDeeperThan(body, MAX_JSON_DEPTH)) return { status: 400, body: serialize(tooDeepResponse()) };
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { status: 500, body: serialize(errorResponse(null, ParseError.code, 'Parse error')) };
    }
    if (Array.isArray(parsed)) {
      if (parsed.length === 0) return { status: 400, body: serialize(errorResponse(null, InvalidRequestError.code, 'Invalid request')) };
      if (parsed.length > this.maxBatch) {
        return { status: 500, body: serialize(errorResponse(null, LimitExceededError.code, `batch of ${parsed.length} requests exceeds the limit of ${this.maxBatch}`)) };
      }
    } else if (!isRequestShape(parsed)) {
      return { status: 400, body: serialize(errorResponse(idOf(parsed), InvalidRequestError.code, 'Invalid request')) };
    }
    const res = await this.receive(parsed, ctx);
    if (res === null || (Array.isArray(res) && res.length === 0)) return { status: 200, body: '' };
    if (Array.isArray(res)) return { status: 200, body: `[${res.map(serialize).join(',')}]` };
    return { status: statusFor(res), body: serialize(res) };
  }

  /**
   * Serve JSON-RPC on a WebSocket: requests, batches, channels and xrpc.cancel.
   * Returns when the socket is set up; channels close when it does.
   */
  attachWebSocket(ws: WebSocket, remote?: string, admit?: Admit): void {
    let nextChannel = 1;
    const channels = new Map<number, ChannelImpl>();
    const connection = { filters: new Map(), subscriptions: new Map(), cap: this.maxChannels, channelCount: () => channels.size, closed: false } as ConnectionState & { closed: boolean };
    const byRequest = new Map<string, ChannelImpl>();
    const cancelledEarly = new Set<string>();
    this.opts.metrics?.wsConnections.inc();
    /** Send one message (or a frame already rendered, as a string); returns its size in bytes (0 when the socket is gone or was just closed as slow). */
    const sendRaw = (msg: unknown, cb?: (err?: Error) => void): number => {
      if (ws.readyState !== ws.OPEN) return 0;
      if (ws.bufferedAmount > this.maxBufferedBytes) {
        // the client stopped reading: drop it rather than buffer for it without end
        this.opts.metrics?.slowClientsClosed.inc();
        this.opts.log.info({ remote, bufferedBytes: ws.bufferedAmount }, 'closing a WebSocket client that stopped reading');
        dropSocket(ws);
        return 0;
      }
      const frame = typeof msg === 'string' ? msg : Array.isArray(msg) ? `[${msg.map(serialize).join(',')}]` : serialize(msg);
      ws.send(frame, cb);
      return Buffer.byteLength(frame);
    };
    const onMessage = async (data: Buffer | ArrayBuffer | Buffer[]): Promise<void> => {
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      if (nestedDeeperThan(text, MAX_JSON_DEPTH)) {
        sendRaw(tooDeepResponse());
        return;
      }
      const refused = admit?.(remote ?? '', text);
      if (refused) {
        if (ws.readyState === ws.OPEN) ws.send(refused.body);
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        // go-jsonrpc drops such frames silently; we answer so the client learns why
        sendRaw(errorResponse(null, ParseError.code, 'Parse error'));
        return;
      }
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && (parsed as JSONRPCRequest).method === 'xrpc.cancel') {
        const p = (parsed as JSONRPCRequest).params;
        const reqId = JSON.stringify(Array.isArray(p) ? p[0] : undefined);
        const ch = byRequest.get(reqId);
        if (ch) ch.close();
        else if (cancelledEarly.size < 256) cancelledEarly.add(reqId); // the call is still running: close its channel on arrival
        return;
      }
      const pending: ChannelImpl[] = [];
      const ctx: CallContext = {
        remote,
        connection,
        openChannel: (frame: ChannelFrame = { kind: 'xrpc' }, buffer = this.channelBuffer) => {
          // lotus-gateway caps filters/subscriptions per connection (16); for eth ones its error is code 1
          if (channels.size + connection.filters.size >= this.maxChannels) {
            if (frame.kind === 'eth') throw new HandlerError('too many subscriptions and filters per connection');
            throw new LimitExceededError(`too many subscriptions on this connection (limit ${this.maxChannels})`);
          }
          const ch = new ChannelImpl(nextChannel++, sendRaw, buffer, this.maxBufferedBytes / 4, frame);
          channels.set(ch.id, ch);
          this.opts.metrics?.subscribers.inc();
          ch.onClose(() => {
            channels.delete(ch.id);
            this.opts.metrics?.subscribers.dec();
          });
          pending.push(ch);
          return ch;
        },
      };
      let res: unknown;
      if (Array.isArray(parsed) && parsed.length > this.maxBatch) {
        res = errorResponse(null, LimitExceededError.code, `batch of ${parsed.length} requests exceeds the limit of ${this.maxBatch}`);
      } else if (Array.isArray(parsed) && parsed.length === 0) {
        res = errorResponse(null, InvalidRequestError.code, 'Invalid request');
      } else if (!Array.isArray(parsed) && !isRequestShape(parsed)) {
        res = errorResponse(idOf(parsed), InvalidRequestError.code, 'Invalid request');
      } else {
        res = await this.receive(parsed, ctx);
      }
      if (res !== null && !(Array.isArray(res) && res.length === 0)) sendRaw(res);
      // channel values flow only after the response carrying the channel id
      const reqId = !Array.isArray(parsed) && parsed && typeof parsed === 'object' ? (parsed as JSONRPCRequest).id : undefined;
      for (const ch of pending) {
        ch.start();
        if (reqId !== undefined) {
          const k = JSON.stringify(reqId);
          if (cancelledEarly.delete(k)) {
            ch.close();
            continue;
          }
          byRequest.set(k, ch);
          ch.onClose(() => byRequest.delete(k));
        }
      }
    };
    ws.on('message', (data) => {
      onMessage(data as Buffer).catch((e) => this.opts.log.error({ err: e }, 'websocket message handling failed'));
    });
    ws.on('close', () => {
      connection.closed = true;
      this.opts.metrics?.wsConnections.dec();
      for (const ch of [...channels.values()]) ch.close(false);
      for (const f of connection.filters.values()) f.close();
      connection.filters.clear();
    });
    ws.on('error', () => undefined);
  }
}

/** Deepest nesting of arrays and objects a body may have (checked before it is parsed). */
export const MAX_JSON_DEPTH = 64;

/** Longest error message sent (characters); longer ones are cut, saying by how much. */
export const MAX_ERROR_MESSAGE = 1024;

/**
 * Whether JSON text nests arrays/objects deeper than `limit`, by one scan over the
 * text (strings and their escapes skipped): a 100,000-deep body is refused before
 * JSON.parse and before any recursion over the parsed value can overflow the stack.
 */
export function nestedDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

function tooDeepResponse(): JSONRPCErrorResponse {
  return errorResponse(null, InvalidRequestError.code, `Invalid request: JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
}

/**
 * A JSON-RPC request object: an object whose `method` is a string and whose `id`,
 * when present, is a string, a number or null (JSON-RPC 2.0 §4). (go-jsonrpc answers
 * a wrongly typed field with -32700; JSON-RPC 2.0 and this gateway say -32600
 * "Invalid request", so a client learns its request, not its JSON, is wrong.)
 */
function isRequestShape(v: unknown): boolean {
  if (!v || typeof v !== 'object' || Array.isArray(v) || typeof (v as { method?: unknown }).method !== 'string') return false;
  const id = (v as { id?: unknown }).id;
  return id === undefined || id === null || typeof id === 'string' || typeof id === 'number';
}

/** The request's id when it is a valid id (string, number), else null. */
function idOf(v: unknown): JSONRPCID {
  const id = v && typeof v === 'object' ? (v as { id?: unknown }).id : undefined;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

/** An error response, keys in go-jsonrpc's (alphabetical) order; the message cut to {@link MAX_ERROR_MESSAGE}. */
export function errorResponse(id: JSONRPCID, code: number, message: string): JSONRPCErrorResponse {
  const m = message.length > MAX_ERROR_MESSAGE ? `${message.slice(0, MAX_ERROR_MESSAGE)}… (${message.length - MAX_ERROR_MESSAGE} more characters)` : message;
  return { error: { code, message: m }, id, jsonrpc: '2.0' } as unknown as JSONRPCErrorResponse;
}

/**
 * Serialize a response with go-jsonrpc's key order (`error`/`id`/`jsonrpc`/`result`,
 * alphabetical because it marshals a map) and its trailing newline.
 */
export function serialize(msg: unknown): string {
  const m = msg as Record<string, unknown>;
  if (m && typeof m === 'object' && ('result' in m || 'error' in m)) {
    const ordered: Record<string, unknown> = {};
    if ('error' in m) ordered.error = { code: (m.error as { code: number }).code, message: (m.error as { message: string }).message };
    ordered.id = m.id ?? null;
    ordered.jsonrpc = '2.0';
    if (!('error' in m)) ordered.result = m.result;
    return JSON.stringify(ordered) + '\n';
  }
  return JSON.stringify(msg) + '\n';
}

/** HTTP status go-jsonrpc gives a single response. */
export function statusFor(res: unknown): number {
  const err = (res as { error?: { code: number } }).error;
  if (!err) return 200;
  if (err.code === InvalidRequestError.code) return 400;
  if ([ParseError.code, MethodNotFoundError.code, InvalidParamsError.code, -32603, 0].includes(err.code)) return 500;
  return 200;
}

/**
 * One go-jsonrpc channel on a WebSocket. Values sent but not yet handed to the
 * socket are bounded in count (`buffer`, 16 as Lotus) and in bytes (`bufferBytes`);
 * past either, the reader is slow and the channel is closed (Lotus closes a full
 * subscriber: go-jsonrpc websocket.go).
 */
class ChannelImpl implements Channel {
  private queue: unknown[] = [];
  private started = false;
  private inFlight = 0;
  private inFlightBytes = 0;
  private closeCbs: Array<() => void> = [];
  closed = false;

  constructor(
    readonly id: number,
    private readonly sendRaw: (msg: unknown, cb?: (err?: Error) => void) => number,
    private readonly buffer: number,
    private readonly bufferBytes: number,
    private readonly frame: ChannelFrame = { kind: 'xrpc' },
  ) {}

  start(): void {
    this.started = true;
    const q = this.queue;
    this.queue = [];
    for (const v of q) this.send(v);
  }

  send(value: unknown): void {
    if (this.closed) return;
    if (!this.started) {
      this.queue.push(value);
      return;
    }
    if (this.inFlight >= this.buffer || this.inFlightBytes > this.bufferBytes) {
      // a slow reader is dropped, not waited for (Lotus closes a full subscriber)
      this.close();
      return;
    }
    this.inFlight++;
    let size = 0;
    let written = false;
    const msg =
      this.frame.kind === 'eth'
        ? { jsonrpc: '2.0', method: 'eth_subscription', params: { subscription: this.frame.subscription, result: value instanceof PreSerialized ? JSON.parse(value.json) : value } }
        : value instanceof PreSerialized
          ? `{"jsonrpc":"2.0","method":"xrpc.ch.val","params":[${this.id},${value.json}]}\n`
          : { jsonrpc: '2.0', method: 'xrpc.ch.val', params: [this.id, value] };
    size = this.sendRaw(msg, () => {
      written = true;
      this.inFlight--;
      this.inFlightBytes -= size;
    });
    if (size === 0) this.inFlight--; // not sent: the socket is gone
    else if (!written) this.inFlightBytes += size;
  }

  close(notify = true): void {
    if (this.closed) return;
    this.closed = true;
    if (notify && this.started && this.frame.kind === 'xrpc') this.sendRaw({ jsonrpc: '2.0', method: 'xrpc.ch.close', params: [this.id] });
    for (const cb of this.closeCbs) cb();
    this.closeCbs = [];
  }

  onClose(cb: () => void): void {
    if (this.closed) cb();
    else this.closeCbs.push(cb);
  }
}
