/**
 * `Filecoin.ChainNotify` served by the balancer itself, from the one subscription it
 * already holds on each follower (to learn heads), instead of one subscription per
 * client on the follower. A client's WebSocket is pinned to a follower, so the head
 * changes it gets are that follower's, exactly as if the follower sent them: the
 * same `current` first, then each change as one array (Lotus node/impl/full/chain.go
 * ChainNotify). Each change is rendered once and shared by every subscriber (a
 * frame is three fragments: the channel's prefix, that rendering, a suffix), and
 * sent in slices that yield to other work, each client's frames in one corked write.
 *
 * Slow readers are dropped as Lotus drops them (go-jsonrpc websocket.go: a channel
 * whose 16-value buffer is full is closed), and here the client's connection is
 * closed with it: the values it left unread sit in its socket, which only a close frees.
 */
import type { WebSocket } from 'ws';

/** Local channel ids start here, far from the ids a follower gives on the same connection (1, 2, …). */
export const LOCAL_CHANNEL_BASE = 2 ** 31;
/** Values a channel may leave unwritten before its reader is slow (Lotus: 16). */
export const CHANNEL_BUFFER = 16;
/** Subscriptions one client connection may hold (lotus-gateway: 16). */
export const MAX_SUBSCRIPTIONS = 16;

const SUFFIX = Buffer.from(']}\n');
/** Changes waiting for the fan-out before its subscribers are ended as too many to keep up with. */
const MAX_QUEUED = 32;
/**
 * Subscribers sent a change before the fan-out yields to other work. Small slices
 * keep HTTP reads flowing while thousands of subscribers are fed: with 500 clients
 * × 16 subscriptions at 200 ms epochs (bench:abuse), the worst 2-s p99 of ChainHead
 * was 33 ms with slices of 256, 8 ms with 64 and 5–9 ms with 16 (idle: 2.3–7.8 ms
 * across runs on a shared 2-core machine).
 */
const FANOUT_SLICE = 16;

/** One client subscription served by the balancer. */
export interface LocalChannel {
  readonly ws: WebSocket;
  /** Channel id, ≥ {@link LOCAL_CHANNEL_BASE}. */
  readonly id: number;
  /** The JSON of the request id that opened it (for xrpc.cancel). */
  readonly requestKey: string;
  /** `{"jsonrpc":"2.0","method":"xrpc.ch.val","params":[<id>,` as bytes. */
  readonly prefix: Buffer;
  /** Values handed to ws.send whose write has not completed. */
  unwritten: number;
  closed: boolean;
}

/** Called when a subscriber fell `CHANNEL_BUFFER` values behind. */
export type SlowReader = (ch: LocalChannel) => void;

/** The ChainNotify fan-out of one follower. */
export class NotifyFanout {
  /** `[{"Type":"current","Val":<head>}]` as bytes, or null while the head is unknown. */
  private current: Buffer | null = null;
  private readonly subs = new Set<LocalChannel>();
  /** Changes not yet sent to all their subscribers, oldest first. */
  private readonly queue: Array<{ payload: Buffer; targets: LocalChannel[] }> = [];
  private draining = false;

  /**
   * @param onSlow called once per channel that fell behind
   * @param maxBufferedBytes a client with more unwritten bytes than this is slow too (WS_MAX_BUFFERED_BYTES)
   */
  constructor(
    private readonly onSlow: SlowReader,
    private readonly maxBufferedBytes = 8 << 20,
  ) {}

  /** Open subscriptions. */
  get size(): number {
    return this.subs.size;
  }

