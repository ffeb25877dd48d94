/**
 * Eth fee methods (Lotus node/impl/eth/gas.go, node/impl/gasutils/gasutils.go),
 * from recent tipsets' messages and receipts: eth_feeHistory, eth_maxPriorityFeePerGas
 * (GasEstimateGasPremium over the head's two parent tipsets) and eth_gasPrice
 * (head's ParentBaseFee + that premium). Lotus multiplies the premium estimate by a
 * random factor (mean 1, σ 0.5 %); here it is left out, so the answer is the
 * estimate itself and repeatable.
 */
import { P } from './params.js';
import { type MethodDef, method } from './registry.js';
import { S } from './schemas.js';
import { tipSetByBlockParam } from './eth-block.js';
import { ethTipSet } from './eth-exec.js';
import type { MethodContext } from './dispatch.js';
import { qty, BLOCK_GAS_LIMIT } from '../chain/eth/json.js';
import type { TipSet } from '../chain/tipset.js';
import { HandlerError } from '../rpc/errors.js';
import { loadErr, readError } from './chain-view.js';

/** buildconstants.MinimumGasPremium… gasutils.MinGasPremium (attoFIL per gas). */
export const MIN_GAS_PREMIUM = 100_000n;
/** buildconstants.BlockGasTarget. */
const BLOCK_GAS_TARGET = 5_000_000_000n;
/** Most blocks eth_feeHistory walks (Lotus). */
const MAX_FEE_HISTORY_BLOCKS = 1024;
/** Most reward percentiles (maxEthFeeHistoryRewardPercentiles). */
const MAX_REWARD_PERCENTILES = 100;

/** medianGasPremium: the premium at 52.5 % of the blocks' gas target, walking premiums from the highest. */
export function medianGasPremium(prices: Array<{ price: bigint; limit: number }>, blocks: number): bigint {
  const sorted = [...prices].sort((a, b) => (a.price > b.price ? -1 : a.price < b.price ? 1 : 0));
  let at = (BLOCK_GAS_TARGET * BigInt(blocks)) / 2n + (BLOCK_GAS_TARGET * BigInt(blocks)) / 40n;
  let prev1 = 0n;
  let prev2 = 0n;
  for (const p of sorted) {
    [prev1, prev2] = [p.price, prev1];
    at -= BigInt(p.limit);
    if (at < 0n) break;
  }
  return prev2 !== 0n ? (prev1 + prev2) / 2n : prev1;
}

/**
 * GasEstimateGasPremium(nblocksincl = 1) from `ts` without the noise: premiums and gas
 * limits of the messages of its two parent tipsets; below the minimum, twice the minimum.
 */
export async function estimateGasPremium(ctx: MethodContext, ts: TipSet): Promise<bigint> {
  const prices: Array<{ price: bigint; limit: number }> = [];
  let blocks = 0;
  let cur = ts;
  try {
    for (let i = 0; i < 2 && cur.height > 0; i++) {
      const parent = await ctx.deps.reader.parentOf(cur);
      blocks += parent.blocks.length;
      for (const m of await ctx.view.tipSetMessages(parent)) prices.push({ price: m.message.gasPremium, limit: m.message.gasLimit });
      cur = parent;
    }
  } catch (e) {
    throw readError(e, loadErr(e));
  }
  const premium = medianGasPremium(prices, blocks);
  return premium < MIN_GAS_PREMIUM ? 2n * MIN_GAS_PREMIUM : premium;
}

/** Lotus calculateRewardsAndGasUsed: per percentile, the effective premium where the gas-used-weighted walk reaches it. */
export function rewardsAt(percentiles: number[], txs: Array<{ premium: bigint; gasUsed: number }>): { rewards: bigint[]; gasUsed: number } {
  const gasUsed = txs.reduce((n, t) => n + t.gasUsed, 0);
  const rewards = percentiles.map(() => MIN_GAS_PREMIUM);
  if (txs.length === 0) return { rewards, gasUsed };
  const sorted = txs.map((t, i) => ({ ...t, i })).sort((a, b) => (a.premium < b.premium ? -1 : a.premium > b.premium ? 1 : a.i - b.i));
  let idx = 0;
  let sum = 0;
  percentiles.forEach((p, i) => {
    const threshold = Math.trunc((gasUsed * p) / 100);
    while (sum < threshold && idx < sorted.length - 1) {
      sum += sorted[idx]!.gasUsed;
      idx++;
    }
    rewards[i] = sorted[idx]!.premium;
  });
  return { rewards, gasUsed };
}

