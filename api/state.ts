/**
 * State reads without execution, at a tipset's parent state root (the state the
 * tipset's messages execute on), as Lotus's StateAPI answers them
 * (node/impl/full/state.go, wallet.go). Both the older (actors v0–v2) and newer
 * HAMT and StateRoot formats are read by chain/hamt.ts and chain/state.ts.
 */
import type { CID } from '../chain/cid.js';
import { addressToString } from '../chain/address.js';
import { cidJson } from '../chain/json.js';
import { MissingBlockError } from '../chain/amt.js';
import { type Actor, Protocol, actorState, getActor, listActors, lookupId, lookupRobustAddress } from '../chain/state.js';
import { actorCodeInfo } from '../chain/actor-codes.js';
import { networkVersionAt } from '../chain/upgrades.js';
import type { TipSet } from '../chain/tipset.js';
import { HandlerError, LimitExceededError, RpcError } from '../rpc/errors.js';
import { HamtTooLargeError } from '../chain/hamt.js';
import type { MethodSpec } from '../rpc/server.js';
import { addressParam, tipSetKeyParam } from './params.js';
import { actorStateJson } from '../chain/actor-state-json.js';

/** Most actors StateListActors enumerates before answering -32005. */
export const MAX_LIST_ACTORS = 100_000;

/** Lotus's api.ErrActorNotFound (api/api_errors.go): code 11. */
export class ActorNotFoundError extends RpcError {
  static readonly code = 11;
  constructor(message = 'actor not found') {
    super(ActorNotFoundError.code, message);
  }
}

/** An actor is not in the state tree (code 1, as Lotus sends types.ErrActorNotFound). */
class NotFound extends HandlerError {}

/** What the state methods need from the API. */
export interface StateApiContext {
  get(cid: CID): Promise<Uint8Array | null>;
  tipSetFromKey(key: CID[]): Promise<TipSet>;
  head(): TipSet;
  prefix(): 'f' | 't';
  /** Network name for the upgrade schedule (mainnet, calibnet, unknown). */
  network(): string;
  cache: { get<T>(method: string, key: string, compute: () => Promise<T>): Promise<T> };
}

/** Run a state read, mapping a missing state block to Lotus's message. */
async function read<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof RpcError) throw e;
    if (e instanceof MissingBlockError) throw new HandlerError(`load state tree: ipld: could not find ${e.cid.toString()}`);
    throw new HandlerError((e as Error).message);
  }
}

