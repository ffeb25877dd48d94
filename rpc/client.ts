/**
 * A WebSocket JSON-RPC client for Lotus-style servers (ours or Lotus itself):
 * calls, and go-jsonrpc channel subscriptions (`xrpc.ch.val` / `xrpc.ch.close`,
 * cancelled with `xrpc.cancel`). Used by followers to follow the leader.
 */
import { WebSocket } from 'ws';
import { ErrorCode, RpcError } from './errors.js';

/** A live subscription. */
export interface Subscription {
  /** Channel id the server assigned. */
  channelId: number;
  /** Cancel (sends xrpc.cancel with the original request id). */
  cancel(): void;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** A connected WebSocket JSON-RPC client. Create with {@link RpcWsClient.connect}. */
export class RpcWsClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly channels = new Map<number, { onValue: (v: unknown) => void; onClose: () => void }>();
  private closeCbs: Array<(err?: Error) => void> = [];
  /** Values that arrived before their channel was registered. */
  private early: Array<[number, unknown]> = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => this.onMessage(String(data)));
    ws.on('close', () => this.onClosed(new Error('connection closed')));
    ws.on('error', (e) => this.onClosed(e));
  }

  /**
   * Open a connection.
   * @param url `ws://host:port/rpc/v1`
   * @throws Error when the connection cannot be opened within `timeoutMs`.
   */
  static connect(url: string, opts: { token?: string; timeoutMs?: number } = {}): Promise<RpcWsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, {
        headers: opts.token ? { Authorization: `Bearer ${opts.token}` } : {},
        handshakeTimeout: opts.timeoutMs ?? 5000,
        maxPayload: 256 << 20,
      });
      const fail = (e: Error): void => {
        ws.removeAllListeners();
        ws.on('error', () => undefined);
        ws.terminate();
        reject(new Error(`cannot connect to ${url}: ${e.message}`));
      };
      ws.once('error', fail);
      ws.once('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode}`)));
      ws.once('open', () => {
        ws.removeListener('error', fail);
        resolve(new RpcWsClient(ws));
      });
    });
  }

  private onMessage(text: string): void {
    let msg: { id?: number; result?: unknown; error?: { code: number; message: string }; method?: string; params?: unknown[] };
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    // a peer's `null`, number or array frame is ignored, never thrown from the listener
    if (!msg || typeof msg !== 'object' || Array.isArray(msg)) return;
    if (msg.method === 'xrpc.ch.val' && Array.isArray(msg.params)) {
      const ch = this.channels.get(msg.params[0] as number);
      if (ch) ch.onValue(msg.params[1]);
      else if (this.early.length < 64) this.early.push(msg.params as [number, unknown]); // bounded: values of unknown channels
      return;
    }
    if (msg.method === 'xrpc.ch.close' && Array.isArray(msg.params)) {
      const id = msg.params[0] as number;
      const ch = this.channels.get(id);
      this.channels.delete(id);
      ch?.onClose();
      return;
    }
    if (typeof msg.id === 'number') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) {
        // a peer's answer may change on a retry (a block it lacks yet, a head that moved), unless it refused the request itself
        const code = msg.error.code;
        p.reject(new RpcError(code, msg.error.message, { retryable: ![ErrorCode.Parse, ErrorCode.InvalidRequest, ErrorCode.MethodNotFound, ErrorCode.InvalidParams].includes(code as never) }));
      } else p.resolve(msg.result);
    }
  }

  private onClosed(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    for (const ch of this.channels.values()) ch.onClose();
    this.channels.clear();
    const cbs = this.closeCbs;
    this.closeCbs = [];
    for (const cb of cbs) cb(err);
  }

  /** Called once when the connection ends. */
  onClose(cb: (err?: Error) => void): void {
    this.closeCbs.push(cb);
  }

  /** Whether the socket is open. */
  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /**
   * Call a method.
   * @throws RpcError with the server's code and message; Error when the connection drops.
   */
  call<T = unknown>(method: string, params: unknown[] = [], timeoutMs = 30_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }), (err) => {
        if (err) this.pending.get(id)?.reject(err);
      });
    });
  }

  /**
   * Subscribe to a channel method (e.g. `Filecoin.ChainNotify`). Values are delivered
   * in order; `onClose` runs when the server closes the channel or the connection drops.
   */
  async subscribe(method: string, params: unknown[], onValue: (v: unknown) => void, onClose: () => void): Promise<Subscription> {
    const id = this.nextId;
    // register the handler before the id response arrives: values follow it immediately
    const chId = await this.call<number>(method, params);
    this.channels.set(chId, { onValue, onClose });
    const early = this.early.filter(([c]) => c === chId);
    this.early = this.early.filter(([c]) => c !== chId);
    for (const [, v] of early) onValue(v);
    return {
      channelId: chId,
      cancel: () => {
        this.channels.delete(chId);
        if (this.open) this.ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'xrpc.cancel', params: [id] }));
      },
    };
  }

  /** Close the connection. */
  close(): void {
    this.ws.close();
  }
}
