/**
 * Network-wide economics of the State namespace: the circulating supply (the VM's
 * view and the per-actor walk) and the deal provider collateral bounds derived from
 * it, as Lotus computes them (chain/stmgr/supply.go; node/impl/full/state.go
 * StateDealProviderCollateralBounds; specs-actors / go-state-types market policy).
 * Amounts attoFIL; sizes bytes.
 */
import type { CID } from '../chain/cid.js';
import { decodeBigInt } from '../chain/bigint.js';
import { networkParams } from '../chain/network-params.js';
import { networkVersionAt } from '../chain/upgrades.js';
import { HamtTooLargeError } from '../chain/hamt.js';
import { idAddress } from '../chain/state.js';
import { type CirculatingSupply, SupplyWalkError, TOTAL_FILECOIN, circulatingSupplyWalk, vmCirculatingSupply } from '../chain/supply.js';
import { loadKind } from '../chain/actors/load.js';
import { POWER_ACTOR } from '../chain/actors/power.js';
import type { TipSet } from '../chain/tipset.js';
import { HandlerError, LimitExceededError } from '../rpc/errors.js';
import type { MethodContext } from './dispatch.js';
import { P } from './params.js';
import { type MethodDecl, type MethodDef, method } from './registry.js';
import { S } from './schemas.js';
import { MAX_LIST_ACTORS, kindAt, read } from './state.js';

const SUPPLY = { namespace: 'State', answer: 'served', cache: 'head-relative', lookback: 'tipset', cost: 'standard', source: "store (reward, power, market, reserve and burnt-funds actors at the tipset's parent state root) + Lotus's genesis vesting tables" } as const satisfies Partial<MethodDecl>;

const get = (ctx: MethodContext) => (c: CID) => ctx.view.block(c);
const network = (ctx: MethodContext): string => ctx.view.networkInfo?.name ?? 'unknown';
const nvAt = (ctx: MethodContext, height: number): number => networkVersionAt(network(ctx), height);

/** The genesis pledge (power actor TotalPledgeCollateral in the genesis state), counted as vested through Assembly. */
async function genesisPledge(ctx: MethodContext): Promise<bigint> {
  const genesis = await ctx.view.getGenesis();
  // the genesis header's ParentStateRoot is the genesis state
  const { st } = await kindAt(ctx, POWER_ACTOR, genesis, 'power', (g, a) => loadKind(g, a, 'storagepower', 'power'));
  return decodeBigInt(st.fields.TotalPledgeCollateral as Uint8Array);
}

/** GetVMCirculatingSupplyDetailed at `ts` (its height, its parent state). */
async function vmSupply(ctx: MethodContext, ts: TipSet): Promise<CirculatingSupply> {
  return vmCirculatingSupply(get(ctx), ts.parentState, ts.height, nvAt(ctx, ts.height), networkParams(network(ctx)), await genesisPledge(ctx));
}

/** The supply methods. */
export const SUPPLY_METHODS: MethodDef[] = [
  method({
    ...SUPPLY,
    name: 'Filecoin.StateVMCirculatingSupplyInternal',
    summary: 'The circulating supply as the VM computes it at the tipset: vested, mined, burnt, locked, circulating and reserve-disbursed FIL (attoFIL).',
    params: [P.tipSetKey('tsk')],
    result: S.object('CirculatingSupply'),
    handler: async (ctx, [tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(ts.keyString, () =>
        read(async () => {
          const s = await vmSupply(ctx, ts);
          return { FilVested: s.filVested.toString(), FilMined: s.filMined.toString(), FilBurnt: s.filBurnt.toString(), FilLocked: s.filLocked.toString(), FilCirculating: s.filCirculating.toString(), FilReserveDisbursed: s.filReserveDisbursed.toString() };
        }),
      );
    },
  }),
  method({
    ...SUPPLY,
    name: 'Filecoin.StateCirculatingSupply',
    summary: `The circulating supply from every actor's balance at the tipset's parent state (attoFIL): a walk of the whole state tree, refused with -32005 past ${MAX_LIST_ACTORS.toLocaleString('en-US')} actors.`,
    params: [P.tipSetKey('tsk')],
    result: S.BigInt,
    cost: 'heavy',
    source: "store (every actor at the tipset's parent state root)",
    handler: async (ctx, [tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(ts.keyString, () =>
        read(async () => {
          try {
            // Lotus: GetCirculatingSupply(ts.Height()-1, parent state)
            return (await circulatingSupplyWalk(get(ctx), ts.parentState, ts.height - 1, nvAt(ctx, ts.height - 1), MAX_LIST_ACTORS)).toString();
          } catch (e) {
            if (e instanceof HamtTooLargeError) throw new LimitExceededError(`StateCirculatingSupply: the state tree has more than ${MAX_LIST_ACTORS} actors`);
            if (e instanceof SupplyWalkError) throw new HandlerError(e.message);
            throw e;
          }
        }),
      );
    },
  }),
  method({
    ...SUPPLY,
    name: 'Filecoin.StateDealProviderCollateralBounds',
    summary: "The least and most collateral a provider must lock for a deal of `size` bytes (Lotus's 110% of the market policy's minimum, attoFIL).",
    params: [P.uint('size', 'abi.PaddedPieceSize'), P.bool('verified'), P.tipSetKey('tsk')],
    result: S.object('DealCollateralBounds'),
    handler: async (ctx, [size, verified, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(`${size}/${verified}@${ts.keyString}`, () =>
        read(async () => {
          const { st: power } = await kindAt(ctx, POWER_ACTOR, ts, 'power', (g, a) => loadKind(g, a, 'storagepower', 'power'));
          const { st: reward } = await kindAt(ctx, idAddress(2), ts, 'reward', (g, a) => loadKind(g, a, 'reward', 'reward'));
          let circ: bigint;
          try {
            circ = (await vmSupply(ctx, ts)).filCirculating;
          } catch (e) {
            throw new HandlerError(`getting total circulating supply: ${(e as Error).message}`, e);
          }
          const big = (v: unknown): bigint => decodeBigInt(v as Uint8Array);
          const baseline = big(reward.fields.ThisEpochBaselinePower);
          const pieceSize = BigInt(size);
          const max = (...xs: bigint[]): bigint => xs.reduce((a, b) => (a > b ? a : b));
          let min: bigint;
          if (nvAt(ctx, ts.height) >= 1) {
            // 1% of the circulating supply, by the deal's share of max(network raw power, baseline, size)
            min = (circ * pieceSize) / (100n * max(big(power.fields.TotalRawBytePower), baseline, pieceSize));
          } else {
            // specs-actors v0 before network version 1: 5%, by quality-adjusted power (verified deals weigh 10×)
            const dealQa = verified ? pieceSize * 10n : pieceSize;
            min = (5n * circ * dealQa) / (100n * max(big(power.fields.TotalQualityAdjPower), baseline, dealQa));
          }
          return { Min: ((min * 110n) / 100n).toString(), Max: TOTAL_FILECOIN.toString() };
        }),
      );
    },
  }),
];
