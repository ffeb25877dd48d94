/**
 * Stateful eth methods, WebSocket only (lotus-gateway refuses them over HTTP:
 * `<Method> not supported: stateful methods are only available on websocket
 * connections`), at most 16 subscriptions plus filters per connection
 * (EthMaxFiltersPerConn):
 *  - eth_subscribe `newHeads` (per new head, the EthBlock of its parent with full
 *    transactions: the newest executed block, as Lotus sends) and `logs`
 *    (`{address, topics}`; a reorg sends the reverted tipset's logs again with
 *    `removed: true`), eth_unsubscribe;
 *  - eth_newFilter (pre-filled from the index over its range, as Lotus), eth_newBlockFilter
 *    (hashes of new heads), eth_getFilterChanges / eth_getFilterLogs (both drain, as
 *    Lotus), eth_uninstallFilter; eth_newPendingTransactionFilter is refused (a
 *    follower has no mempool).
 * One feed per view turns head changes into blocks and logs once, for every sink.
 * Events of a reverted tipset are read from its blocks (the index no longer lists them).
 * Deviation: Lotus sends logIndex 0 on every subscription log (its counter is never
 * incremented on that path); here logIndex is the tipset's event index, as eth_getLogs.
 */
import { randomUUID } from 'node:crypto';
import { P } from './params.js';
import { type MethodDef, method } from './registry.js';
import { S } from './schemas.js';
import type { MethodContext } from './dispatch.js';
import type { ChainView } from './chain-view.js';
import { ethTipSet } from './eth-exec.js';
import { tipSetByEthHash } from './eth-block.js';
import { blockOf } from './eth-blocks.js';
import { type EthFilterSpec, emitterQuery, eventsForFilter, filterSpecParam, logsOf, parseBlockRange, parseFilterSpec } from './eth-logs.js';
import { type CallContext, type Channel, type ConnectionState, EVENT_CHANNEL_BUFFER } from '../rpc/server.js';
import { HandlerError } from '../rpc/errors.js';
import { IndexRowDeriver } from '../indexer/derive.js';
import { matchesFilters } from '../indexer/event-rows.js';
import type { EventQuery, IndexedEvent } from '../indexer/types.js';
import type { HeadChange } from '../chain/head-change.js';
import { hash32 } from '../chain/eth/json.js';

/** A filter id or subscription id: 16 random bytes, then 16 zero bytes (Lotus newFilterID). */
function newId(): string {
  return `0x${randomUUID().replaceAll('-', '')}${'0'.repeat(32)}`;
}

/** The address and topic test of a spec (as the index query applies them). */
function acceptFor(spec: { address: Uint8Array[]; topics: Uint8Array[][] }): (e: IndexedEvent) => boolean {
  const q: EventQuery = {
    fromHeight: 0,
    toHeight: 0,
    limit: 0,
    ...emitterQuery(spec.address),
    topics: spec.topics.map((t) => (t.length ? t : null)),
  };
  return (e) => matchesFilters(e, q);
}

/** Something fed by head changes. */
export type Sink =
  | { kind: 'newHeads'; send(block: unknown): void }
  /** Events executed by each applied (or, `reverted`, reverted) tipset that pass `accept`, within the heights. */
  | { kind: 'events'; accept(e: IndexedEvent): boolean; minHeight: number; maxHeight: number; send(events: IndexedEvent[]): Promise<void> }
  | { kind: 'blocks'; send(hash: string): void };

/** Head changes → eth blocks and executed events, computed once per change for all sinks of one view. */
export class EthFeed {
  private readonly sinks = new Set<Sink>();
  private queue: Promise<void> = Promise.resolve();
  private lastParentSent = '';
  private readonly deriver: IndexRowDeriver;

  constructor(private readonly ctx: MethodContext) {
    this.deriver = new IndexRowDeriver(ctx.deps.reader);
    ctx.deps.changes.onChange((changes) => {
      if (this.sinks.size === 0) return;
      this.queue = this.queue.then(() => this.process(changes)).catch(() => undefined);
    });
  }

  add(s: Sink): () => void {
    this.sinks.add(s);
    return () => this.sinks.delete(s);
  }