/** Add the state methods to a method table. */
export function addStateMethods(m: Map<string, MethodSpec>, ctx: StateApiContext, wrap: (h: MethodSpec['handler']) => MethodSpec['handler']): void {
  const add = (name: string, params: number, handler: MethodSpec['handler'], minParams?: number): void => {
    m.set(`Filecoin.${name}`, { params, minParams, handler: wrap(handler) });
  };
  const addr = (a: Uint8Array): string => addressToString(a, ctx.prefix());

  /**
   * The actor at `ts`'s parent state, by any address, with Lotus's StateTree.GetActor
   * errors (code 1: Lotus's types.ErrActorNotFound is not a registered RPC error).
   */
  const loadActor = async (a: Uint8Array, ts: TipSet): Promise<{ id: Uint8Array; actor: Actor }> => {
    const root = ts.parentState;
    const id = await lookupId(ctx.get, root, a);
    if (!id) throw new NotFound(`resolution lookup failed (${addr(a)}): resolve address ${addr(a)}: actor not found`);
    const actor = await getActor(ctx.get, root, id);
    if (!actor) throw new NotFound('actor not found');
    return { id, actor };
  };
  const actorJson = (a: Actor): Record<string, unknown> => ({
    Code: cidJson(a.code),
    Head: cidJson(a.head),
    Nonce: a.nonce,
    Balance: a.balance.toString(),
    DelegatedAddress: a.delegatedAddress ? addr(a.delegatedAddress) : null,
  });
  const at = async (method: string, p: unknown): Promise<TipSet> => ctx.tipSetFromKey(tipSetKeyParam(method, p));

  add('StateGetActor', 2, async (p) => {
    const a = addressParam('Filecoin.StateGetActor', p[0]);
    const ts = await at('Filecoin.StateGetActor', p[1]);
    return ctx.cache.get('StateGetActor', `${addr(a)}@${ts.keyString}`, () => read(async () => actorJson((await loadActor(a, ts)).actor)));
  });
  add('StateLookupID', 2, async (p) => {
    const a = addressParam('Filecoin.StateLookupID', p[0]);
    const ts = await at('Filecoin.StateLookupID', p[1]);
    return ctx.cache.get('StateLookupID', `${addr(a)}@${ts.keyString}`, () =>
      read(async () => {
        // an ID address comes back as it is, unchecked (lotus stmgr LookupIDAddress)
        const id = await lookupId(ctx.get, ts.parentState, a);
        if (!id) throw new ActorNotFoundError();
        return addr(id);
      }),
    );
  });
  add('StateLookupRobustAddress', 2, async (p) => {
    const a = addressParam('Filecoin.StateLookupRobustAddress', p[0]);
    const ts = await at('Filecoin.StateLookupRobustAddress', p[1]);
    if (a[0] !== Protocol.ID) throw new HandlerError('failed to decode provided address as id addr: cannot get id from non id address');
    return ctx.cache.get('StateLookupRobustAddress', `${addr(a)}@${ts.keyString}`, () =>
      read(async () => {
        const r = await lookupRobustAddress(ctx.get, ts.parentState, a);
        if (!r) throw new HandlerError(`Address ${addr(a)} not found`);
        return addr(r);
      }),
    );
  });
  add('StateAccountKey', 2, async (p) => {
    const a = addressParam('Filecoin.StateAccountKey', p[0]);
    const ts = await at('Filecoin.StateAccountKey', p[1]);
    // key addresses come back as they are; an actor (f2) address has no key (lotus stmgr ResolveToDeterministicAddress)
    if (a[0] === Protocol.BLS || a[0] === Protocol.Secp256k1 || a[0] === Protocol.Delegated) return addr(a);
    if (a[0] === Protocol.Actor) throw new HandlerError('cannot resolve actor address to key address');
    return ctx.cache.get('StateAccountKey', `${addr(a)}@${ts.keyString}`, () =>
      read(async () => {
        const actor = await getActor(ctx.get, ts.parentState, a);
        if (!actor) throw new HandlerError(`failed to find actor: ${addr(a)}`);
        if (actor.delegatedAddress) return addr(actor.delegatedAddress);
        const info = actorCodeInfo(actor.code.toString());
        if (info?.name !== 'account') {
          const reason = !info || info.version < 8 ? `unknown actor code ${actor.code.toString()}` : `actor code is not account: ${info.name}`;
          throw new HandlerError(`failed to get account actor state for ${addr(a)}: ${reason}`);
        }
        const st = (await actorState(ctx.get, actor)) as unknown[];
        if (!Array.isArray(st) || !(st[0] instanceof Uint8Array)) throw new HandlerError('malformed account actor state');
        return addr(st[0]);
      }),
    );
  });
  add('WalletBalance', 1, async (p) => {
    const a = addressParam('Filecoin.WalletBalance', p[0]);
    const ts = ctx.head();
    return ctx.cache.get('WalletBalance', `${addr(a)}@${ts.keyString}`, () =>
      read(async () => {
        try {
          return (await loadActor(a, ts)).actor.balance.toString();
        } catch (e) {
          if (e instanceof NotFound) return '0';
          throw e;
        }
      }),
    );
  });
  add('StateNetworkVersion', 1, async (p) => {
    const ts = await at('Filecoin.StateNetworkVersion', p[0]);
    try {
      return networkVersionAt(ctx.network(), ts.height);
    } catch (e) {
      throw new HandlerError((e as Error).message);
    }
  });
  add('StateReadState', 2, async (p) => {
    const a = addressParam('Filecoin.StateReadState', p[0]);
    const ts = await at('Filecoin.StateReadState', p[1]);
    return ctx.cache.get('StateReadState', `${addr(a)}@${ts.keyString}`, () =>
      read(async () => {
        let actor: Actor;
        try {
          actor = (await loadActor(a, ts)).actor;
        } catch (e) {
          throw new HandlerError(`getting actor: ${(e as Error).message}`);
        }
        const info = actorCodeInfo(actor.code.toString());
        let st: unknown;
        try {
          st = await actorState(ctx.get, actor);
        } catch (e) {
          throw new HandlerError(`getting actor head: ${(e as Error).message.replace(/ \(actor state\)$/, '')}`);
        }
        return { Balance: actor.balance.toString(), Code: cidJson(actor.code), State: actorStateJson(info, st, ctx.prefix()) };
      }),
    );
  });
  add('StateListActors', 1, async (p) => {
    const ts = await at('Filecoin.StateListActors', p[0]);
    return ctx.cache.get('StateListActors', ts.keyString, () =>
      read(async () => {
        try {
          return (await listActors(ctx.get, ts.parentState, MAX_LIST_ACTORS)).map(([id]) => addr(id));
        } catch (e) {
          if (e instanceof HamtTooLargeError) throw new LimitExceededError(`StateListActors: the state tree has more than ${MAX_LIST_ACTORS} actors`);
          throw e;
        }
      }),
    );
  });
}
