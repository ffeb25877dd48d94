/**
 * ChainNotify fan-out, shared by the leader and followers: Lotus's
 * `HeadChange{Type, Val}` arrays delivered on go-jsonrpc channels.
 * A new subscriber first gets exactly one `current` (the head); every later head
 * move arrives as one array (reverts from the old head downwards, then applies
 * ascending). Each change is rendered to JSON once for all subscribers.
 * Source: lotus node/impl/full/chain.go ChainNotify, chain/store/store.go SubHeadChanges.
 */
import { LRUCache } from 'lru-cache';
import type { NetworkPrefix } from '../chain/address.js';
import type { TipSet } from '../chain/tipset.js';
import { tipSetJson } from '../chain/json.js';
import type { HeadChange } from '../chain/head-change.js';
import { type Channel, PreSerialized } from './server.js';

/** JSON of one HeadChange. */
export interface HeadChangeJson {
  Type: 'current' | 'apply' | 'revert';
  Val: Record<string, unknown>;
}

/** Keeps the head and the subscribers; publishes head changes to every open channel. */
export class HeadNotifier {
  private head: TipSet | null = null;
  private readonly channels = new Set<Channel>();
  private readonly waiting = new Set<Channel>();
  private readonly listeners = new Set<(changes: HeadChange[]) => void>();
  /** Rendered tipsets, bounded by their JSON size (32 MiB), not by count: a tipset's size varies with its blocks. */
  private readonly rendered = new LRUCache<string, Record<string, unknown>>({ maxSize: 32 << 20, sizeCalculation: (v) => Math.max(1, JSON.stringify(v).length) });

  /** @param prefix the network's address prefix, read at render time (known once genesis is). */
  constructor(private readonly prefix: () => NetworkPrefix) {}

  /** The current head (null before the first). */
  get current(): TipSet | null {
    return this.head;
  }

  /** Number of open subscriptions. */
  get subscriberCount(): number {
    return this.channels.size + this.waiting.size;
  }

  /**
   * Render a tipset as Lotus JSON with this network's address prefix. Tipsets are
   * immutable, so renderings are cached by TipSetKey (and prefix).
   */
  render(ts: TipSet): Record<string, unknown> {
    const k = `${this.prefix()}${ts.keyString}`;
    let json = this.rendered.get(k);
    if (!json) {
      json = tipSetJson(ts, this.prefix());
      this.rendered.set(k, json);
    }
    return json;
  }

  /** In-process listener (the leader's own consumers, tests). */
  onChange(cb: (changes: HeadChange[]) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /**
   * Record a head move and send it to every subscriber as one array.
   * The new head is the last apply (or, for revert-only moves, the last revert's parent,
   * which the caller passes as `newHead`).
   */
  publish(changes: HeadChange[], newHead: TipSet): void {
    this.head = newHead;
    if (changes.length > 0) {
      // rendered once for every subscriber
      const payload = new PreSerialized(JSON.stringify(changes.map((c): HeadChangeJson => ({ Type: c.type, Val: this.render(c.tipset) }))));
      for (const ch of this.channels) ch.send(payload);
      for (const l of this.listeners) l(changes);
    }
    if (this.waiting.size > 0) {
      const cur = new PreSerialized(JSON.stringify([{ Type: 'current', Val: this.render(newHead) } satisfies HeadChangeJson]));
      for (const ch of this.waiting) {
        ch.send(cur);
        this.channels.add(ch);
      }
      this.waiting.clear();
    }
  }

  /** Close every subscription (shutdown). */
  closeAll(): void {
    for (const ch of [...this.channels, ...this.waiting]) ch.close();
  }

  /**
   * Subscribe a channel (the `Filecoin.ChainNotify` handler): it gets exactly one
   * `current` now (or at the first head), then every head change as one array.
   */
  subscribe(ch: Channel): void {
    ch.onClose(() => {
      this.channels.delete(ch);
      this.waiting.delete(ch);
    });
    if (this.head) {
      ch.send([{ Type: 'current', Val: this.render(this.head) }]);
      this.channels.add(ch);
    } else {
      this.waiting.add(ch);
    }
  }
}
