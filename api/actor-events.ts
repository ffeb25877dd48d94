/**
 * Filecoin's actor events API (Lotus node/impl/full/actor_events.go, chain/types/
 * actor_event.go): GetActorEventsRaw over the index and SubscribeActorEventsRaw (a
 * go-jsonrpc channel: the events since `fromHeight` from the index, then each head
 * change's, reverted ones with `reverted: true`). Filter: emitter addresses (ID or
 * f4, as Lotus's indexer accepts), `fields` (key → accepted {codec, value}; a key
 * with an empty list is ignored, as Lotus's query does; only indexed entries match), a height range
 * (parseHeightRange, ETH_MAX_FILTER_HEIGHT_RANGE) or one tipset.
 */
import { P } from './params.js';
import { type MethodDef, method } from './registry.js';
import { S } from './schemas.js';
import type { MethodContext } from './dispatch.js';
import { feedOf } from './eth-subscribe.js';
import { loadErr, readError } from './chain-view.js';
import { addressFromString } from '../chain/address.js';
import { CID } from '../chain/cid.js';
import { actorEventJson } from '../chain/json.js';
import { idAddress, idOf } from '../chain/state.js';
import { tipSetKeyCid } from '../chain/tipset.js';
import { equalBytes } from '../chain/cid.js';
import { HandlerError } from '../rpc/errors.js';
import { EVENT_CHANNEL_BUFFER } from '../rpc/server.js';
import type { IndexedEvent } from '../indexer/types.js';
import { matchesFilters } from '../indexer/event-rows.js';

/** Lotus types.ActorEventFilter, parsed. */
export interface ActorEventFilter {
  addresses: Uint8Array[];
  fields: Map<string, Array<{ codec: number; value: Uint8Array }>>;
  fromHeight?: number;
  toHeight?: number;
  tipsetKey?: CID[];
}

/** Parse the filter's JSON. @throws Error with the field at fault */
export function parseActorEventFilter(v: unknown): ActorEventFilter {
  if (v === undefined || v === null) return { addresses: [], fields: new Map() };
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error('json: cannot unmarshal into Go value of type types.ActorEventFilter');
  const o = v as Record<string, unknown>;
  const addresses = ((o.addresses ?? []) as unknown[]).map((a) => {
    if (typeof a !== 'string') throw new Error('addresses: expected address strings');
    return addressFromString(a);
  });
  const fields = new Map<string, Array<{ codec: number; value: Uint8Array }>>();
  if (o.fields !== undefined && o.fields !== null) {
    if (typeof o.fields !== 'object' || Array.isArray(o.fields)) throw new Error('fields: expected an object of key → [{codec, value}]');
    for (const [k, list] of Object.entries(o.fields as Record<string, unknown>)) {
      if (!Array.isArray(list)) throw new Error(`fields.${k}: expected an array`);
      fields.set(
        k,
        list.map((b: { codec?: unknown; value?: unknown }) => {
          if (typeof b?.codec !== 'number' || typeof b?.value !== 'string') throw new Error(`fields.${k}: expected {codec: number, value: base64}`);
          return { codec: b.codec, value: Uint8Array.from(Buffer.from(b.value, 'base64')) };
        }),
      );
    }
  }
  const height = (k: 'fromHeight' | 'toHeight'): number | undefined => {
    const x = o[k];
    if (x === undefined || x === null) return undefined;
    if (typeof x !== 'number' || !Number.isSafeInteger(x)) throw new Error(`${k}: expected an integer epoch`);
    return x;
  };
  const tsk = o.tipsetKey;
  const tipsetKey =
    tsk === undefined || tsk === null
      ? undefined
      : (tsk as Array<{ '/': string }>).map((c) => {
          if (!c || typeof c['/'] !== 'string') throw new Error('tipsetKey: expected an array of CIDs');
          return CID.parse(c['/']);
        });
  return { addresses, fields, fromHeight: height('fromHeight'), toHeight: height('toHeight'), ...(tipsetKey ? { tipsetKey } : {}) };
}

