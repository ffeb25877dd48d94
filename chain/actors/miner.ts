/**
 * Storage miner actor state (specs-actors v0.9.15, v2.3.6 … v7.0.1; go-state-types
 * `builtin/v8 … v19/miner`), read the way Lotus's `chain/actors/builtin/miner`
 * adapters read each version: the MinerInfo block, vesting funds (a block of
 * `[[Epoch, Amount]…]` through v15; inline `[Head, Tail]` from v16), the 48
 * deadlines and their partitions, sectors (AMT: v0–v2 width 8, v3+ bit width 5),
 * and the proving-period arithmetic of `dline.Info` (go-state-types `dline`).
 * Amounts attoFIL; epochs chain epochs; sizes bytes.
 */
import { base58btc } from 'multiformats/bases/base58';
import { CID } from '../cid.js';
import { type BlockGetter, MissingBlockError, amtGet, amtLength, amtValues } from '../amt.js';
import { decodeBigInt } from '../bigint.js';
import { type BitRanges, bitfieldRanges, countBits, subtractBits } from '../bitfield.js';
import { decodeCbor } from '../cid.js';
import { DecodeError } from '../types.js';
import type { Actor } from '../state.js';
import { type KindState, loadKind } from './load.js';

/** Deadlines per proving period, and the period's epochs (the same in every actors version). */
export const WPOST_PERIOD_DEADLINES = 48;
export const WPOST_PROVING_PERIOD = 2880;
export const WPOST_CHALLENGE_WINDOW = 60;
export const WPOST_CHALLENGE_LOOKBACK = 20;
export const FAULT_DECLARATION_CUTOFF = 70;

/** A miner's info as Lotus's adapters give it (go-state-types v9 MinerInfo). */
export interface MinerInfo {
  owner: Uint8Array;
  worker: Uint8Array;
  controlAddresses: Uint8Array[];
  /** `[NewWorker, EffectiveAt]` of a pending worker key change. */
  pendingWorkerKey: { newWorker: Uint8Array; effectiveAt: number } | null;
  peerId: Uint8Array;
  multiaddrs: Uint8Array[];
  /** The window PoSt proof type (v0/v2 derive it from the seal proof: 5 + seal mod 5). */
  windowPoStProofType: number;
  sectorSize: number;
  windowPoStPartitionSectors: number;
  /** -1 in actors v0. */
  consensusFaultElapsed: number;
  /** v9+ only (null before). */
  beneficiary: Uint8Array | null;
  beneficiaryTerm: { quota: bigint; usedQuota: bigint; expiration: number } | null;
  pendingBeneficiaryTerm: { newBeneficiary: Uint8Array; newQuota: bigint; newExpiration: number; approvedByBeneficiary: boolean; approvedByNominee: boolean } | null;
}

/** One deadline's fields the API reads. */
export interface Deadline {
  partitions: CID;
  /** PostSubmissions (v0/v2) or PartitionsPoSted (v3+), RLE+ bytes. */
  postSubmissions: Uint8Array;
  /** OptimisticPoStSubmissionsSnapshot (v3+), the AMT whose length is the disputable proof count. */
  optimisticSnapshot: CID | null;
  /** v16+, attoFIL per day; 0 before. */
  dailyFee: bigint;
}

/** One partition's sector sets (RLE+ bytes; `unproven` is empty in v0). */
export interface Partition {
  sectors: Uint8Array;
  unproven: Uint8Array;
  faults: Uint8Array;
  recoveries: Uint8Array;
  terminated: Uint8Array;
}

/** A sector as Lotus renders it (go-state-types v19 SectorOnChainInfo, without DealIDs). */
export interface SectorInfo {
  sectorNumber: number;
  sealProof: number;
  sealedCid: CID;
  activation: number;
  expiration: number;
  dealWeight: bigint;
  verifiedDealWeight: bigint;
  initialPledge: bigint;
  expectedDayReward: bigint | null;
  expectedStoragePledge: bigint | null;
  powerBaseEpoch: number;
  replacedDayReward: bigint | null;
  sectorKeyCid: CID | null;
  flags: number;
  dailyFee: bigint;
}

