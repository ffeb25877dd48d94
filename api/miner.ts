/**
 * Storage miners and power, read from the miner and power actors' state at a
 * tipset's parent state root, as Lotus's StateModule answers them
 * (node/impl/full/state.go; chain/actors/builtin/miner and power adapters for actors
 * v0–v19). JSON shapes: api/types.go MinerInfo, api/api_full.go MinerPower,
 * MinerSectors, Deadline; go-state-types dline.Info and miner.SectorOnChainInfo.
 * Methods that take an epoch use the tipset's own height with its parent state.
 */
import type { CID } from '../chain/cid.js';
import { cidJson } from '../chain/json.js';
import type { TipSet } from '../chain/tipset.js';
import { rlePlusRuns } from '../chain/bitfield.js';
import { type MinerInfo, type SectorInfo, NegativeBalanceError, WPOST_CHALLENGE_LOOKBACK, WPOST_CHALLENGE_WINDOW, WPOST_PERIOD_DEADLINES, WPOST_PROVING_PERIOD, FAULT_DECLARATION_CUTOFF, availableBalance, deadlines, disputableProofCount, loadMiner, minerInfo, peerIdString, provingDeadline, sectorCount, sectorInfo } from '../chain/actors/miner.js';
import { POWER_ACTOR, listMiners, loadPower, meetsConsensusMinimum, powerClaim, totalPower } from '../chain/actors/power.js';
import { HandlerError } from '../rpc/errors.js';
import type { MethodContext } from './dispatch.js';
import { P } from './params.js';
import { type MethodDecl, type MethodDef, method } from './registry.js';
import { S } from './schemas.js';
import { addr, kindAt, read } from './state.js';

const MINER = { namespace: 'State', answer: 'served', cache: 'head-relative', lookback: 'tipset', cost: 'standard', source: "store (miner actor state at the tipset's parent state root, actors v0–v19)" } as const satisfies Partial<MethodDecl>;
const POWER = { ...MINER, source: "store (power actor state at the tipset's parent state root, actors v0–v19)" } as const satisfies Partial<MethodDecl>;

/** `address.Undef` as Go prints it. */
const UNDEF = '<empty>';
const b64 = (b: Uint8Array): string | null => (b.length === 0 ? null : Buffer.from(b).toString('base64'));

/** Lotus api.MinerInfo JSON (PendingOwnerAddress is never filled by Lotus's adapters: null). */
export function minerInfoJson(ctx: MethodContext, i: MinerInfo): Record<string, unknown> {
  const a = (x: Uint8Array): string => addr(ctx, x);
  return {
    Owner: a(i.owner),
    Worker: a(i.worker),
    NewWorker: i.pendingWorkerKey ? a(i.pendingWorkerKey.newWorker) : UNDEF,
    ControlAddresses: i.controlAddresses.length ? i.controlAddresses.map(a) : null,
    WorkerChangeEpoch: i.pendingWorkerKey ? i.pendingWorkerKey.effectiveAt : -1,
    PeerId: peerIdString(i.peerId),
    Multiaddrs: i.multiaddrs.length ? i.multiaddrs.map(b64) : null,
    WindowPoStProofType: i.windowPoStProofType,
    SectorSize: i.sectorSize,
    WindowPoStPartitionSectors: i.windowPoStPartitionSectors,
    ConsensusFaultElapsed: i.consensusFaultElapsed,
    PendingOwnerAddress: null,
    Beneficiary: i.beneficiary ? a(i.beneficiary) : UNDEF,
    BeneficiaryTerm: i.beneficiaryTerm ? { Quota: i.beneficiaryTerm.quota.toString(), UsedQuota: i.beneficiaryTerm.usedQuota.toString(), Expiration: i.beneficiaryTerm.expiration } : { Quota: '0', UsedQuota: '0', Expiration: 0 },
    PendingBeneficiaryTerm: i.pendingBeneficiaryTerm
      ? { NewBeneficiary: a(i.pendingBeneficiaryTerm.newBeneficiary), NewQuota: i.pendingBeneficiaryTerm.newQuota.toString(), NewExpiration: i.pendingBeneficiaryTerm.newExpiration, ApprovedByBeneficiary: i.pendingBeneficiaryTerm.approvedByBeneficiary, ApprovedByNominee: i.pendingBeneficiaryTerm.approvedByNominee }
      : null,
  };
}

