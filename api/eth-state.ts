/**
 * Eth state reads (Lotus node/impl/eth/lookup.go, EthGetTransactionCount), at the
 * state AFTER the tipset a block parameter names (for `latest`, the head's
 * ParentStateRoot), without execution: balances and nonces from the state tree, code
 * and storage from the EVM actor's state (its raw bytecode block and KAMT storage;
 * Lotus calls the actor's GetBytecode / GetStorageAt methods, which read the same).
 * Null rounds resolve to the tipset below. `pending` answers as `latest`: the state
 * after the head needs its execution, which a follower does not do (Lotus executes
 * the head). The `pending` nonce is the mempool's: a balancer with a full node sends
 * that call there (`forwardWhen`), as Lotus asks its mempool.
 */
import { P } from './params.js';
import { type MethodDef, method } from './registry.js';
import { S } from './schemas.js';
import { tipSetByBlockNumberOrHash } from './eth-block.js';
import { stateAfter } from './eth-exec.js';
import type { MethodContext } from './dispatch.js';
import type { BlockNumberOrHash } from './params.js';
import { type CID, decodeCbor } from '../chain/cid.js';
import { type Actor, getActor, lookupId } from '../chain/state.js';
import { actorCodeInfo } from '../chain/actor-codes.js';
import { ethAddressToFilecoin } from '../chain/eth/address.js';
import { kamtGet, padWord } from '../chain/kamt.js';
import { qty, data } from '../chain/eth/json.js';
import { HandlerError } from '../rpc/errors.js';
import { loadErr, readError } from './chain-view.js';

/** The actor an eth address names at a block (masked ID → f0, else f410), or null. */
async function actorAt(ctx: MethodContext, eth: Uint8Array, blk: BlockNumberOrHash): Promise<{ actor: Actor | null; state: CID }> {
  const ts = await tipSetByBlockNumberOrHash(ctx, blk.kind === 'tag' && blk.tag === 'pending' ? { kind: 'tag', tag: 'latest' } : blk, false);
  const state = await stateAfter(ctx, ts);
  const get = (c: CID) => ctx.view.block(c);
  try {
    const id = await lookupId(get, state, ethAddressToFilecoin(eth));
    return { actor: id ? await getActor(get, state, id) : null, state };
  } catch (e) {
    throw readError(e, `failed to lookup actor: ${loadErr(e)}`);
  }
}

/** The fields of an EVM actor's state every version shares: v10–v15 `[bytecode, hash, storage, nonce, tombstone]`, v16+ adds transient data before the nonce. */
async function evmState(ctx: MethodContext, a: Actor): Promise<{ bytecode: CID; storage: CID; nonce: number; alive: boolean }> {
  const b = await ctx.view.block(a.head);
  if (!b) throw new HandlerError(`failed to load evm state: ipld: could not find ${a.head}`);
  const f = decodeCbor<unknown[]>(b);
  const six = f.length === 6;
  return { bytecode: f[0] as CID, storage: f[2] as CID, nonce: Number(f[six ? 4 : 3]), alive: (f[six ? 5 : 4] ?? null) === null };
}

const isEvm = (a: Actor): boolean => actorCodeInfo(a.code.toString())?.name === 'evm';
const STATE = 'store (state tree after the tipset)';

/** State reads. */
export const ETH_STATE_METHODS: MethodDef[] = [
  method({
    name: 'Filecoin.EthGetBalance',
    namespace: 'Eth',
    aliases: ['eth_getBalance'],
    summary: "An address's balance in attoFIL at a block (`0x0` when it has no actor).",
    params: [P.ethAddress('address'), P.blockNumberOrHash('blkParam')],
    result: S.EthQuantity,
    answer: 'served',
    cache: 'head',
    cost: 'standard',
    source: STATE,
    handler: async (ctx, [addr, blk]) => qty((await actorAt(ctx, addr, blk)).actor?.balance ?? 0n),
  }),
  method({
    name: 'Filecoin.EthGetTransactionCount',
    namespace: 'Eth',
    aliases: ['eth_getTransactionCount'],
    summary: "An address's nonce at a block: the EVM state's nonce for a contract (0 once self-destructed), else the actor's. `pending` goes to the full node's mempool (Lotus MpoolGetNonce) when the balancer has one, else it is `latest`'s.",
    params: [P.ethAddress('sender'), P.blockNumberOrHash('blkParam')],
    forwardWhen: (params) => params[1] === 'pending',
    result: S.EthQuantity,
    answer: 'served',
    cost: 'standard',
    source: STATE,
    handler: async (ctx, [addr, blk]) => {
      const { actor } = await actorAt(ctx, addr, blk);
      if (!actor) return '0x0';
      if (!isEvm(actor)) return qty(actor.nonce);
      const st = await evmState(ctx, actor);
      return qty(st.alive ? st.nonce : 0);
    },
  }),
  method({
    name: 'Filecoin.EthGetCode',
    namespace: 'Eth',
    aliases: ['eth_getCode'],
    summary: "A contract's runtime bytecode at a block; `0x` for accounts, other actors and addresses without an actor.",
    params: [P.ethAddress('address'), P.blockNumberOrHash('blkParam')],
    result: { type: 'string' },
    answer: 'served',
    cost: 'standard',
    source: 'store (EVM actor state, raw bytecode block)',
    handler: async (ctx, [addr, blk]) => {
      if (blk.kind !== 'hash' && (await tipSetByBlockNumberOrHash(ctx, blk, false)).height === 0) throw new HandlerError('block param must not specify genesis block');
      const { actor } = await actorAt(ctx, addr, blk);
      if (!actor || !isEvm(actor)) return '0x';
      const st = await evmState(ctx, actor);
      if (!st.alive) return '0x';
      const code = await ctx.view.block(st.bytecode);
      if (!code) throw new HandlerError(`failed to load bytecode: ipld: could not find ${st.bytecode}`);
      return data(code);
    },
  }),
  method({
    name: 'Filecoin.EthGetStorageAt',
    namespace: 'Eth',
    aliases: ['eth_getStorageAt'],
    summary: "A contract's storage slot at a block, 32 bytes (zero for unset slots, non-contracts and missing actors).",
    params: [P.ethAddress('address'), P.ethBytes('position'), P.blockNumberOrHash('blkParam')],
    result: { type: 'string' },
    answer: 'served',
    cost: 'standard',
    source: 'store (EVM actor state, KAMT storage)',
    handler: async (ctx, [addr, position, blk]) => {
      const { actor } = await actorAt(ctx, addr, blk);
      if (position.length > 32) throw new HandlerError('supplied storage key is too long');
      const zero = data(new Uint8Array(32));
      if (!actor || !isEvm(actor)) return zero;
      const st = await evmState(ctx, actor);
      try {
        const v = await kamtGet((c) => ctx.view.block(c), st.storage, padWord(position));
        return v ? data(padWord(v)) : zero;
      } catch (e) {
        throw readError(e, `failed to lookup storage slot: ${loadErr(e)}`);
      }
    },
  }),
];