  private async process(changes: HeadChange[]): Promise<void> {
    const sinks = [...this.sinks];
    const eventSinks = sinks.filter((s): s is Extract<Sink, { kind: 'events' }> => s.kind === 'events');
    for (const c of changes) {
      if (c.type === 'apply') {
        for (const s of sinks) if (s.kind === 'blocks') s.send(hash32(c.tipset.keyCid.multihash.digest));
        if (sinks.some((s) => s.kind === 'newHeads') && c.tipset.height > 0 && c.tipset.parents.map(String).join() !== this.lastParentSent) {
          try {
            const parent = await this.ctx.deps.reader.loadTipSet(c.tipset.parents);
            const block = blockOf(await ethTipSet(this.ctx, parent), true);
            this.lastParentSent = c.tipset.parents.map(String).join();
            for (const s of sinks) if (s.kind === 'newHeads') s.send(block);
          } catch {
            /* the block cannot be built (not executed on this follower yet): skipped, as Lotus skips it */
          }
        }
      }
      if (eventSinks.length === 0) continue;
      const executed = await this.deriver.eventsExecutedBy(c.tipset).catch(() => null);
      if (!executed || executed.events.length === 0) continue;
      const events: IndexedEvent[] = executed.events.map((e) => ({ ...e, tipset: { key: executed.parent.key, height: executed.parent.height }, reverted: c.type === 'revert' }));
      for (const s of eventSinks) {
        if (executed.parent.height < s.minHeight || (s.maxHeight >= 0 && executed.parent.height > s.maxHeight)) continue;
        const mine = events.filter((e) => s.accept(e));
        if (mine.length > 0) await s.send(mine).catch(() => undefined);
      }
    }
  }
}

const feeds = new WeakMap<ChainView, EthFeed>();
/** The view's feed (created with its first sink). */
export function feedOf(ctx: MethodContext): EthFeed {
  let f = feeds.get(ctx.view);
  if (!f) feeds.set(ctx.view, (f = new EthFeed(ctx)));
  return f;
}

/** The WebSocket connection of a call. @throws HandlerError (Lotus gateway's text) over HTTP */
function connectionOf(call: CallContext, goName: string): { conn: ConnectionState; open: NonNullable<CallContext['openChannel']> } {
  if (!call.connection || !call.openChannel) throw new HandlerError(`${goName} not supported: stateful methods are only available on websocket connections`);
  return { conn: call.connection, open: call.openChannel };
}

/** A filter nobody polls for this long is removed (Lotus Events.FilterTTL, 1 h). */
export const FILTER_TTL_MS = 60 * 60 * 1000;

/** A polled filter's buffer, bounded (the oldest entries go first, as Lotus's); removed once idle past FILTER_TTL_MS. */
class PolledFilter {
  private items: unknown[] = [];
  private lastPolled = Date.now();
  /** Set by addFilter: how the filter removes itself from its connection. */
  detach: () => void = () => undefined;
  constructor(
    readonly kind: 'event' | 'block',
    private readonly cap: number,
    private readonly unsubscribe: () => void,
  ) {}
  push(xs: unknown[]): void {
    if (Date.now() - this.lastPolled > FILTER_TTL_MS) {
      this.close();
      this.detach();
      return;
    }
    this.items.push(...xs);
    if (this.items.length > this.cap) this.items.splice(0, this.items.length - this.cap);
  }
  take(): unknown[] {
    this.lastPolled = Date.now();
    const out = this.items;
    this.items = [];
    return out;
  }
  close(): void {
    this.unsubscribe();
  }
}

/** lotus-gateway's per-connection cap of filters plus subscriptions. @throws HandlerError */
function checkCap(conn: ConnectionState): void {
  if (conn.filters.size + conn.channelCount() >= conn.cap) throw new HandlerError('too many subscriptions and filters per connection');
}

function addFilter(ctx: MethodContext, call: CallContext, goName: string, make: (feed: EthFeed) => PolledFilter): string {
  const { conn } = connectionOf(call, goName);
  checkCap(conn);
  const id = newId();
  const f = make(feedOf(ctx));
  f.detach = () => conn.filters.delete(id);
  conn.filters.set(id, f);
  return id;
}