/** buildconstants.BlockGasTargetIndex: 80 % of a block's gas limit, minus 1. */
const BLOCK_GAS_TARGET_INDEX = (BLOCK_GAS_LIMIT * 80n) / 100n - 1n;
/** FireHorse (nv28) switches the base fee to the premium rule (FIP-0115); devnets run it from genesis (Lotus 2k: −32). */
const FIRE_HORSE: Record<string, number> = { mainnet: 6_052_800, calibnet: 3_694_534 };
/** Breeze's 120 epochs of a fixed 100 attoFIL base fee (mainnet only: calibnet's Breeze is disabled). */
const BREEZE: Record<string, number> = { mainnet: 41_280 };

/**
 * The premium at gas-weighted index `index`, counting from the highest premium
 * (store.WeightedQuickSelect; Lotus picks pivots at random, the answer does not depend
 * on them); 0 when the weights do not reach the index.
 */
export function weightedPremiumAt(premiums: bigint[], limits: number[], index: bigint): bigint {
  const order = premiums.map((p, i) => ({ p, w: BigInt(limits[i]!) })).sort((a, b) => (a.p > b.p ? -1 : a.p < b.p ? 1 : 0));
  let acc = 0n;
  for (const x of order) {
    acc += x.w;
    if (index < acc) return x.p;
  }
  return 0n;
}

/**
 * The base fee of the tipset after `ts` (Lotus ChainStore.ComputeBaseFee): before
 * FireHorse from the unique messages' gas limits against the target
 * (ComputeNextBaseFeeFromUtilization), from FireHorse on from the gas-weighted 80th
 * percentile premium (ComputeNextBaseFeeFromPremiums), at least 100 attoFIL.
 */
export async function computeBaseFee(ctx: MethodContext, ts: TipSet): Promise<bigint> {
  const net = ctx.view.networkInfo?.name ?? 'unknown';
  const parentBaseFee = ts.blocks[0]!.header.parentBaseFee;
  const breeze = BREEZE[net];
  if (breeze !== undefined && ts.height > breeze && ts.height < breeze + 120) return 100n;
  const perBlock = await Promise.all(ts.blocks.map((b) => ctx.deps.reader.messagesForBlock(b.header)));
  const fireHorse = FIRE_HORSE[net] ?? -32;
  if (ts.height < fireHorse) {
    let total = 0n;
    const seen = new Set<string>();
    for (const bm of perBlock) {
      for (const m of [...bm.bls.map((x) => ({ cid: x.cid, limit: x.message.gasLimit })), ...bm.secpk.map((x) => ({ cid: x.cid, limit: x.signed.message.gasLimit }))]) {
        if (seen.has(m.cid.toString())) continue;
        seen.add(m.cid.toString());
        total += BigInt(m.limit);
      }
    }
    // ComputeNextBaseFee (after Smoke: gas limit per block against the target), change capped at 1/8
    let delta = total / BigInt(ts.blocks.length) - BLOCK_GAS_TARGET;
    if (delta > BLOCK_GAS_TARGET) delta = BLOCK_GAS_TARGET;
    if (delta < -BLOCK_GAS_TARGET) delta = -BLOCK_GAS_TARGET;
    const next = parentBaseFee + (parentBaseFee * delta) / BLOCK_GAS_TARGET / 8n;
    return next < 100n ? 100n : next;
  }
  const premiums: bigint[] = [];
  const limits: number[] = [];
  const seen = new Set<string>();
  for (const bm of perBlock) {
    for (const m of [...bm.bls.map((x) => x.message), ...bm.secpk.map((x) => x.signed.message)]) {
      const k = `${Buffer.from(m.from).toString('hex')}/${m.nonce}`;
      if (seen.has(k)) continue;
      seen.add(k);
      limits.push(m.gasLimit);
      const available = m.gasFeeCap - parentBaseFee > 0n ? m.gasFeeCap - parentBaseFee : 0n;
      premiums.push(m.gasPremium <= available ? m.gasPremium : available);
    }
  }
  const p = weightedPremiumAt(premiums, limits, BLOCK_GAS_TARGET_INDEX);
  // nextBaseFeeFromPremium: move by at most 1/8 (rounded up) towards the premium
  const maxAdj = (parentBaseFee + 7n) / 8n;
  const step = p - maxAdj < maxAdj ? p - maxAdj : maxAdj;
  const next = parentBaseFee + step;
  return next < 100n ? 100n : next;
}

/** Go's %f: six decimals. */
const goF = (x: number): string => x.toFixed(6);

