/**
 * The State namespace: reads without execution at a tipset's parent state root (the
 * state the tipset's messages execute on), message searches over the index, and
 * StateCall (forwarded: it needs execution). As Lotus's StateAPI answers them
 * (node/impl/full/state.go). Both the older (actors v0–v2) and newer HAMT and
 * StateRoot formats are read by chain/hamt.ts and chain/state.ts.
 */
import type { CID } from '../chain/cid.js';
import { addressToString } from '../chain/address.js';
import { cidJson, receiptJson } from '../chain/json.js';
import { MissingBlockError } from '../chain/amt.js';
import { type Actor, Protocol, actorState, getActor, listActors, lookupId, lookupRobustAddress, networkName } from '../chain/state.js';
import { actorCodeInfo } from '../chain/actor-codes.js';
import { networkVersionAt } from '../chain/upgrades.js';
import { type TipSet, tipSetKeyString } from '../chain/tipset.js';
import { HamtTooLargeError } from '../chain/hamt.js';
import { actorStateJson } from '../chain/actors/state-json.js';
import { DECODED_METHOD_NUMBERS, ParamsDecodeError, decodeMethodParams } from '../chain/actors/method-params.js';
import { ActorNotFoundError, HandlerError, LimitExceededError, RpcError } from '../rpc/errors.js';
import type { CallContext } from '../rpc/server.js';
import { loadErr, readError } from './chain-view.js';
import type { MethodContext } from './dispatch.js';
import { P } from './params.js';
import { type MethodDecl, type MethodDef, method } from './registry.js';
import { S } from './schemas.js';

/** Most actors StateListActors enumerates before answering -32005. */
export const MAX_LIST_ACTORS = 100_000;

const STATE = "store (state tree at the tipset's parent state root; v0 and v3+ HAMTs)";
/** What the message searches share: served from the index and receipts, keyed by the tipset searched from, capped by both lookbacks. */
const SEARCH = { namespace: 'State', answer: 'served', cache: 'head-relative', lookback: 'message', cost: 'heavy', source: 'index (`tipset_messages`, canonical child) + store (receipts)' } as const satisfies Partial<MethodDecl>;
/** What the state-tree reads at a tipset share. */
const AT_STATE = { namespace: 'State', answer: 'served', cache: 'head-relative', lookback: 'tipset', cost: 'standard', source: STATE } as const satisfies Partial<MethodDecl>;

/** An actor is not in the state tree (code 1, as Lotus sends types.ErrActorNotFound). */
export class ActorMissingError extends HandlerError {}

/** Run a state read, mapping a missing state block to Lotus's message. */
export async function read<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof RpcError) throw e;
    if (e instanceof MissingBlockError) throw new HandlerError(`load state tree: ipld: could not find ${e.cid.toString()}`, e);
    throw readError(e, (e as Error).message);
  }
}

const get = (ctx: MethodContext) => (c: CID) => ctx.view.block(c);
/** An address as this network writes it. */
export const addr = (ctx: MethodContext, a: Uint8Array): string => addressToString(a, ctx.view.prefix);

/**
 * The actor at `ts`'s parent state, by any address, with Lotus's StateTree.GetActor
 * errors (code 1: Lotus's types.ErrActorNotFound is not a registered RPC error).
 */
export async function loadActor(ctx: MethodContext, a: Uint8Array, ts: TipSet): Promise<{ id: Uint8Array; actor: Actor }> {
  const id = await lookupId(get(ctx), ts.parentState, a);
  if (!id) throw new ActorMissingError(`resolution lookup failed (${addr(ctx, a)}): resolve address ${addr(ctx, a)}: actor not found`);
  const actor = await getActor(get(ctx), ts.parentState, id);
  if (!actor) throw new ActorMissingError('actor not found');
  return { id, actor };
}