/** Lotus parseHeightRange (actor_events.go), heights of the head `heaviest`; −1 = open. */
export function parseHeightRange(heaviest: number, from: number | undefined, to: number | undefined, maxRange: number): [number, number] {
  if (from !== undefined && from < 0) throw new HandlerError("range 'from' must be greater than or equal to 0");
  const min = from ?? -1;
  const max = to ?? -1;
  if (min === -1 && max > 0) {
    if (max - heaviest > maxRange) throw new HandlerError(`invalid epoch range: 'to' height is too far in the future (maximum: ${maxRange})`);
  } else if (min >= 0 && max === -1) {
    if (heaviest - min > maxRange) throw new HandlerError(`invalid epoch range: 'from' height is too far in the past (maximum: ${maxRange})`);
  } else if (min >= 0 && max >= 0) {
    if (min > max) throw new HandlerError(`invalid epoch range: 'to' height (${min}) must be after 'from' height (${max})`);
    if (max - min > maxRange) throw new HandlerError(`invalid epoch range: range between to and 'from' heights is too large (maximum: ${maxRange})`);
  }
  return [min, max];
}

/** The filter's emitter and field test. @throws HandlerError for f1/f2/f3 addresses (Lotus's indexer accepts ID and f4 only) */
function acceptFor(f: ActorEventFilter): (e: IndexedEvent) => boolean {
  for (const a of f.addresses) if (a[0] !== 0 && a[0] !== 4) throw new HandlerError(`can only query events by ID or Delegated addresses; but request has address: ${Buffer.from(a).toString('hex')}`);
  const emitters = { fromHeight: 0, toHeight: 0, limit: 0, ...narrow(f) };
  return (e) => {
    if (!matchesFilters(e, emitters)) return false;
    for (const [k, want] of f.fields) {
      if (want.length === 0) continue; // Lotus's query skips keys with no values
      const ok = e.entries.some((x) => x.key === k && (x.flags & 0x03) !== 0 && (want.length === 0 || want.some((w) => w.codec === x.codec && equalBytes(w.value, x.value))));
      if (!ok) return false;
    }
    return true;
  };
}

function render(ctx: MethodContext, e: IndexedEvent): Record<string, unknown> {
  return actorEventJson({ entries: e.entries, emitter: e.emitterAddr ?? idAddress(e.emitter), reverted: e.reverted, height: e.tipset.height, tipsetKey: e.tipset.key, msgCid: e.messageCid }, ctx.view.prefix);
}

/**
 * The indexed events a filter selects, rendered (EventFilterManager.Fill): a tipset
 * key reads that tipset; otherwise only a `fromHeight` below the head reads the
 * index (without one, Lotus collects nothing from history).
 */
