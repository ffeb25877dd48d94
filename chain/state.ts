/**
 * State tree reads without execution. Source: lotus chain/state/statetree.go,
 * builtin-actors / specs-actors state layouts.
 *
 * A state root is either the actors HAMT itself (StateTree version 0, actors v0–v1)
 * or `StateRoot{Version, Actors, Info}` (version ≥ 1). Actors HAMT: ID address bytes
 * → `Actor{Code, Head, Nonce, Balance}` (+ `DelegatedAddress` from version 5).
 */
import { CID, decodeCbor } from './cid.js';
import { decodeBigInt } from './bigint.js';
import { DecodeError } from './types.js';
import { type BlockGetter, MissingBlockError } from './amt.js';
import { hamtEntries, hamtGet } from './hamt.js';
import { uvarintKey } from './actors/keys.js';

/** An actor as stored in the state tree. */
export interface Actor {
  code: CID;
  head: CID;
  nonce: number;
  /** attoFIL. */
  balance: bigint;
  /** f4 address bytes, state tree version 5+ only. */
  delegatedAddress: Uint8Array | null;
}

/** Resolve a state root to `{version, actorsRoot}`. */
export async function openStateTree(get: BlockGetter, stateRoot: CID): Promise<{ version: number; actors: CID }> {
  const b = await get(stateRoot);
  if (!b) throw new MissingBlockError(stateRoot, 'state root');
  const v = decodeCbor<unknown>(b);
  if (Array.isArray(v) && v.length === 3 && typeof v[0] === 'number' && CID.asCID(v[1])) {
    return { version: v[0], actors: CID.asCID(v[1])! };
  }
  return { version: 0, actors: stateRoot };
}

/** Decode an actor record. */
export function actorFromCbor(v: unknown): Actor {
  if (!Array.isArray(v) || (v.length !== 4 && v.length !== 5)) throw new DecodeError('Actor', 'expected 4 or 5 fields');
  const code = CID.asCID(v[0]);
  const head = CID.asCID(v[1]);
  if (!code || !head || !(v[3] instanceof Uint8Array)) throw new DecodeError('Actor', 'malformed fields');
  return {
    code,
    head,
    nonce: Number(v[2]),
    balance: decodeBigInt(v[3]),
    delegatedAddress: v.length === 5 && v[4] instanceof Uint8Array ? v[4] : null,
  };
}

/**
 * Look up an actor by its ID address bytes at a state root.
 * @returns the actor or null when the state tree has no such actor.
 * @throws MissingBlockError when a needed state block is not stored.
 */
export async function getActor(get: BlockGetter, stateRoot: CID, idAddress: Uint8Array): Promise<Actor | null> {
  const { actors } = await openStateTree(get, stateRoot);
  const v = await hamtGet(get, actors, idAddress);
  return v === undefined ? null : actorFromCbor(v);
}

/** ID address bytes of the init actor (f01). */
export const INIT_ACTOR_ADDRESS = Uint8Array.from([0x00, 0x01]);

/**
 * The network name recorded in the init actor's state (`[AddressMap, NextID,
 * NetworkName]` in every actors version): mainnet's is "testnetnet".
 */
export async function networkName(get: BlockGetter, stateRoot: CID): Promise<string> {
  const init = await getActor(get, stateRoot, INIT_ACTOR_ADDRESS);
  if (!init) throw new DecodeError('state tree', 'no init actor');
  const b = await get(init.head);
  if (!b) throw new MissingBlockError(init.head, 'init actor state');
  const st = decodeCbor<unknown>(b);
  if (!Array.isArray(st) || typeof st[2] !== 'string') throw new DecodeError('InitActorState', 'expected [AddressMap, NextID, NetworkName]');
  return st[2];
}

/** Address protocols. Source: go-address. */
export const Protocol = { ID: 0, Secp256k1: 1, Actor: 2, BLS: 3, Delegated: 4 } as const;

/** ID address bytes for an actor ID. */
export function idAddress(id: number): Uint8Array {
  return Uint8Array.from([Protocol.ID, ...uvarintKey(id)]);
}

/** The actor ID of ID address bytes. @throws DecodeError for another protocol */
export function idOf(addr: Uint8Array): number {
  if (addr[0] !== Protocol.ID) throw new DecodeError('address', 'not an ID address');
  let v = 0n;
  let shift = 0n;
  for (let i = 1; i < addr.length; i++) {
    v |= BigInt(addr[i]! & 0x7f) << shift;
    shift += 7n;
  }
  return Number(v);
}

/** The init actor's state: `[AddressMap, NextID, NetworkName]` in every actors version. */
async function initState(get: BlockGetter, stateRoot: CID): Promise<{ addressMap: CID; nextId: number; networkName: string }> {
  const init = await getActor(get, stateRoot, INIT_ACTOR_ADDRESS);
  if (!init) throw new DecodeError('state tree', 'no init actor');
  const b = await get(init.head);
  if (!b) throw new MissingBlockError(init.head, 'init actor state');
  const st = decodeCbor<unknown>(b);
  if (!Array.isArray(st) || !CID.asCID(st[0])) throw new DecodeError('InitActorState', 'expected [AddressMap, NextID, NetworkName]');
  return { addressMap: CID.asCID(st[0])!, nextId: Number(st[1]), networkName: String(st[2]) };
}

/**
 * Resolve any address to its ID address at a state root (Lotus StateLookupID):
 * ID addresses resolve to themselves; others through the init actor's AddressMap.
 * @returns ID address bytes, or null when the address is not in the state tree.
 */
export async function lookupId(get: BlockGetter, stateRoot: CID, addr: Uint8Array): Promise<Uint8Array | null> {
  if (addr[0] === Protocol.ID) return addr;
  const { addressMap } = await initState(get, stateRoot);
  const v = await hamtGet(get, addressMap, addr);
  if (v === undefined) return null;
  return idAddress(Number(v));
}

/**
 * The robust (non-ID) address that the init actor's AddressMap records for an ID
 * (Lotus StateLookupRobustAddress walks the same map). Linear in the map's size.
 * @returns the robust address bytes, or null when none is recorded.
 */
export async function lookupRobustAddress(get: BlockGetter, stateRoot: CID, id: Uint8Array): Promise<Uint8Array | null> {
  const want = idOf(id);
  const { addressMap } = await initState(get, stateRoot);
  for (const [k, v] of await hamtEntries(get, addressMap)) if (Number(v) === want) return k;
  return null;
}

/**
 * Every actor at a state root: `[ID address bytes, actor]`, in HAMT order.
 * @throws HamtTooLargeError past `limit` actors (mainnet has millions).
 */
export async function listActors(get: BlockGetter, stateRoot: CID, limit = Infinity): Promise<Array<[Uint8Array, Actor]>> {
  const { actors } = await openStateTree(get, stateRoot);
  return (await hamtEntries(get, actors, limit)).map(([k, v]) => [k, actorFromCbor(v)]);
}

/** Decode an actor's state object (its Head block) as CBOR. */
export async function actorState(get: BlockGetter, actor: Actor): Promise<unknown> {
  const b = await get(actor.head);
  if (!b) throw new MissingBlockError(actor.head, 'actor state');
  return decodeCbor(b);
}