/** The actor at `ts`'s parent state, its lookup errors prefixed `getting actor: ` (StateReadState, StateDecodeParams). */
async function gettingActor(ctx: MethodContext, a: Uint8Array, ts: TipSet): Promise<Actor> {
  try {
    return (await loadActor(ctx, a, ts)).actor;
  } catch (e) {
    throw readError(e, `getting actor: ${(e as Error).message}`);
  }
}

/**
 * An actor at `ts`'s parent state loaded as one builtin kind, with the error texts of
 * Lotus's state readers: `failed to load <label> actor: <lookup error>` and
 * `failed to load <label> actor state: <Load error>` (both code 1).
 */
export async function kindAt<T>(ctx: MethodContext, a: Uint8Array, ts: TipSet, label: string, load: (get: (c: CID) => Promise<Uint8Array | null>, actor: Actor) => Promise<T>, prefix = ''): Promise<{ id: Uint8Array; actor: Actor; st: T }> {
  let found: { id: Uint8Array; actor: Actor };
  try {
    found = await loadActor(ctx, a, ts);
  } catch (e) {
    throw readError(e, `${prefix}failed to load ${label} actor: ${(e as Error).message}`);
  }
  try {
    return { ...found, st: await load(get(ctx), found.actor) };
  } catch (e) {
    throw readError(e, `${prefix}failed to load ${label} actor state: ${(e as Error).message}`);
  }
}

/** Lotus's JSON of an actor (types.ActorV5: Code, Head, Nonce, Balance, DelegatedAddress). */
export function actorJson(ctx: MethodContext, a: Actor): Record<string, unknown> {
  return { Code: cidJson(a.code), Head: cidJson(a.head), Nonce: a.nonce, Balance: a.balance.toString(), DelegatedAddress: a.delegatedAddress ? addr(ctx, a.delegatedAddress) : null };
}

/**
 * Lotus StateSearchMsg: the execution tipset (the canonical child of the including
 * tipset, where the receipt is) at or below `from`, within `limit` epochs of `from`
 * (-1: MESSAGE_LOOKBACK_EPOCHS when the method's policy has it, else unlimited).
 * null when the message is not indexed, not yet executed, or outside the limit.
 */
async function searchMsg(ctx: MethodContext, from: TipSet, msgCid: CID, limit: number): Promise<unknown> {
  const { index, reader, heads } = ctx.deps;
  if (!(await reader.blockstore.has(msgCid))) throw new HandlerError(`failed to load message: ipld: could not find ${msgCid.toString()}`);
  // -1 is "no limit" (api.LookbackNoLimit); a configured cap (lotus-gateway: 20) replaces -1 and larger limits
  const cap = ctx.messageLookbackEpochs;
  const effective = cap > 0 && (limit < 0 || limit > cap) ? cap : limit;
  for (const inc of await index.messageInclusions(msgCid)) {
    if (inc.height >= from.height) continue;
    const incTs = await reader.loadTipSet(inc.key);
    const child = await index.canonicalChild(incTs.keyCid);
    if (!child || child.height > from.height) continue;
    // limit N covers execution heights in (from - N, from]
    if (effective >= 0 && child.height !== from.height && from.height - child.height >= effective) return null;
    // the execution tipset must be on the chain of `from`
    const exec = await heads.tipSetAtHeight(child.height, from, false);
    if (exec.keyString !== tipSetKeyString(child.key)) continue;
    return ctx.cached(`${msgCid}@${exec.keyString}`, async () => {
      const receipts = await ctx.view.receipts(exec.blocks[0]!.header.parentMessageReceipts);
      const r = receipts[inc.index];
      if (!r) throw new HandlerError(`failed to get receipt ${inc.index} of ${exec.blocks[0]!.header.parentMessageReceipts}`);
      return { Message: cidJson(msgCid), Receipt: receiptJson(r), ReturnDec: null, TipSet: exec.key.map(cidJson), Height: exec.height };
    });
  }
  return null;
}

