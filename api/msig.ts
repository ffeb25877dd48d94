/**
 * The Msig namespace: multisig balances, vesting and pending transactions from the
 * multisig actor's state at a tipset's parent state root, as Lotus answers them
 * (node/impl/full/state.go MsigGet*, chain/actors/builtin/multisig). Amounts attoFIL;
 * vesting uses the tipset's own height.
 */
import type { CID } from '../chain/cid.js';
import { type MultisigState, loadMultisig, lockedAt, pendingTxns } from '../chain/actors/multisig.js';
import type { TipSet } from '../chain/tipset.js';
import { HandlerError } from '../rpc/errors.js';
import type { MethodContext } from './dispatch.js';
import { P } from './params.js';
import { type MethodDecl, type MethodDef, method } from './registry.js';
import { S } from './schemas.js';
import { addr, kindAt, read } from './state.js';

const MSIG = { namespace: 'Msig', answer: 'served', cache: 'head-relative', lookback: 'tipset', cost: 'standard', source: "store (multisig actor state at the tipset's parent state root)" } as const satisfies Partial<MethodDecl>;

const get = (ctx: MethodContext) => (c: CID) => ctx.view.block(c);
const multisig = (ctx: MethodContext, a: Uint8Array, ts: TipSet, label = 'multisig') => kindAt(ctx, a, ts, label, loadMultisig).then((r) => ({ ...r, st: r.st as MultisigState }));

/** The Msig namespace. */
export const MSIG_METHODS: MethodDef[] = [
  method({
    ...MSIG,
    name: 'Filecoin.MsigGetAvailableBalance',
    summary: "A multisig's balance minus the amount still locked by its vesting schedule at the tipset's height (attoFIL).",
    params: [P.address('address'), P.tipSetKey('tsk')],
    result: S.BigInt,
    handler: async (ctx, [a, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(`${addr(ctx, a)}@${ts.keyString}`, () =>
        read(async () => {
          const { actor, st } = await multisig(ctx, a, ts);
          return (actor.balance - lockedAt(st, ts.height)).toString();
        }),
      );
    },
  }),
  method({
    ...MSIG,
    name: 'Filecoin.MsigGetVested',
    summary: 'The amount a multisig vested between two tipsets (locked at `start` minus locked at `end`, read at `end`).',
    params: [P.address('address'), P.tipSetKey('start'), P.tipSetKey('end')],
    result: S.BigInt,
    handler: async (ctx, [a, startKey, endKey]) => {
      const start = await ctx.tipSetFromKey(startKey);
      const end = await ctx.tipSetFromKey(endKey);
      if (start.height > end.height) throw new HandlerError(`start tipset ${start.height} is after end tipset ${end.height}`);
      if (start.height === end.height) return '0';
      return ctx.cached(`${addr(ctx, a)}@${start.keyString}..${end.keyString}`, () =>
        read(async () => {
          const { st } = await multisig(ctx, a, end, 'multisig').catch((e: Error) => {
            throw new HandlerError(e.message.replace(/^failed to load multisig actor: /, 'failed to load multisig actor at end epoch: '), e);
          });
          return (lockedAt(st, start.height) - lockedAt(st, end.height)).toString();
        }),
      );
    },
  }),
  method({
    ...MSIG,
    name: 'Filecoin.MsigGetVestingSchedule',
    summary: "A multisig's vesting schedule: initial balance (attoFIL), start epoch and unlock duration (epochs).",
    params: [P.address('address'), P.tipSetKey('tsk')],
    result: S.object('MsigVesting'),
    handler: async (ctx, [a, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(`${addr(ctx, a)}@${ts.keyString}`, () =>
        read(async () => {
          const { st } = await multisig(ctx, a, ts);
          return { InitialBalance: st.initialBalance.toString(), StartEpoch: st.startEpoch, UnlockDuration: st.unlockDuration };
        }),
      );
    },
  }),
  method({
    ...MSIG,
    name: 'Filecoin.MsigGetPending',
    summary: "A multisig's pending transactions (ID, To, Value, Method, Params, Approved), in the state's HAMT order; [] when none.",
    params: [P.address('address'), P.tipSetKey('tsk')],
    result: { type: 'array', items: S.object('MsigTransaction') },
    cost: 'heavy',
    handler: async (ctx, [a, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(`${addr(ctx, a)}@${ts.keyString}`, () =>
        read(async () => {
          const { st } = await multisig(ctx, a, ts);
          return (await pendingTxns(get(ctx), st)).map((t) => ({
            ID: t.id,
            To: addr(ctx, t.to),
            Value: t.value.toString(),
            Method: t.method,
            Params: t.params.length ? Buffer.from(t.params).toString('base64') : null,
            Approved: t.approved.length ? t.approved.map((x) => addr(ctx, x)) : null,
          }));
        }),
      );
    },
  }),
];