  /**
   * A head change from the follower's ChainNotify (the parsed `HeadChange[]`): sent
   * to every subscriber as one shared rendering. A revert-only change leaves the
   * head (the reverted tipset's parent) unknown until the next apply, so new
   * subscribers go to the follower meanwhile.
   */
  publish(changes: unknown[]): void {
    if (changes.length === 0) return;
    const last = changes[changes.length - 1] as { Type?: string; Val?: unknown };
    const payload = Buffer.from(JSON.stringify(changes));
    // the watcher's own first value is the follower's `current`; subscribers never see it twice
    const isCurrent = changes.length === 1 && last.Type === 'current';
    this.current = last.Type === 'revert' ? null : Buffer.from(JSON.stringify([{ Type: 'current', Val: last.Val }]));
    if (isCurrent || this.subs.size === 0) return;
    if (this.queue.length >= MAX_QUEUED) {
      // the fan-out cannot keep up: its subscribers are ended (xrpc.ch.close) rather than fed stale heads
      for (const ch of [...this.subs]) this.close(ch, true);
      this.queue.length = 0;
      return;
    }
    // the subscribers of this moment: one who joins later got this head as its `current`
    this.queue.push({ payload, targets: [...this.subs] });
    if (!this.draining) void this.drain();
  }

  /**
   * Send the queued changes in order, {@link FANOUT_SLICE} subscribers at a time,
   * yielding between slices so that other requests are served meanwhile (10,000
   * subscribers must not hold the event loop for a whole head change).
   */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const { payload, targets } = this.queue[0]!;
        for (let i = 0; i < targets.length; i += FANOUT_SLICE) {
          // a client's frames go out in one write: its socket is corked while they are queued
          const corked = new Set<{ cork(): void; uncork(): void }>();
          for (const ch of targets.slice(i, i + FANOUT_SLICE)) {
            const socket = (ch.ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
            if (socket && !corked.has(socket)) {
              socket.cork();
              corked.add(socket);
            }
            this.send(ch, payload);
          }
          for (const socket of corked) socket.uncork();
          if (i + FANOUT_SLICE < targets.length) await new Promise((r) => setImmediate(r));
        }
        this.queue.shift();
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * Subscribe a client: returns the channel, whose id the caller answers the
   * request with before calling {@link start}. Null when the head is unknown.
   */
  open(ws: WebSocket, id: number, requestKey: string): LocalChannel | null {
    if (!this.current) return null;
    return { ws, id, requestKey, prefix: Buffer.from(`{"jsonrpc":"2.0","method":"xrpc.ch.val","params":[${id},`), unwritten: 0, closed: false };
  }

  /** Send the channel its `current` and start its head changes. */
  start(ch: LocalChannel): void {
    if (ch.closed || !this.current) return;
    this.subs.add(ch);
    this.send(ch, this.current);
  }

  /** Close a channel: `xrpc.ch.close` to the client when `notify` (cancel), nothing on disconnect. */
  close(ch: LocalChannel, notify: boolean): void {
    if (ch.closed) return;
    ch.closed = true;
    this.subs.delete(ch);
    if (notify && ch.ws.readyState === ch.ws.OPEN) ch.ws.send(`{"jsonrpc":"2.0","method":"xrpc.ch.close","params":[${ch.id}]}\n`);
  }

  /** Close every channel (the follower's subscription ended): each client gets `xrpc.ch.close`. */
  closeAll(): void {
    for (const ch of [...this.subs]) this.close(ch, true);
    this.current = null;
  }

  /** Whether a channel may be sent one more value; a slow one is closed and reported. */
  private admit(ch: LocalChannel): boolean {
    if (ch.ws.readyState !== ch.ws.OPEN) return false;
    if (ch.unwritten >= CHANNEL_BUFFER || ch.ws.bufferedAmount > this.maxBufferedBytes) {
      this.close(ch, false);
      this.onSlow(ch);
      return false;
    }
    return true;
  }

  /**
   * One text message in three fragments sent back to back (nothing comes between
   * them): the channel's prefix, the shared payload, the suffix. The payload is not
   * copied per subscriber, so what a slow client holds is its own prefixes and
   * references to payloads every subscriber shares (bench:abuse: 500 such clients
   * peaked at +110 MB of heap and buffers; one copy per frame, at +340 MB).
   */
  private send(ch: LocalChannel, payload: Buffer): void {
    if (ch.closed || !this.admit(ch)) return;
    ch.unwritten++;
    ch.ws.send(ch.prefix, { binary: false, fin: false });
    ch.ws.send(payload, { binary: false, fin: false });
    ch.ws.send(SUFFIX, { binary: false, fin: true }, () => {
      ch.unwritten--;
    });
  }
}
