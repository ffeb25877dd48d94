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

/** Whether an event has a raw-codec entry (an EVM log has at least one, unless it is a LOG0 without data). */
export function hasRawEntry(entries: EventEntry[]): boolean {
  return entries.some((e) => e.codec === RAW_CODEC);
}

/** The stored form of an event's entries: dag-cbor `[[flags, key, codec, value]…]`. */
export function encodeEntries(entries: EventEntry[]): Uint8Array {
  return encodeCbor(entries.map((e) => [e.flags, e.key, e.codec, e.value]));
}

/** Inverse of encodeEntries. Reads the known shape directly (a hot path of eth_getLogs); anything else goes through the CBOR decoder. */
export function decodeEntries(b: Uint8Array): EventEntry[] {
  return fastEntries(b) ?? decodeCbor<Array<[number, string, number, Uint8Array]>>(b).map(([flags, key, codec, value]) => ({ flags, key, codec, value }));
}

const UTF8 = new TextDecoder();

/** `[[uint, text, uint, bytes]…]` in canonical dag-cbor, or null for any other shape. */
function fastEntries(b: Uint8Array): EventEntry[] | null {
  let i = 0;
  const head = (major: number): number | null => {
    const ib = b[i++];
    if (ib === undefined || ib >> 5 !== major) return null;
    const info = ib & 0x1f;
    if (info < 24) return info;
    if (info === 24) return b[i++]!;
    if (info === 25) return (b[i++]! << 8) | b[i++]!;
    if (info === 26) {
      const v = ((b[i]! << 24) >>> 0) + (b[i + 1]! << 16) + (b[i + 2]! << 8) + b[i + 3]!;
      i += 4;
      return v;
    }
    return null;
  };
  const n = head(4);
  if (n === null) return null;
  const out: EventEntry[] = [];
  for (let k = 0; k < n; k++) {
    if (head(4) !== 4) return null;
    const flags = head(0);
    const klen = head(3);
    if (flags === null || klen === null || i + klen > b.length) return null;
    const key = UTF8.decode(b.subarray(i, i + klen));
    i += klen;
    const codec = head(0);
    const vlen = head(2);
    if (codec === null || vlen === null || i + vlen > b.length) return null;
    out.push({ flags, key, codec, value: b.subarray(i, i + vlen) });
    i += vlen;
  }
  return i === b.length ? out : null;
}

const anyOf = (set: Uint8Array[] | null | undefined, v: Uint8Array | null): boolean => !set || set.length === 0 || (v !== null && set.some((x) => equalBytes(x, v)));

/** Whether an event row passes the query's emitter and topic filters (heights are the caller's). */
export function matchesFilters(row: EventRow, q: EventQuery): boolean {
  if (q.emitterAddrs && q.emitterAddrs.length > 0 && !(row.emitterAddr && q.emitterAddrs.some((a) => equalBytes(a, row.emitterAddr!)))) return false;
  if (q.emitterIds && q.emitterIds.length > 0 && !q.emitterIds.includes(row.emitter)) return false;
  if (q.rawOnly && !hasRawEntry(row.entries)) return false;
  if (!q.topics || q.topics.length === 0) return true;
  const t = eventTopics(row.entries);
  return q.topics.every((set, i) => anyOf(set, t[i] ?? null));
}