/** Most epochs a wait may ask for (stmgr.MaxMessageConfidence = policy.ChainFinality). */
export const MAX_MESSAGE_CONFIDENCE = 900;
/** Longest a StateWaitMsg call waits before it answers that the message was not executed in time (ms). */
export const WAIT_MSG_TIMEOUT_MS = 10 * 60 * 1000;
/**
 * Waits one WebSocket connection may have open at once (lotus-gateway's per-connection
 * bound), and one HTTP client address: behind the balancer every HTTP client has the
 * balancer's address, so that bound is wider. More get -32005.
 */
export const MAX_WAITS_PER_CONNECTION = 16;
export const MAX_WAITS_PER_HTTP_CLIENT = 256;

/** Open waits per connection or HTTP client address, per view. */
const waiting = new WeakMap<object, Map<unknown, number>>();

/**
 * Lotus StateWaitMsg (stmgr.WaitForMessage): the lookup of a message once its execution
 * tipset is `confidence` epochs below the head (`head − exec ≥ confidence`), waiting
 * for head changes until then. A message the store does not hold yet is waited for
 * too (a follower learns it with the tipset that includes it; a node has it from its
 * mempool). Bounded: MAX_WAITS_PER_CONNECTION per WebSocket, MAX_WAITS_PER_HTTP_CLIENT
 * per HTTP client address, WAIT_MSG_TIMEOUT_MS each.
 * @throws HandlerError `message confidence exceeds maximum: N > 900`, or the timeout; LimitExceededError past the per-client bound.
 */
async function waitMsg(ctx: MethodContext, call: CallContext, msgCid: CID, confidence: number, limit: number): Promise<unknown> {
  if (!Number.isInteger(confidence) || confidence < 0) throw new HandlerError(`invalid confidence ${confidence}`);
  if (confidence > MAX_MESSAGE_CONFIDENCE) throw new HandlerError(`message confidence exceeds maximum: ${confidence} > ${MAX_MESSAGE_CONFIDENCE}`);
  let perClient = waiting.get(ctx.view);
  if (!perClient) waiting.set(ctx.view, (perClient = new Map()));
  const key: unknown = call.connection ?? call.remote ?? '';
  const cap = call.connection ? MAX_WAITS_PER_CONNECTION : MAX_WAITS_PER_HTTP_CLIENT;
  const open = perClient.get(key) ?? 0;
  if (open >= cap) throw new LimitExceededError(`too many StateWaitMsg calls waiting on this ${call.connection ? 'connection' : 'client'} (limit ${cap})`);
  perClient.set(key, open + 1);
  const deadline = Date.now() + WAIT_MSG_TIMEOUT_MS;
  try {
    for (;;) {
      if (call.connection?.closed) throw new HandlerError('the connection closed while waiting');
      const head = ctx.view.head();
      const found = (await ctx.deps.reader.blockstore.has(msgCid)) ? ((await searchMsg(ctx, head, msgCid, limit)) as { Height: number } | null) : null;
      if (found && head.height - found.Height >= confidence) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new HandlerError(`timed out after ${WAIT_MSG_TIMEOUT_MS / 1000} s waiting for message ${msgCid} to be executed with ${confidence} epochs of confidence`);
      // the next head change (or the deadline), then look again
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        timer.unref(); // a wait never keeps the process alive on its own
        const off = ctx.deps.changes.onChange(done);
        function done(): void {
          clearTimeout(timer);
          off();
          resolve();
        }
      });
    }
  } finally {
    const n = (perClient.get(key) ?? 1) - 1;
    if (n <= 0) perClient.delete(key);
    else perClient.set(key, n);
  }
}

const WAIT = { namespace: 'State', answer: 'served', lookback: 'message', cost: 'heavy', source: "index + store, re-checked at each of the follower's head changes" } as const satisfies Partial<MethodDecl>;