/** Fee methods. */
export const ETH_GAS_METHODS: MethodDef[] = [
  method({
    name: 'Filecoin.EthFeeHistory',
    namespace: 'Eth',
    aliases: ['eth_feeHistory'],
    summary: 'Base fees, gas-used ratios and reward percentiles of up to 1024 tipsets ending at a block (genesis never included; the newest base fee repeated at the end).',
    params: [P.ethUint64('blkCount'), P.blockParam('newestBlkNum'), P.json('rewardPercentiles', '*[]float64', { type: 'array', items: { type: 'number' } }, true)],
    result: S.object('EthFeeHistory'),
    answer: 'served',
    cost: 'heavy',
    source: 'store (messages and receipts of the tipsets)',
    handler: async (ctx, [count, newest, rp]) => {
      if (count > MAX_FEE_HISTORY_BLOCKS) throw new HandlerError('block count should be smaller than 1024');
      let percentiles: number[] = [];
      if (rp !== undefined && rp !== null) {
        if (!Array.isArray(rp) || !rp.every((x) => typeof x === 'number')) throw new HandlerError('decoding params: json: cannot unmarshal into Go value of type []float64');
        if (rp.length > MAX_REWARD_PERCENTILES) throw new HandlerError('length of the reward percentile array cannot be greater than 100');
        percentiles = rp as number[];
      }
      percentiles.forEach((p, i) => {
        if (p < 0 || p > 100) throw new HandlerError(`invalid reward percentile: ${goF(p)} should be between 0 and 100`);
        if (i > 0 && p < percentiles[i - 1]!) throw new HandlerError(`invalid reward percentile: ${goF(p)} should be larger than ${goF(percentiles[i - 1]!)}`);
      });
      let ts = await tipSetByBlockParam(ctx, newest, false);
      const baseFees: bigint[] = [ts.blocks[0]!.header.parentBaseFee];
      const ratios: number[] = [];
      const rewards: bigint[][] = [];
      let oldest = 1;
      for (let n = 0; n < count && ts.height > 0; n++) {
        const baseFee = ts.blocks[0]!.header.parentBaseFee;
        const e = await ethTipSet(ctx, ts);
        const txs = e.messages.map((m, i) => {
          const available = m.message.gasFeeCap - baseFee > 0n ? m.message.gasFeeCap - baseFee : 0n;
          return { premium: m.message.gasPremium <= available ? m.message.gasPremium : available, gasUsed: e.receipts[i]!.gasUsed };
        });
        const r = rewardsAt(percentiles, txs);
        baseFees.push(baseFee);
        ratios.push(r.gasUsed / Number(BLOCK_GAS_LIMIT * BigInt(ts.blocks.length)));
        rewards.push(r.rewards);
        oldest = ts.height;
        ts = await ctx.deps.reader.parentOf(ts);
      }
      baseFees.reverse();
      ratios.reverse();
      rewards.reverse();
      return {
        oldestBlock: qty(oldest),
        baseFeePerGas: baseFees.map(qty),
        gasUsedRatio: ratios,
        ...(rp !== undefined && rp !== null ? { reward: rewards.map((r) => r.map(qty)) } : {}),
      };
    },
  }),
  method({
    name: 'Filecoin.EthBaseFee',
    namespace: 'Eth',
    versions: ['v1'],
    summary: "The base fee the next tipset pays, computed from the head's messages as Lotus's ComputeBaseFee (by gas use before FireHorse, by gas-weighted premium after).",
    params: [],
    result: S.EthQuantity,
    answer: 'served',
    cost: 'standard',
    source: "store (the head's message lists)",
    handler: async (ctx) => {
      try {
        return qty(await computeBaseFee(ctx, ctx.view.head()));
      } catch (e) {
        throw readError(e, `computing next base fee: ${loadErr(e)}`);
      }
    },
  }),
  method({
    name: 'Filecoin.EthMaxPriorityFeePerGas',
    namespace: 'Eth',
    aliases: ['eth_maxPriorityFeePerGas'],
    summary: "Lotus's gas premium estimate (median premium of the head's two parent tipsets' messages, at least 200,000 attoFIL), without Lotus's random noise.",
    params: [],
    result: S.EthQuantity,
    answer: 'served',
    cost: 'standard',
    source: 'store (messages of the two tipsets below the head)',
    handler: async (ctx) => qty(await estimateGasPremium(ctx, ctx.view.head())),
  }),
  method({
    name: 'Filecoin.EthGasPrice',
    namespace: 'Eth',
    aliases: ['eth_gasPrice'],
    summary: "The head's ParentBaseFee plus the premium estimate (as Lotus: base + tip).",
    params: [],
    result: S.EthQuantity,
    answer: 'served',
    cost: 'standard',
    source: 'store (head header, recent messages)',
    handler: async (ctx) => {
      const head = ctx.view.head();
      let premium: bigint;
      try {
        premium = await estimateGasPremium(ctx, head);
      } catch {
        return '0x0'; // Lotus answers 0 when the estimate fails
      }
      return qty(head.blocks[0]!.header.parentBaseFee + premium);
    },
  }),
];
