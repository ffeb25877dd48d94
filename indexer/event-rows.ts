/**
 * What every index backend shares about event rows: the EVM topics of an event
 * (its raw-codec `t1`…`t4` entries, as Lotus's eth API reads them in
 * node/impl/eth/events.go), the entries' stored form, and the in-memory match of an
 * EventQuery (the backends that cannot filter in the store filter here).
 */
import { decodeCbor, encodeCbor, equalBytes } from '../chain/cid.js';
import type { EventEntry } from '../chain/types.js';
import type { EventQuery, EventRow } from './types.js';

/** IPLD raw codec: EVM log topics and data are raw bytes. */
export const RAW_CODEC = 0x55;

/** The topic keys of an EVM log event, in position order. */
export const TOPIC_KEYS = ['t1', 't2', 't3', 't4'] as const;

/** Topics at positions 0…3 (null where the event has none). */
export function eventTopics(entries: EventEntry[]): Array<Uint8Array | null> {
  const out: Array<Uint8Array | null> = [null, null, null, null];
  for (const e of entries) {
    const i = TOPIC_KEYS.indexOf(e.key as (typeof TOPIC_KEYS)[number]);
    if (i >= 0 && e.codec === RAW_CODEC && out[i] === null) out[i] = e.value;
  }
  return out;
}

/** The stored form of an event's entries: dag-cbor `[[flags, key, codec, value]…]`. */
export function encodeEntries(entries: EventEntry[]): Uint8Array {
  return encodeCbor(entries.map((e) => [e.flags, e.key, e.codec, e.value]));
}

/** Inverse of encodeEntries. */
export function decodeEntries(b: Uint8Array): EventEntry[] {
  return decodeCbor<Array<[number, string, number, Uint8Array]>>(b).map(([flags, key, codec, value]) => ({ flags, key, codec, value }));
}

const anyOf = (set: Uint8Array[] | null | undefined, v: Uint8Array | null): boolean => !set || set.length === 0 || (v !== null && set.some((x) => equalBytes(x, v)));

/** Whether an event row passes the query's emitter and topic filters (heights are the caller's). */
export function matchesFilters(row: EventRow, q: EventQuery): boolean {
  if (q.emitterAddrs && q.emitterAddrs.length > 0 && !(row.emitterAddr && q.emitterAddrs.some((a) => equalBytes(a, row.emitterAddr!)))) return false;
  if (q.emitterIds && q.emitterIds.length > 0 && !q.emitterIds.includes(row.emitter)) return false;
  if (!q.topics || q.topics.length === 0) return true;
  const t = eventTopics(row.entries);
  return q.topics.every((set, i) => anyOf(set, t[i] ?? null));
}
