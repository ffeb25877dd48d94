/**
 * The Gas namespace (lotus node/impl/full/gas.go, node/impl/gasutils): estimates that
 * need the VM or the mempool go to the full node; the gas premium is computed as Lotus
 * does, from the premiums of the messages in recent tipsets.
 */
import type { TipSet } from '../chain/tipset.js';
import type { MethodContext } from './dispatch.js';
import { P } from './params.js';
import { type MethodDef, type MethodDecl, method } from './registry.js';
import { S } from './schemas.js';

const MSG = P.opaque('msg', '*types.Message', S.object('Message'));
/** Most `nblocksincl` the premium estimate honours: our bound on the walk (Lotus has none; larger values are read as 128). */
const MAX_GAS_HISTORY = 128;
/** build.BlockGasTarget, gas units. */
const BLOCK_GAS_TARGET = 5_000_000_000n;
/** gasutils.MinGasPremium, attoFIL per gas unit. */
const MIN_GAS_PREMIUM = 100_000n;

/**
 * Lotus's GasEstimateGasPremium without its random noise (noise factor 1): the premium
 * at which the messages of the last `2 × nblocksincl` tipsets below `ts`, highest
 * premium first, fill 52.5% of those blocks' gas target (the mean of that price and
 * the one before it), floored at 200,000 / 150,000 / 100,000 for 1 / 2 / more blocks.
 * Lotus multiplies by 1 + N(0, 0.005) with a per-process random seed, so its answers
 * scatter about ±1% around this one. attoFIL per gas unit.
 */
export async function estimateGasPremium(ctx: MethodContext, from: TipSet, nblocksincl: number): Promise<bigint> {
  const n = nblocksincl === 0 ? 1 : Math.min(nblocksincl, MAX_GAS_HISTORY);
  const prices: Array<{ price: bigint; limit: bigint }> = [];
  let blocks = 0;
  let ts = from;
  for (let i = 0; i < n * 2; i++) {
    if (ts.height === 0) break;
    const parent = await ctx.deps.reader.loadTipSet(ts.parents);
    blocks += parent.blocks.length;
    for (const m of await ctx.deps.reader.messagesForTipset(parent)) prices.push({ price: m.message.gasPremium, limit: BigInt(m.message.gasLimit) });
    ts = parent;
  }
  // medianGasPremium: highest premium first (a stable sort; Go's sort.Slice is not, which only matters among equal premiums)
  prices.sort((a, b) => (a.price < b.price ? 1 : a.price > b.price ? -1 : 0));
  let at = (BLOCK_GAS_TARGET * BigInt(blocks)) / 2n + (BLOCK_GAS_TARGET * BigInt(blocks)) / 40n;
  let prev1 = 0n;
  let prev2 = 0n;
  for (const p of prices) {
    prev2 = prev1;
    prev1 = p.price;
    at -= p.limit;
    if (at < 0n) break;
  }
  let premium = prev2 !== 0n ? (prev1 + prev2) / 2n : prev1;
  if (premium < MIN_GAS_PREMIUM) premium = n === 1 ? 2n * MIN_GAS_PREMIUM : n === 2 ? (3n * MIN_GAS_PREMIUM) / 2n : MIN_GAS_PREMIUM;
  // noise factor 1: premium × (2^32 + 1) / 2^32
  return (premium * ((1n << 32n) + 1n)) >> 32n;
}

const forwarded = { namespace: 'Gas', answer: 'forwarded', cost: 'heavy', source: 'the full node at `FULLNODE_URL`' } as const satisfies Partial<MethodDecl>;

/** The Gas namespace. */
export const GAS_METHODS: MethodDef[] = [
  method({ ...forwarded, name: 'Filecoin.GasEstimateMessageGas', summary: 'Fill in a message\'s gas limit, fee cap and premium.', params: [MSG, P.opaque('spec', '*api.MessageSendSpec', S.object('MessageSendSpec')), P.tipSetKey('tsk')], result: S.object('Message') }),
  method({ ...forwarded, name: 'Filecoin.GasEstimateGasLimit', summary: 'Estimate the gas a message uses.', params: [MSG, P.tipSetKey('tsk')], result: { type: 'integer' } }),
  method({ ...forwarded, name: 'Filecoin.GasEstimateFeeCap', summary: 'Estimate a fee cap, attoFIL.', params: [MSG, P.opaque('maxqueueblks', 'int64', { type: 'integer' }), P.tipSetKey('tsk')], result: S.BigInt }),
  method({
    name: 'Filecoin.GasEstimateGasPremium',
    namespace: 'Gas',
    summary: "A gas premium (attoFIL per gas unit) likely to be included within `nblocksincl` epochs, from recent tipsets' premiums (Lotus's estimate without its ±0.5% random noise; `sender` and `gaslimit` are unused, as in Lotus).",
    params: [P.uint('nblocksincl', 'uint64'), P.address('sender'), P.epoch('gaslimit'), P.tipSetKey('tsk')],
    result: S.BigInt,
    answer: 'served',
    cache: 'head-relative',
    lookback: 'tipset',
    cost: 'heavy',
    source: 'store (messages of the tipsets below `tsk`)',
    handler: async (ctx, [n, , , tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(`${n}@${ts.keyString}`, async () => (await estimateGasPremium(ctx, ts, n)).toString());
    },
  }),
];