/** The proving deadline at an epoch (go-state-types dline.Info). */
export interface DeadlineInfo {
  currentEpoch: number;
  periodStart: number;
  index: number;
  open: number;
  close: number;
  challenge: number;
  faultCutoff: number;
}

/** A miner's available balance would be negative before its fee debt (Lotus: `negative unlocked balance <n>`). */
export class NegativeBalanceError extends Error {}

/** @throws ActorKindError (`actor code is not miner: …`), MissingBlockError */
export function loadMiner(get: BlockGetter, actor: Actor): Promise<KindState> {
  return loadKind(get, actor, 'storageminer', 'miner');
}

async function block(get: BlockGetter, c: unknown, what: string): Promise<unknown> {
  const cid = CID.asCID(c);
  if (!cid) throw new DecodeError(what, 'expected a CID');
  const b = await get(cid);
  if (!b) throw new MissingBlockError(cid, what);
  return decodeCbor(b);
}

const big = (v: unknown): bigint => decodeBigInt(v as Uint8Array);
const bigOrNull = (v: unknown): bigint | null => (v === null || v === undefined ? null : big(v));

/** The miner's info block, per version. @throws DecodeError, MissingBlockError */
export async function minerInfo(get: BlockGetter, st: KindState): Promise<MinerInfo> {
  const v = (await block(get, st.fields.Info, 'miner info')) as unknown[];
  const expected = st.version === 0 ? 9 : st.version < 9 ? 11 : 14;
  if (!Array.isArray(v) || v.length !== expected) throw new DecodeError('miner info', `expected ${expected} fields for actors v${st.version}`);
  const pwk = v[3] as unknown[] | null;
  const proof = Number(v[6]);
  const bt = st.version >= 9 ? (v[12] as unknown[]) : null;
  const pbt = st.version >= 9 ? (v[13] as unknown[] | null) : null;
  return {
    owner: v[0] as Uint8Array,
    worker: v[1] as Uint8Array,
    controlAddresses: (v[2] as Uint8Array[] | null) ?? [],
    pendingWorkerKey: pwk ? { newWorker: pwk[0] as Uint8Array, effectiveAt: Number(pwk[1]) } : null,
    peerId: v[4] as Uint8Array,
    multiaddrs: (v[5] as Uint8Array[] | null) ?? [],
    // v0 and v2 record the seal proof; its window PoSt proof (abi SealProofInfos) is V1: 5 + seal mod 5
    windowPoStProofType: st.version <= 2 ? windowProofOfSeal(proof) : proof,
    sectorSize: Number(v[7]),
    windowPoStPartitionSectors: Number(v[8]),
    consensusFaultElapsed: st.version === 0 ? -1 : Number(v[9]),
    beneficiary: st.version >= 9 ? (v[11] as Uint8Array) : null,
    beneficiaryTerm: bt ? { quota: big(bt[0]), usedQuota: big(bt[1]), expiration: Number(bt[2]) } : null,
    pendingBeneficiaryTerm: pbt ? { newBeneficiary: pbt[0] as Uint8Array, newQuota: big(pbt[1]), newExpiration: Number(pbt[2]), approvedByBeneficiary: pbt[3] === true, approvedByNominee: pbt[4] === true } : null,
  };
}

/** The window PoSt proof of a seal proof (abi.RegisteredSealProof.RegisteredWindowPoStProof). @throws DecodeError on an unknown seal proof. */
export function windowProofOfSeal(seal: number): number {
  if (!Number.isInteger(seal) || seal < 0 || seal > 14) throw new DecodeError('seal proof', `unsupported proof type: ${seal}`);
  return 5 + (seal % 5);
}

/** The peer ID string of PeerId bytes (base58btc), null when the bytes are not a multihash (Lotus `peer.IDFromBytes`). */
export function peerIdString(b: Uint8Array | null): string | null {
  if (!b || b.length < 2) return null;
  let pos = 0;
  const uvarint = (): number | null => {
    let v = 0;
    for (let shift = 0; shift < 63; shift += 7) {
      const x = b[pos++];
      if (x === undefined) return null;
      v += (x & 0x7f) * 2 ** shift;
      if ((x & 0x80) === 0) return x === 0 && shift > 0 ? null : v; // minimal encodings only
    }
    return null;
  };
  if (uvarint() === null) return null;
  const len = uvarint();
  if (len === null || b.length - pos !== len) return null;
  return base58btc.baseEncode(b);
}

