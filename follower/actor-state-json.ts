/**
 * Lotus JSON of actor states (StateReadState's `State`), table-driven: each actor
 * kind and actors-version range lists its CBOR tuple fields in order with how Lotus
 * renders each (go-state-types builtin/vN/<actor>/<actor>_state.go field names and
 * types; Go's encoding/json rendering: CIDs `{"/":…}`, big integers as decimal
 * strings, addresses with the network prefix, epochs and counters as numbers).
 * Kinds not in the table render generically (arrays of rendered CBOR values).
 */
import { CID } from '../chain/cid.js';
import { addressToString, type NetworkPrefix } from '../chain/address.js';
import { decodeBigInt } from '../chain/bigint.js';
import type { ActorCodeInfo } from '../chain/actor-codes.js';

/** How one field renders. */
type Kind =
  | 'cid'
  | 'cid?'
  | 'big'
  | 'int'
  | 'bool'
  | 'string'
  | 'bytes'
  | 'addr'
  | 'addr?'
  | 'addrs'
  | 'filter'
  | { struct: Field[] }
  | { nullable: { struct: Field[] } };
type Field = [name: string, kind: Kind];

const FILTER: Field[] = [
  ['PositionEstimate', 'big'],
  ['VelocityEstimate', 'big'],
];

/** [name, fromVersion, toVersion (inclusive), fields]. */
const LAYOUTS: Array<[string, number, number, Field[]]> = [
  ['account', 0, 99, [['Address', 'addr']]],
  ['init', 0, 99, [['AddressMap', 'cid'], ['NextID', 'int'], ['NetworkName', 'string']]],
  ['system', 0, 7, []],
  ['system', 8, 99, [['BuiltinActors', 'cid']]],
  ['cron', 0, 99, [['Entries', 'raw' as unknown as Kind]]],
];

/** Register more layouts (used by the full table below). */
export function registerLayout(name: string, from: number, to: number, fields: Array<[string, string | object]>): void {
  LAYOUTS.push([name, from, to, fields as Field[]]);
}

function layoutFor(info: ActorCodeInfo | undefined): Field[] | undefined {
  if (!info) return undefined;
  return LAYOUTS.find(([n, a, b]) => n === info.name && info.version >= a && info.version <= b)?.[3];
}

function render(kind: Kind, v: unknown, prefix: NetworkPrefix): unknown {
  if (typeof kind === 'object') {
    if ('nullable' in kind) return v === null ? null : render(kind.nullable, v, prefix);
    const arr = v as unknown[];
    const out: Record<string, unknown> = {};
    kind.struct.forEach(([name, k], i) => (out[name] = render(k, arr[i], prefix)));
    return out;
  }
  switch (kind) {
    case 'cid':
      return { '/': CID.asCID(v)!.toString() };
    case 'cid?':
      return v === null ? null : { '/': CID.asCID(v)!.toString() };
    case 'big':
      return decodeBigInt(v as Uint8Array).toString();
    case 'int':
      return typeof v === 'bigint' ? Number(v) : v;
    case 'bool':
    case 'string':
      return v;
    case 'bytes':
      return (v as Uint8Array).length === 0 ? null : Buffer.from(v as Uint8Array).toString('base64');
    case 'addr':
      return addressToString(v as Uint8Array, prefix);
    case 'addr?':
      return v === null || (v as Uint8Array).length === 0 ? null : addressToString(v as Uint8Array, prefix);
    case 'addrs':
      return (v as Uint8Array[]).length === 0 ? null : (v as Uint8Array[]).map((a) => addressToString(a, prefix));
    case 'filter':
      return render({ struct: FILTER }, v, prefix);
    default:
      return generic(v);
  }
}

/** Generic CBOR → JSON: CIDs as links, bytes as base64, bigints as strings. */
export function generic(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return typeof v === 'bigint' ? v.toString() : v;
  const c = CID.asCID(v);
  if (c) return { '/': c.toString() };
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(generic);
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, generic(x)]));
}

/**
 * Render an actor's decoded state as Lotus's StateReadState `State`.
 * Unknown kinds or versions render generically.
 */
export function actorStateJson(info: ActorCodeInfo | undefined, state: unknown, prefix: NetworkPrefix): unknown {
  const fields = layoutFor(info);
  if (!fields || !Array.isArray(state) || state.length !== fields.length) return generic(state);
  return render({ struct: fields }, state, prefix);
}