/** The State namespace. */
export const STATE_METHODS: MethodDef[] = [
  method({
    ...WAIT,
    name: 'Filecoin.StateWaitMsg',
    versions: ['v1'],
    summary: 'Wait until a message is executed and `confidence` epochs deep, then its lookup (as StateSearchMsg); over HTTP a long poll; at most 16 per WebSocket (256 per HTTP client) and 10 minutes each.',
    params: [P.cid('cid'), P.epoch('confidence'), P.epoch('limit', { optional: true, default: -1 }), P.opaque('allowReplaced', 'bool', { type: 'boolean' }, true)],
    result: S.object('MsgLookup'),
    handler: async (ctx, [c, confidence, limit], call) => waitMsg(ctx, call, c, confidence, limit),
  }),
  method({
    ...WAIT,
    name: 'Filecoin.StateWaitMsg',
    versions: ['v0'],
    summary: 'StateWaitMsg without a lookback limit (v0 signature).',
    params: [P.cid('cid'), P.epoch('confidence')],
    result: S.object('MsgLookup'),
    handler: async (ctx, [c, confidence], call) => waitMsg(ctx, call, c, confidence, -1),
  }),
  method({
    ...WAIT,
    name: 'Filecoin.StateWaitMsgLimited',
    versions: ['v0'],
    summary: 'StateWaitMsg searching at most `limit` epochs back (v0).',
    params: [P.cid('cid'), P.epoch('confidence'), P.epoch('limit')],
    result: S.object('MsgLookup'),
    handler: async (ctx, [c, confidence, limit], call) => waitMsg(ctx, call, c, confidence, limit),
  }),
  method({
    ...AT_STATE,
    name: 'Filecoin.StateGetActor',
    summary: 'An actor (code, head, nonce, balance, delegated address) at the parent state of `tsk`.',
    params: [P.address('actor'), P.tipSetKey('tsk')],
    result: S.nullable(S.object('Actor')),
    handler: async (ctx, [a, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(`${addr(ctx, a)}@${ts.keyString}`, () => read(async () => actorJson(ctx, (await loadActor(ctx, a, ts)).actor)));
    },
  }),
  method({
    ...AT_STATE,
    name: 'Filecoin.StateLookupID',
    summary: "An address's ID address (code 11 when it has none).",
    params: [P.address('addr'), P.tipSetKey('tsk')],
    result: S.Address,
    handler: async (ctx, [a, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(`${addr(ctx, a)}@${ts.keyString}`, () =>
        read(async () => {
          // an ID address comes back as it is, unchecked (lotus stmgr LookupIDAddress)
          const id = await lookupId(get(ctx), ts.parentState, a);
          if (!id) throw new ActorNotFoundError();
          return addr(ctx, id);
        }),
      );
    },
  }),
  method({
    ...AT_STATE,
    name: 'Filecoin.StateLookupRobustAddress',
    summary: "An ID address's robust (key or actor) address.",
    params: [P.address('addr'), P.tipSetKey('tsk')],
    result: S.Address,
    handler: async (ctx, [a, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      if (a[0] !== Protocol.ID) throw new HandlerError('failed to decode provided address as id addr: cannot get id from non id address');
      return ctx.cached(`${addr(ctx, a)}@${ts.keyString}`, () =>
        read(async () => {
          const r = await lookupRobustAddress(get(ctx), ts.parentState, a);
          if (!r) throw new HandlerError(`Address ${addr(ctx, a)} not found`);
          return addr(ctx, r);
        }),
      );
    },
  }),
  method({
    ...AT_STATE,
    name: 'Filecoin.StateAccountKey',
    summary: "An account actor's key address (f1/f3; f4 for delegated accounts).",
    params: [P.address('addr'), P.tipSetKey('tsk')],
    result: S.Address,
    handler: async (ctx, [a, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      // key addresses come back as they are; an actor (f2) address has no key (lotus stmgr ResolveToDeterministicAddress)
      if (a[0] === Protocol.BLS || a[0] === Protocol.Secp256k1 || a[0] === Protocol.Delegated) return addr(ctx, a);
      if (a[0] === Protocol.Actor) throw new HandlerError('cannot resolve actor address to key address');
      return ctx.cached(`${addr(ctx, a)}@${ts.keyString}`, () =>
        read(async () => {
          const actor = await getActor(get(ctx), ts.parentState, a);
          if (!actor) throw new HandlerError(`failed to find actor: ${addr(ctx, a)}`);
          if (actor.delegatedAddress) return addr(ctx, actor.delegatedAddress);
          const info = actorCodeInfo(actor.code.toString());
          if (info?.name !== 'account') {
            const reason = !info || info.version < 8 ? `unknown actor code ${actor.code.toString()}` : `actor code is not account: ${info.name}`;
            throw new HandlerError(`failed to get account actor state for ${addr(ctx, a)}: ${reason}`);
          }
          const st = (await actorState(get(ctx), actor)) as unknown[];
          if (!Array.isArray(st) || !(st[0] instanceof Uint8Array)) throw new HandlerError('malformed account actor state');
          return addr(ctx, st[0]);
        }),
      );
    },
  }),
  method({
    name: 'Filecoin.StateNetworkVersion',
    namespace: 'State',
    summary: 'The network version at the height of `tsk` (from the upgrade schedule).',
    params: [P.tipSetKey('tsk')],
    result: { type: 'integer' },
    answer: 'served',
    cache: 'head',
    lookback: 'tipset',
    cost: 'light',
    source: 'upgrade schedule of the network (`chain/upgrades.ts`)',
    handler: async (ctx, [tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      try {
        return networkVersionAt(ctx.view.networkInfo?.name ?? 'unknown', ts.height);
      } catch (e) {
        throw readError(e, (e as Error).message);
      }
    },
  }),
  method({
    ...AT_STATE,
    name: 'Filecoin.StateReadState',
    summary: "An actor's balance, code and decoded state (Lotus's JSON per actor version).",
    params: [P.address('actor'), P.tipSetKey('tsk')],
    result: S.object('ActorState'),
    handler: async (ctx, [a, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(`${addr(ctx, a)}@${ts.keyString}`, () =>
        read(async () => {
          const actor = await gettingActor(ctx, a, ts);
          const info = actorCodeInfo(actor.code.toString());
          let st: unknown;
          try {
            st = await actorState(get(ctx), actor);
          } catch (e) {
            throw readError(e, `getting actor head: ${(e as Error).message.replace(/ \(actor state\)$/, '')}`);
          }
          return { Balance: actor.balance.toString(), Code: cidJson(actor.code), State: actorStateJson(info, st, ctx.view.prefix) };
        }),
      );
    },
  }),
  method({
    ...AT_STATE,
    name: 'Filecoin.StateDecodeParams',
    summary: "A message's params decoded as the param type of `method` on the actor at `toAddr` (Lotus's JSON of that type; `{}` for Send and methods without params). Methods this gateway has no decoder for go to the full node.",
    params: [P.address('toAddr'), P.uint('method', 'abi.MethodNum'), P.base64('params'), P.tipSetKey('tsk')],
    result: { type: 'object' },
    forwardWhen: (params) => typeof params[1] === 'number' && !DECODED_METHOD_NUMBERS.has(params[1]),
    handler: async (ctx, [a, methodNum, params, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return read(async () => {
        const actor = await gettingActor(ctx, a, ts);
        const info = actorCodeInfo(actor.code.toString());
        if (!info) throw new HandlerError(`getting params type: unknown method ${methodNum} for actor ${actor.code.toString()}: actor metadata not found`);
        let out: unknown;
        try {
          out = decodeMethodParams(info.name, info.version, methodNum, params, ctx.view.prefix);
        } catch (e) {
          if (e instanceof ParamsDecodeError) throw new HandlerError(e.message);
          throw e;
        }
        if (out === undefined) throw new HandlerError(`getting params type: method ${methodNum} of ${info.name} (actors v${info.version}) is not decoded by this gateway; the full node decodes it`);
        return out;
      });
    },
  }),
  method({
    name: 'Filecoin.StateListActors',
    namespace: 'State',
    summary: 'Every actor ID address in the state tree (at most 100,000, else -32005).',
    params: [P.tipSetKey('tsk')],
    result: { type: 'array', items: S.Address },
    answer: 'served',
    cache: 'head-relative',
    lookback: 'tipset',
    cost: 'heavy',
    source: STATE,
    handler: async (ctx, [tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(ts.keyString, () =>
        read(async () => {
          try {
            return (await listActors(get(ctx), ts.parentState, MAX_LIST_ACTORS)).map(([id]) => addr(ctx, id));
          } catch (e) {
            if (e instanceof HamtTooLargeError) throw new LimitExceededError(`StateListActors: the state tree has more than ${MAX_LIST_ACTORS} actors`);
            throw e;
          }
        }),
      );
    },
  }),
  method({
    name: 'Filecoin.StateNetworkName',
    namespace: 'State',
    summary: "The network's name (the init actor's NetworkName, set at genesis).",
    params: [],
    result: { type: 'string' },
    answer: 'served',
    cache: 'immutable',
    cost: 'light',
    source: 'store (init actor state at genesis)',
    handler: (ctx) =>
      // set at genesis and never changed: read at the head's parent state, else at genesis (CAR replays store no later state)
      ctx.cached('', async () => {
        const readAt = (root: CID): Promise<string> => networkName(get(ctx), root);
        try {
          return await readAt(ctx.view.head().parentState).catch(async () => readAt((await ctx.view.getGenesis()).parentState));
        } catch (e) {
          throw readError(e, loadErr(e));
        }
      }),
  }),
  method({
    ...SEARCH,
    name: 'Filecoin.StateSearchMsg',
    versions: ['v1'],
    summary: "Where a message executed, with its receipt, at or below `tsk`, within `limit` epochs (-1: no limit).",
    params: [P.tipSetKey('tsk'), P.cid('msg'), P.epoch('limit', { optional: true, default: -1 }), P.opaque('allowReplaced', '*bool', { type: 'boolean' }, true)],
    result: S.nullable(S.object('MsgLookup')),
    handler: async (ctx, [tsk, msg, limit]) => searchMsg(ctx, await ctx.tipSetFromKey(tsk), msg, limit),
  }),
  method({
    ...SEARCH,
    name: 'Filecoin.StateSearchMsg',
    versions: ['v0'],
    summary: 'Where a message executed, with its receipt, searching back from the head (v0 signature).',
    params: [P.cid('msg')],
    result: S.nullable(S.object('MsgLookup')),
    handler: async (ctx, [msg]) => searchMsg(ctx, ctx.view.head(), msg, -1),
  }),
  method({
    ...SEARCH,
    name: 'Filecoin.StateSearchMsgLimited',
    versions: ['v0'],
    summary: 'StateSearchMsg within `limit` epochs of the head (v0).',
    params: [P.cid('msg'), P.epoch('limit')],
    result: S.nullable(S.object('MsgLookup')),
    handler: async (ctx, [msg, limit]) => searchMsg(ctx, ctx.view.head(), msg, limit),
  }),
  method({
    ...SEARCH,
    name: 'Filecoin.StateGetReceipt',
    versions: ['v0'],
    summary: "A message's receipt, searching back from `tsk` (v0).",
    params: [P.cid('msg'), P.tipSetKey('tsk')],
    result: S.nullable(S.object('MessageReceipt')),
    handler: async (ctx, [msg, tsk]) => {
      const found = (await searchMsg(ctx, await ctx.tipSetFromKey(tsk), msg, -1)) as { Receipt: unknown } | null;
      return found ? found.Receipt : null;
    },
  }),
  method({
    name: 'Filecoin.StateCall',
    namespace: 'State',
    summary: 'Execute a message on the state of `tsk` without a transaction (needs the VM).',
    params: [P.opaque('msg', '*types.Message', { $ref: '#/components/schemas/Message' }), P.tipSetKey('tsk')],
    result: S.object('InvocResult'),
    answer: 'forwarded',
    cost: 'heavy',
    source: 'the full node at `FULLNODE_URL`',
  }),
];
