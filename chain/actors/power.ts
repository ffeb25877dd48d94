/**
 * Storage power actor state (f04; specs-actors v0.9.15 … v7, go-state-types
 * `builtin/vN/power`): network totals and miners' claims (HAMT, bit width 5, keyed
 * by the miner's address bytes). A claim is `[RawBytePower, QualityAdjPower]` in
 * actors v0 and `[ProofType, RawBytePower, QualityAdjPower]` from v2.
 */
import { CID } from '../cid.js';
import { type BlockGetter } from '../amt.js';
import { decodeBigInt } from '../bigint.js';
import { hamtEntries, hamtGet } from '../hamt.js';
import type { Actor } from '../state.js';
import { type KindState, loadKind } from './load.js';

/** The storage power actor (f04). */
export const POWER_ACTOR = Uint8Array.from([0x00, 0x04]);

/** Power in bytes. */
export interface PowerPair {
  raw: bigint;
  qa: bigint;
}

/** A miner's claim; `proofType` is the seal proof (v2) or window PoSt proof (v3+), null in v0. */
export interface PowerClaim extends PowerPair {
  proofType: number | null;
}

/** @throws ActorKindError, MissingBlockError */
export function loadPower(get: BlockGetter, actor: Actor): Promise<KindState> {
  return loadKind(get, actor, 'storagepower', 'power');
}

/** Network power (`TotalRawBytePower`, `TotalQualityAdjPower`), as Lotus's StateMinerPower TotalPower. */
export function totalPower(st: KindState): PowerPair {
  return { raw: decodeBigInt(st.fields.TotalRawBytePower as Uint8Array), qa: decodeBigInt(st.fields.TotalQualityAdjPower as Uint8Array) };
}

/** A miner's claim by address bytes exactly as given (Lotus does not resolve to an ID here), null when none. */
export async function powerClaim(get: BlockGetter, st: KindState, minerAddr: Uint8Array): Promise<PowerClaim | null> {
  const v = (await hamtGet(get, CID.asCID(st.fields.Claims)!, minerAddr)) as unknown[] | undefined;
  if (v === undefined) return null;
  if (st.version === 0) return { proofType: null, raw: decodeBigInt(v[0] as Uint8Array), qa: decodeBigInt(v[1] as Uint8Array) };
  return { proofType: Number(v[0]), raw: decodeBigInt(v[1] as Uint8Array), qa: decodeBigInt(v[2] as Uint8Array) };
}

/**
 * Whether a claim meets the consensus minimum (`MinerNominalPowerMeetsConsensusMinimum`):
 * at least `minPower` (v0: QA power; v2+: raw power), else only while fewer than
 * ConsensusMinerMinMiners (3 in v0, 4 from v2) miners are above the minimum, when any
 * power (v0: any, including 0) suffices.
 */
export function meetsConsensusMinimum(st: KindState, claim: PowerClaim, minPower: bigint): boolean {
  const aboveMin = Number(st.fields.MinerAboveMinPowerCount);
  if (st.version === 0) {
    if (claim.qa >= minPower) return true;
    return aboveMin < 3 && claim.qa >= 0n;
  }
  if (claim.raw >= minPower) return true;
  if (aboveMin >= 4) return false;
  return claim.raw > 0n;
}

/** Every miner with a claim, address bytes in HAMT order (Lotus's ListAllMiners order). */
export async function listMiners(get: BlockGetter, st: KindState): Promise<Uint8Array[]> {
  return (await hamtEntries(get, CID.asCID(st.fields.Claims)!)).map(([k]) => k);
}