/** The vesting schedule, `[epoch, attoFIL]` in epoch order. @throws MissingBlockError */
export async function vestingFunds(get: BlockGetter, st: KindState): Promise<Array<[number, bigint]>> {
  const entry = (e: unknown): [number, bigint] => [Number((e as unknown[])[0]), big((e as unknown[])[1])];
  if (st.version < 16) {
    const v = (await block(get, st.fields.VestingFunds, 'vesting funds')) as unknown[];
    return ((v[0] as unknown[] | null) ?? []).map(entry);
  }
  const inline = st.fields.VestingFunds as unknown[] | null;
  if (!inline) return [];
  const tail = (await block(get, inline[1], 'vesting funds tail')) as unknown[] | null;
  return [entry(inline[0]), ...(tail ?? []).map(entry)];
}

/**
 * Lotus's StateMinerAvailableBalance: the balance not locked, pledged or owed
 * (v0: balance − LockedFunds − PreCommitDeposits − InitialPledgeRequirement; v2+:
 * the same with InitialPledge, then − FeeDebt), plus the funds vested before `height`
 * that cron has not unlocked yet.
 * @throws NegativeBalanceError when the unlocked balance is negative (v2+)
 */
export async function availableBalance(get: BlockGetter, st: KindState, balance: bigint, height: number): Promise<bigint> {
  const f = st.fields;
  let available: bigint;
  if (st.version === 0) {
    available = balance - big(f.LockedFunds) - big(f.PreCommitDeposits) - big(f.InitialPledgeRequirement);
  } else {
    const unlocked = balance - big(f.LockedFunds) - big(f.PreCommitDeposits) - big(f.InitialPledge);
    if (unlocked < 0n) throw new NegativeBalanceError(`negative unlocked balance ${unlocked}`);
    available = unlocked - big(f.FeeDebt);
  }
  let vested = 0n;
  for (const [epoch, amount] of await vestingFunds(get, st)) {
    if (epoch >= height) break;
    vested += amount;
  }
  return available + vested;
}

/** The 48 deadlines, per version. @throws DecodeError, MissingBlockError */
export async function deadlines(get: BlockGetter, st: KindState): Promise<Deadline[]> {
  const due = ((await block(get, st.fields.Deadlines, 'miner deadlines')) as unknown[])[0] as unknown[];
  if (!Array.isArray(due) || due.length !== WPOST_PERIOD_DEADLINES) throw new DecodeError('miner deadlines', `expected ${WPOST_PERIOD_DEADLINES} deadlines`);
  const out: Deadline[] = [];
  for (const c of due) {
    const d = (await block(get, c, 'miner deadline')) as unknown[];
    const snapshotAt = st.version <= 2 ? -1 : st.version <= 6 ? 9 : 10;
    out.push({
      partitions: CID.asCID(d[0])!,
      postSubmissions: d[2] as Uint8Array,
      optimisticSnapshot: snapshotAt < 0 ? null : CID.asCID(d[snapshotAt]),
      dailyFee: st.version >= 16 ? (bigOrNull(d[12]) ?? 0n) : 0n,
    });
  }
  return out;
}

/** The number of optimistically accepted proofs a deadline can still have disputed (0 before v3). */
export async function disputableProofCount(get: BlockGetter, d: Deadline): Promise<number> {
  return d.optimisticSnapshot ? amtLength(get, d.optimisticSnapshot) : 0;
}

/** A deadline's partitions, per version. @throws MissingBlockError */
export async function partitions(get: BlockGetter, st: KindState, d: Deadline): Promise<Partition[]> {
  return (await amtValues(get, d.partitions)).map((p) => {
    const a = p as Uint8Array[];
    if (st.version === 0) return { sectors: a[0]!, unproven: new Uint8Array(), faults: a[1]!, recoveries: a[2]!, terminated: a[3]! };
    return { sectors: a[0]!, unproven: a[1]!, faults: a[2]!, recoveries: a[3]!, terminated: a[4]! };
  });
}