function sectorJson(s: SectorInfo): Record<string, unknown> {
  const opt = (v: bigint | null): string | null => (v === null ? null : v.toString());
  return {
    SectorNumber: s.sectorNumber,
    SealProof: s.sealProof,
    SealedCID: cidJson(s.sealedCid),
    Activation: s.activation,
    Expiration: s.expiration,
    DealWeight: s.dealWeight.toString(),
    VerifiedDealWeight: s.verifiedDealWeight.toString(),
    InitialPledge: s.initialPledge.toString(),
    ExpectedDayReward: opt(s.expectedDayReward),
    ExpectedStoragePledge: opt(s.expectedStoragePledge),
    PowerBaseEpoch: s.powerBaseEpoch,
    ReplacedDayReward: opt(s.replacedDayReward),
    SectorKeyCID: s.sectorKeyCid ? cidJson(s.sectorKeyCid) : null,
    Flags: s.flags,
    DailyFee: s.dailyFee.toString(),
  };
}

/** A miner's state at `ts`, with Lotus's `failed to load miner actor[ state]` errors. */
const miner = (ctx: MethodContext, a: Uint8Array, ts: TipSet, prefix = '') => kindAt(ctx, a, ts, 'miner', loadMiner, prefix);
const get = (ctx: MethodContext) => (c: CID) => ctx.view.block(c);
const key = (ctx: MethodContext, a: Uint8Array, ts: TipSet): string => `${addr(ctx, a)}@${ts.keyString}`;

