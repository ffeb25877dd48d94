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
import { hamtGet } from './hamt.js';

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