/**
 * Lotus StateMinerSectorCount over every partition: Live = sectors − terminated,
 * Active = live − faults − unproven, Faulty = faults.
 */
export async function sectorCount(get: BlockGetter, st: KindState): Promise<{ live: number; active: number; faulty: number }> {
  let live = 0;
  let active = 0;
  let faulty = 0;
  for (const d of await deadlines(get, st)) {
    for (const p of await partitions(get, st, d)) {
      const liveSet: BitRanges = subtractBits(bitfieldRanges(p.sectors), bitfieldRanges(p.terminated));
      const faults = bitfieldRanges(p.faults);
      live += countBits(liveSet);
      active += countBits(subtractBits(subtractBits(liveSet, faults), bitfieldRanges(p.unproven)));
      faulty += countBits(faults);
    }
  }
  return { live, active, faulty };
}

/** A sector by number, null when the sectors AMT has none. @throws DecodeError, MissingBlockError */
export async function sectorInfo(get: BlockGetter, st: KindState, sector: number): Promise<SectorInfo | null> {
  const v = (await amtGet(get, CID.asCID(st.fields.Sectors)!, sector)) as unknown[] | undefined;
  if (v === undefined) return null;
  if (!Array.isArray(v) || v.length < 11) throw new DecodeError('sector info', 'expected at least 11 fields');
  const modern = st.version >= 12; // PowerBaseEpoch, ReplacedDayReward and Flags are mapped from v12 on
  return {
    sectorNumber: Number(v[0]),
    sealProof: Number(v[1]),
    sealedCid: CID.asCID(v[2])!,
    activation: Number(v[4]),
    expiration: Number(v[5]),
    dealWeight: big(v[6]),
    verifiedDealWeight: big(v[7]),
    initialPledge: big(v[8]),
    expectedDayReward: bigOrNull(v[9]),
    expectedStoragePledge: bigOrNull(v[10]),
    powerBaseEpoch: modern ? Number(v[11]) : 0,
    replacedDayReward: modern ? bigOrNull(v[12]) : null,
    sectorKeyCid: st.version >= 7 ? (CID.asCID(v[13]) ?? null) : null,
    flags: modern ? Number(v[14]) : 0,
    dailyFee: st.version >= 16 ? (bigOrNull(v[15]) ?? 0n) : 0n,
  };
}

/** dline.NewInfo: deadline `index` of the period starting at `periodStart`, seen at `current`. */
function deadlineInfo(periodStart: number, index: number, current: number): DeadlineInfo {
  if (index >= WPOST_PERIOD_DEADLINES) {
    const after = periodStart + WPOST_PROVING_PERIOD;
    return { currentEpoch: current, periodStart, index, open: after, close: after, challenge: after, faultCutoff: 0 };
  }
  const open = periodStart + index * WPOST_CHALLENGE_WINDOW;
  return { currentEpoch: current, periodStart, index, open, close: open + WPOST_CHALLENGE_WINDOW, challenge: open - WPOST_CHALLENGE_LOOKBACK, faultCutoff: open - FAULT_DECLARATION_CUTOFF };
}

/**
 * Lotus StateMinerProvingDeadline: the state's current deadline at `height`
 * (`NewDeadlineInfo(ProvingPeriodStart, CurrentDeadline, height).NextNotElapsed()`).
 */
export function provingDeadline(st: KindState, height: number): DeadlineInfo {
  const ps = Number(st.fields.ProvingPeriodStart);
  const idx = Number(st.fields.CurrentDeadline);
  const info = deadlineInfo(ps, idx, height);
  if (height < info.close) return info;
  let offset = ps % WPOST_PROVING_PERIOD;
  if (offset < 0) offset += WPOST_PROVING_PERIOD;
  let start = Math.trunc(height / WPOST_PROVING_PERIOD) * WPOST_PROVING_PERIOD + offset;
  while (start > height) start -= WPOST_PROVING_PERIOD;
  if (height >= start + (idx + 1) * WPOST_CHALLENGE_WINDOW) start += WPOST_PROVING_PERIOD;
  return deadlineInfo(start, idx, height);
}