function filterOf(call: CallContext, goName: string, id: string): PolledFilter {
  const { conn } = connectionOf(call, goName);
  const f = conn.filters.get(id.toLowerCase());
  if (!(f instanceof PolledFilter)) throw new HandlerError('filter not found');
  return f;
}

const filterIdParam = P.json('id', 'ethtypes.EthFilterID', { type: 'string' });
const asId = (v: unknown): string => (typeof v === 'string' ? v.toLowerCase() : '');

/** Subscriptions and filters. */
export const ETH_SUBSCRIBE_METHODS: MethodDef[] = [
  method({
    name: 'Filecoin.EthSubscribe',
    namespace: 'Eth',
    aliases: ['eth_subscribe'],
    summary: 'WebSocket: subscribe to `newHeads` (the newest executed block per head change, full transactions) or `logs` (`{address, topics}`; reorgs send `removed: true`); notifications are `eth_subscription`.',
    params: [P.json('eventType', 'string', { type: 'string' }), P.json('params', '*ethtypes.EthSubscriptionParams', { type: 'object' }, true)],
    result: { type: 'string' },
    answer: 'served',
    cost: 'heavy',
    source: "follower's head changes + store (blocks, receipts, events)",
    handler: async (ctx, [eventType, params], call) => {
      // lotus-gateway: a plain HTTP connection has no reverse client for eth_subscription
      if (!call.connection) throw new HandlerError("EthSubscribe not supported: connection doesn't support callbacks");
      const { conn, open } = connectionOf(call, 'EthSubscribe');
      const feed = feedOf(ctx);
      let spec: EthFilterSpec | null = null;
      if (eventType === 'logs') {
        try {
          spec = parseFilterSpec(params ?? {});
        } catch (e) {
          throw new HandlerError(`invalid subscription params: ${(e as Error).message}`);
        }
      } else if (eventType !== 'newHeads') {
        throw new HandlerError(eventType === 'newPendingTransactions' ? 'unsupported event type: newPendingTransactions (a follower has no mempool)' : `unsupported event type: ${String(eventType)}`);
      }
      const id = newId();
      const ch: Channel = open({ kind: 'eth', subscription: id }, EVENT_CHANNEL_BUFFER);
      const remove = spec
        ? feed.add({ kind: 'events', accept: acceptFor(spec), minHeight: 0, maxHeight: -1, send: async (evs) => (await logsOf(ctx, evs)).forEach((l) => ch.send(l)) })
        : feed.add({ kind: 'newHeads', send: (b) => ch.send(b) });
      conn.subscriptions.set(id, ch);
      ch.onClose(() => {
        remove();
        conn.subscriptions.delete(id);
      });
      return id;
    },
  }),
  method({
    name: 'Filecoin.EthUnsubscribe',
    namespace: 'Eth',
    aliases: ['eth_unsubscribe'],
    summary: 'WebSocket: end a subscription of this connection; false when it has none by that id.',
    params: [P.json('id', 'ethtypes.EthSubscriptionID', { type: 'string' })],
    result: { type: 'boolean' },
    answer: 'served',
    cost: 'light',
    source: 'this connection',
    handler: async (_ctx, [id], call) => {
      const { conn } = connectionOf(call, 'EthUnsubscribe');
      const ch = conn.subscriptions.get(asId(id));
      if (!ch) return false;
      ch.close();
      return true;
    },
  }),
  method({
    name: 'Filecoin.EthNewFilter',
    namespace: 'Eth',
    aliases: ['eth_newFilter'],
    summary: 'WebSocket: install a log filter (pre-filled over its range from the index, then fed by head changes); its id.',
    params: [filterSpecParam('filter')],
    result: { type: 'string' },
    answer: 'served',
    cost: 'heavy',
    source: 'index (events) + head changes',
    handler: async (ctx, [spec], call) => {
      checkCap(connectionOf(call, 'EthNewFilter').conn);
      const s = spec;
      const events = await eventsForFilter(ctx, s);
      const prefill = await logsOf(ctx, events);
      const head = ctx.view.head();
      // a blockHash filter covers that tipset only (Lotus: its CID); else the spec's range
      const only = s.blockHash ? await tipSetByEthHash(ctx, s.blockHash) : null;
      const [min, max] = only ? [only.height, only.height] : parseBlockRange(head.height - 1, s.fromBlock, s.toBlock, ctx.deps.limits.ethMaxFilterHeightRange ?? 2880);
      const base = acceptFor(s);
      const accept = only ? (e: IndexedEvent) => base(e) && e.tipset.key.join() === only.key.join() : base;
      const cap = ctx.deps.limits.ethMaxFilterResults ?? 10_000;
      return addFilter(ctx, call, 'EthNewFilter', (feed) => {
        let f: PolledFilter;
        const remove = feed.add({ kind: 'events', accept, minHeight: min, maxHeight: max, send: async (evs) => f.push(await logsOf(ctx, evs)) });
        f = new PolledFilter('event', cap, remove);
        f.push(prefill);
        return f;
      });
    },
  }),
  method({
    name: 'Filecoin.EthNewBlockFilter',
    namespace: 'Eth',
    aliases: ['eth_newBlockFilter'],
    summary: 'WebSocket: install a filter collecting the hashes of new head tipsets; its id.',
    params: [],
    result: { type: 'string' },
    answer: 'served',
    cost: 'standard',
    source: 'head changes',
    handler: async (ctx, _p, call) =>
      addFilter(ctx, call, 'EthNewBlockFilter', (feed) => {
        let f: PolledFilter;
        const remove = feed.add({ kind: 'blocks', send: (h) => f.push([h]) });
        f = new PolledFilter('block', ctx.deps.limits.ethMaxFilterResults ?? 10_000, remove);
        return f;
      }),
  }),
  method({
    name: 'Filecoin.EthNewPendingTransactionFilter',
    namespace: 'Eth',
    aliases: ['eth_newPendingTransactionFilter'],
    summary: 'Pending transactions live in a mempool: refused with the reason (a follower has none; ask the full node).',
    params: [],
    result: { type: 'string' },
    answer: { refused: 'eth_newPendingTransactionFilter needs a mempool, which a follower does not have; use a full node' },
    cost: 'light',
    source: '—',
  }),
  method({
    name: 'Filecoin.EthGetFilterChanges',
    namespace: 'Eth',
    aliases: ['eth_getFilterChanges'],
    summary: 'WebSocket: what a filter of this connection collected since the last call (logs, or block hashes), drained.',
    params: [filterIdParam],
    result: { type: 'array' },
    answer: 'served',
    cost: 'light',
    source: 'this connection',
    handler: async (_ctx, [id], call) => filterOf(call, 'EthGetFilterChanges', asId(id)).take(),
  }),
  method({
    name: 'Filecoin.EthGetFilterLogs',
    namespace: 'Eth',
    aliases: ['eth_getFilterLogs'],
    summary: "WebSocket: a log filter's collected logs, drained (as Lotus: the same buffer as getFilterChanges).",
    params: [filterIdParam],
    result: { type: 'array', items: S.object('EthLog') },
    answer: 'served',
    cost: 'light',
    source: 'this connection',
    handler: async (_ctx, [id], call) => {
      const f = filterOf(call, 'EthGetFilterLogs', asId(id));
      if (f.kind !== 'event') throw new HandlerError('wrong filter type');
      return f.take();
    },
  }),
  method({
    name: 'Filecoin.EthUninstallFilter',
    namespace: 'Eth',
    aliases: ['eth_uninstallFilter'],
    summary: 'WebSocket: remove a filter of this connection; false when it has none by that id.',
    params: [filterIdParam],
    result: { type: 'boolean' },
    answer: 'served',
    cost: 'light',
    source: 'this connection',
    handler: async (_ctx, [id], call) => {
      const { conn } = connectionOf(call, 'EthUninstallFilter');
      const f = conn.filters.get(asId(id));
      if (!f) return false;
      f.close();
      conn.filters.delete(asId(id));
      return true;
    },
  }),
];