async function collect(ctx: MethodContext, f: ActorEventFilter): Promise<Record<string, unknown>[]> {
  const head = ctx.view.head();
  const accept = acceptFor(f);
  let q: { fromHeight: number; toHeight: number; tipsetKeyCid?: CID };
  if (f.tipsetKey) {
    if (f.fromHeight !== undefined || f.toHeight !== undefined) throw new HandlerError('cannot specify both TipSetKey and FromHeight/ToHeight');
    const ts = await ctx.tipSetFromKey(f.tipsetKey);
    q = { fromHeight: ts.height, toHeight: ts.height, tipsetKeyCid: tipSetKeyCid(f.tipsetKey) };
  } else {
    const [min, max] = parseHeightRange(head.height, f.fromHeight, f.toHeight, ctx.deps.limits.ethMaxFilterHeightRange ?? 2880);
    if (min === -1 || min >= head.height) return [];
    q = { fromHeight: min, toHeight: max < 0 ? head.height : max };
  }
  const cap = ctx.deps.limits.ethMaxFilterResults ?? 10_000;
  const tooMany = new HandlerError('get events for filter: filter matches too many events, try a more restricted filter');
  let events: IndexedEvent[];
  try {
    // fields are matched here, so the index is read in pages until the cap is known to hold
    events = [];
    let from = q.fromHeight;
    for (;;) {
      const page = await ctx.deps.index.events({ ...q, fromHeight: from, limit: cap + 1, ...narrow(f) });
      events.push(...page.filter(accept));
      if (events.length > cap && new Set(events.map((e) => e.tipset.height)).size > 1) throw tooMany;
      if (page.length <= cap) break;
      // the page ended inside a height: read on from the next one (a height's events come whole)
      const last = page.at(-1)!.tipset.height;
      events = events.filter((e) => e.tipset.height < last);
      const whole = (await ctx.deps.index.events({ ...q, fromHeight: last, toHeight: last, limit: Number.MAX_SAFE_INTEGER, ...narrow(f) })).filter(accept);
      events.push(...whole);
      if (events.length > cap && new Set(events.map((e) => e.tipset.height)).size > 1) throw tooMany;
      if (last >= q.toHeight) break;
      from = last + 1;
    }
  } catch (e) {
    if (e instanceof HandlerError) throw e;
    throw readError(e, `failed to get events: ${loadErr(e)}`);
  }
  return events.map((e) => render(ctx, e));
}

/** What the index can filter on by itself (emitters); fields are matched here. */
function narrow(f: ActorEventFilter): { emitterIds?: number[]; emitterAddrs?: Uint8Array[] } {
  const ids = f.addresses.filter((a) => a[0] === 0).map(idOf);
  const f4 = f.addresses.filter((a) => a[0] === 4);
  return { ...(ids.length ? { emitterIds: ids } : {}), ...(f4.length ? { emitterAddrs: f4 } : {}) };
}

const filterParam = P.object('filter', '*types.ActorEventFilter', { type: 'object' }, parseActorEventFilter, true);

/** The actor events methods. */
export const ACTOR_EVENT_METHODS: MethodDef[] = [
  method({
    name: 'Filecoin.GetActorEventsRaw',
    namespace: 'Chain',
    versions: ['v1'],
    summary: 'Actor events (every actor, not only EVM logs) matching a filter of emitters, fields and heights or one tipset, from the index.',
    params: [filterParam],
    result: { type: 'array', items: S.object('ActorEvent') },
    answer: 'served',
    lookback: 'tipset',
    cost: 'heavy',
    source: 'index (events)',
    handler: async (ctx, [f]) => collect(ctx, f),
  }),
  method({
    name: 'Filecoin.SubscribeActorEventsRaw',
    namespace: 'Chain',
    versions: ['v1'],
    summary: 'WebSocket channel of actor events: those since `fromHeight` from the index, then each head change\'s (reverted ones with `reverted: true`).',
    params: [filterParam],
    result: S.object('ActorEvent'),
    answer: 'served',
    cost: 'heavy',
    channel: true,
    source: 'index (events) + head changes',
    handler: async (ctx, [f], call) => {
      const filter = f;
      const accept = acceptFor(filter);
      const prefill = filter.fromHeight !== undefined || filter.tipsetKey ? await collect(ctx, filter) : [];
      const ch = call.openChannel!({ kind: 'xrpc' }, EVENT_CHANNEL_BUFFER);
      for (const e of prefill) ch.send(e);
      const max = filter.toHeight ?? -1;
      if (filter.tipsetKey || (max >= 0 && max < ctx.view.head().height)) {
        // nothing can follow the backlog: close once it is sent (the channel starts after this answer)
        setImmediate(() => ch.close());
      } else {
        const remove = feedOf(ctx).add({ kind: 'events', accept, minHeight: ctx.view.head().height, maxHeight: max, send: async (evs) => evs.forEach((e) => ch.send(render(ctx, e))) });
        ch.onClose(remove);
      }
      return ch.id;
    },
  }),
];
