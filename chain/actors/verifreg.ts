/**
 * Verified registry (f06) and datacap (f07) state (specs-actors v0.9.15 … v7,
 * go-state-types `builtin/vN/verifreg`, `builtin/vN/datacap`): verifiers' and (v0–v8)
 * clients' datacap (HAMTs keyed by ID address bytes, bytes of datacap); from v9 the
 * clients' datacap is a token balance in the datacap actor (HAMT keyed by uvarint
 * actor ID, bit width in the state, 10^18 units per byte), and allocations and
 * claims are HAMTs of HAMTs (outer keyed by uvarint client / provider ID, inner by
 * uvarint allocation / claim ID, bit width 5).
 */
import { CID } from '../cid.js';
import { type BlockGetter } from '../amt.js';
import { decodeBigInt } from '../bigint.js';
import { hamtEntries, hamtGet } from '../hamt.js';
import { DecodeError } from '../types.js';
import { type Actor } from '../state.js';
import { readUvarint, uvarintKey } from './keys.js';
import { type KindState, loadKind } from './load.js';

/** The verified registry actor (f06). */
export const VERIFREG_ACTOR = Uint8Array.from([0x00, 0x06]);
/** The datacap actor (f07, actors v9+). */
export const DATACAP_ACTOR = Uint8Array.from([0x00, 0x07]);
/** Datacap token units per byte of datacap (datacap.DataCapGranularity = TokenPrecision). */
export const DATACAP_GRANULARITY = 10n ** 18n;

/** An allocation of datacap to a piece (v9+). IDs are actor IDs; sizes bytes; terms and expiration epochs. */
export interface Allocation {
  client: number;
  provider: number;
  data: CID;
  size: number;
  termMin: number;
  termMax: number;
  expiration: number;
}

/** A provider's claim on an allocation (v9+). */
export interface Claim {
  provider: number;
  client: number;
  data: CID;
  size: number;
  termMin: number;
  termMax: number;
  termStart: number;
  sector: number;
}

/** @throws ActorKindError, MissingBlockError */
export function loadVerifreg(get: BlockGetter, actor: Actor): Promise<KindState> {
  return loadKind(get, actor, 'verifiedregistry', 'verifreg');
}

/** A verifier's remaining datacap in bytes, null when not a verifier. */
export async function verifierCap(get: BlockGetter, st: KindState, id: Uint8Array): Promise<bigint | null> {
  const v = await hamtGet(get, CID.asCID(st.fields.Verifiers)!, id);
  return v === undefined ? null : decodeBigInt(v as Uint8Array);
}

/** A client's datacap in bytes from the verified registry (actors v0–v8), null when none. */
export async function verifiedClientCap(get: BlockGetter, st: KindState, id: Uint8Array): Promise<bigint | null> {
  const v = await hamtGet(get, CID.asCID(st.fields.VerifiedClients)!, id);
  return v === undefined ? null : decodeBigInt(v as Uint8Array);
}

/** A client's datacap token balance (v9+, in token units: bytes × 10^18), null when it has none. */
export async function datacapBalance(get: BlockGetter, datacap: Actor, actorId: bigint): Promise<bigint | null> {
  const { fields } = await loadKind(get, datacap, 'datacap', 'datacap');
  const token = fields.Token as unknown[];
  const v = await hamtGet(get, CID.asCID(token[1])!, uvarintKey(actorId), Number(token[3]));
  return v === undefined ? null : decodeBigInt(v as Uint8Array);
}

function allocation(v: unknown): Allocation {
  const a = v as unknown[];
  if (!Array.isArray(a) || a.length !== 7) throw new DecodeError('allocation', 'expected 7 fields');
  return { client: Number(a[0]), provider: Number(a[1]), data: CID.asCID(a[2])!, size: Number(a[3]), termMin: Number(a[4]), termMax: Number(a[5]), expiration: Number(a[6]) };
}

function claim(v: unknown): Claim {
  const a = v as unknown[];
  if (!Array.isArray(a) || a.length !== 8) throw new DecodeError('claim', 'expected 8 fields');
  return { provider: Number(a[0]), client: Number(a[1]), data: CID.asCID(a[2])!, size: Number(a[3]), termMin: Number(a[4]), termMax: Number(a[5]), termStart: Number(a[6]), sector: Number(a[7]) };
}

/** The inner HAMT of `outer` (`Allocations` or `Claims`) for an actor ID, or null. */
async function inner(get: BlockGetter, st: KindState, outer: 'Allocations' | 'Claims', actorId: bigint): Promise<CID | null> {
  const v = await hamtGet(get, CID.asCID(st.fields[outer])!, uvarintKey(actorId));
  return v === undefined ? null : CID.asCID(v);
}

/** One entry of a client's (`Allocations`) or provider's (`Claims`) map, null when absent. */
async function findOne<T>(get: BlockGetter, st: KindState, outer: 'Allocations' | 'Claims', actorId: bigint, id: number, decode: (v: unknown) => T): Promise<T | null> {
  const root = await inner(get, st, outer, actorId);
  if (!root) return null;
  const v = await hamtGet(get, root, uvarintKey(id));
  return v === undefined ? null : decode(v);
}

/** Every entry of a client's or provider's map, by ID (HAMT order). */
async function findAll<T>(get: BlockGetter, st: KindState, outer: 'Allocations' | 'Claims', actorId: bigint, decode: (v: unknown) => T): Promise<Array<[bigint, T]>> {
  const root = await inner(get, st, outer, actorId);
  if (!root) return [];
  return (await hamtEntries(get, root)).map(([k, v]) => [readUvarint(k), decode(v)]);
}

/** A client's allocation by ID (v9+), null when absent. */
export const findAllocation = (get: BlockGetter, st: KindState, client: bigint, id: number): Promise<Allocation | null> => findOne(get, st, 'Allocations', client, id, allocation);
/** Every allocation of a client (v9+). */
export const allocations = (get: BlockGetter, st: KindState, client: bigint): Promise<Array<[bigint, Allocation]>> => findAll(get, st, 'Allocations', client, allocation);
/** A provider's claim by ID (v9+), null when absent. */
export const findClaim = (get: BlockGetter, st: KindState, provider: bigint, id: number): Promise<Claim | null> => findOne(get, st, 'Claims', provider, id, claim);
/** Every claim of a provider (v9+). */
export const claims = (get: BlockGetter, st: KindState, provider: bigint): Promise<Array<[bigint, Claim]>> => findAll(get, st, 'Claims', provider, claim);