/** The Miner and power methods of the State namespace. */
export const MINER_METHODS: MethodDef[] = [
  method({
    ...MINER,
    name: 'Filecoin.StateMinerInfo',
    summary: "A miner's owner, worker, control addresses, peer, proof type, sector size and beneficiary.",
    params: [P.address('actor'), P.tipSetKey('tsk')],
    result: S.object('MinerInfo'),
    handler: async (ctx, [a, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(key(ctx, a, ts), () =>
        read(async () => {
          const { st } = await miner(ctx, a, ts);
          try {
            return minerInfoJson(ctx, await minerInfo(get(ctx), st));
          } catch (e) {
            throw new HandlerError(`failed to get miner info ${(e as Error).message}`, e);
          }
        }),
      );
    },
  }),
  method({
    ...POWER,
    name: 'Filecoin.StateMinerPower',
    summary: "A miner's claimed raw and quality-adjusted power, the network's, and whether the miner meets the consensus minimum (zero power, no error, for an address without a claim).",
    params: [P.address('actor'), P.tipSetKey('tsk')],
    result: S.object('MinerPower'),
    handler: async (ctx, [a, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(key(ctx, a, ts), () =>
        read(async () => {
          const { st } = await kindAt(ctx, POWER_ACTOR, ts, 'power', loadPower, '(get sset) ');
          const total = totalPower(st);
          // the claim is looked up by the address bytes as given (Lotus GetPowerRaw does not resolve to an ID)
          const claim = await powerClaim(get(ctx), st, a);
          const pair = (raw: bigint, qa: bigint) => ({ RawBytePower: raw.toString(), QualityAdjPower: qa.toString() });
          const minPower = ctx.view.networkInfo?.consensusMinerMinPower ?? 0n;
          return {
            MinerPower: claim ? pair(claim.raw, claim.qa) : pair(0n, 0n),
            TotalPower: pair(total.raw, total.qa),
            HasMinPower: claim ? meetsConsensusMinimum(st, claim, minPower) : false,
          };
        }),
      );
    },
  }),
  method({
    ...MINER,
    name: 'Filecoin.StateMinerSectorCount',
    summary: "A miner's live, active and faulty sector counts, summed over every partition of its 48 deadlines.",
    params: [P.address('actor'), P.tipSetKey('tsk')],
    result: S.object('MinerSectors'),
    cost: 'heavy',
    handler: async (ctx, [a, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(key(ctx, a, ts), () =>
        read(async () => {
          // Lotus returns these errors unwrapped
          const { st } = await kindAt(ctx, a, ts, 'miner', loadMiner).catch((e: Error) => {
            throw new HandlerError(e.message.replace(/^failed to load miner actor( state)?: /, ''), e);
          });
          const c = await sectorCount(get(ctx), st);
          return { Live: c.live, Active: c.active, Faulty: c.faulty };
        }),
      );
    },
  }),
  method({
    ...MINER,
    name: 'Filecoin.StateMinerDeadlines',
    summary: "A miner's 48 deadlines: the partitions posted, disputable proofs (v3+) and daily fee (v16+).",
    params: [P.address('actor'), P.tipSetKey('tsk')],
    result: { type: 'array', items: S.object('Deadline') },
    cost: 'heavy',
    handler: async (ctx, [a, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(key(ctx, a, ts), () =>
        read(async () => {
          const { st } = await miner(ctx, a, ts);
          const out: unknown[] = [];
          for (const d of await deadlines(get(ctx), st)) {
            out.push({ PostSubmissions: rlePlusRuns(d.postSubmissions), DisputableProofCount: await disputableProofCount(get(ctx), d), DailyFee: d.dailyFee.toString() });
          }
          return out;
        }),
      );
    },
  }),
  method({
    ...MINER,
    name: 'Filecoin.StateMinerProvingDeadline',
    summary: "The miner's current proving deadline at the tipset's height (dline.Info: open, close, challenge and fault cutoff epochs).",
    params: [P.address('actor'), P.tipSetKey('tsk')],
    result: S.object('DeadlineInfo'),
    cost: 'light',
    handler: async (ctx, [a, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(key(ctx, a, ts), () =>
        read(async () => {
          const { st } = await miner(ctx, a, ts);
          const d = provingDeadline(st, ts.height);
          return {
            CurrentEpoch: d.currentEpoch, PeriodStart: d.periodStart, Index: d.index, Open: d.open, Close: d.close, Challenge: d.challenge, FaultCutoff: d.faultCutoff,
            WPoStPeriodDeadlines: WPOST_PERIOD_DEADLINES, WPoStProvingPeriod: WPOST_PROVING_PERIOD, WPoStChallengeWindow: WPOST_CHALLENGE_WINDOW, WPoStChallengeLookback: WPOST_CHALLENGE_LOOKBACK, FaultDeclarationCutoff: FAULT_DECLARATION_CUTOFF,
          };
        }),
      );
    },
  }),
  method({
    ...MINER,
    name: 'Filecoin.StateSectorGetInfo',
    summary: "A sector's on-chain info (proof, sealed CID, activation, expiration, weights, pledge); null when the miner has no such sector.",
    params: [P.address('actor'), P.uint('sector', 'abi.SectorNumber'), P.tipSetKey('tsk')],
    result: S.nullable(S.object('SectorOnChainInfo')),
    handler: async (ctx, [a, n, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(`${key(ctx, a, ts)}#${n}`, () =>
        read(async () => {
          const { st } = await miner(ctx, a, ts, '(get sset) ');
          const s = await sectorInfo(get(ctx), st, n);
          return s ? sectorJson(s) : null;
        }),
      );
    },
  }),
  method({
    ...POWER,
    name: 'Filecoin.StateListMiners',
    summary: 'Every miner with a power claim, in the claims HAMT order (null when none).',
    params: [P.tipSetKey('tsk')],
    result: S.nullable({ type: 'array', items: S.Address }),
    cost: 'heavy',
    handler: async (ctx, [tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(ts.keyString, () =>
        read(async () => {
          const { st } = await kindAt(ctx, POWER_ACTOR, ts, 'power', loadPower);
          const list = await listMiners(get(ctx), st);
          return list.length ? list.map((m) => addr(ctx, m)) : null;
        }),
      );
    },
  }),
  method({
    ...MINER,
    name: 'Filecoin.StateMinerAvailableBalance',
    summary: "A miner's balance not locked, pledged or owed, plus funds vested before the tipset's height (attoFIL).",
    params: [P.address('actor'), P.tipSetKey('tsk')],
    result: S.BigInt,
    handler: async (ctx, [a, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(key(ctx, a, ts), () =>
        read(async () => {
          const { actor, st } = await miner(ctx, a, ts);
          try {
            return (await availableBalance(get(ctx), st, actor.balance, ts.height)).toString();
          } catch (e) {
            if (e instanceof NegativeBalanceError) throw new HandlerError(e.message);
            throw e;
          }
        }),
      );
    },
  }),
];
