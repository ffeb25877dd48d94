/**
 * The circulating supply of FIL, as Lotus computes it (chain/stmgr/supply.go):
 * `GetVMCirculatingSupplyDetailed` (what the VM sees; StateVMCirculatingSupplyInternal,
 * and the input of the deal collateral bounds) and `GetCirculatingSupply` (the
 * per-actor walk of StateCirculatingSupply). All amounts attoFIL.
 *
 * The genesis vesting schedules are Lotus's hard-coded tables (the same on every
 * network), vested with the actors-v0 multisig formula, including Lotus's
 * pre-Ignition quirk of reading the FIL amounts as attoFIL.
 */
import type { CID } from './cid.js';
import { type BlockGetter } from './amt.js';
import { decodeBigInt } from './bigint.js';
import { actorCodeInfo } from './actor-codes.js';
import { getActor, idAddress, idOf, listActors, type Actor } from './state.js';
import { amountLocked, loadMultisig } from './actors/multisig.js';
import { availableBalance, loadMiner, NegativeBalanceError } from './actors/miner.js';
import { loadKind } from './actors/load.js';
import { type NetworkParams } from './network-params.js';

const FIL = 10n ** 18n;
/** Total FIL ever (build.FilBase), attoFIL. */
export const TOTAL_FILECOIN = 2_000_000_000n * FIL;

/** [UnlockDuration (epochs), InitialBalance (FIL)] of the genesis vesting buckets before and after Calico. */
const PRE_CALICO: Array<[number, bigint]> = [[527040, 82717041n], [1051200, 22421712n], [2102400, 7223364n], [3153600, 87637883n], [6307200, 400000000n]];
const POST_CALICO: Array<[number, bigint]> = [[0, 10632000n], [527040, 51803587n], [1051200, 31821712n], [2102400, 7223364n], [3153600, 88536841n], [6307200, 409805053n]];

/** Lotus's CirculatingSupply JSON parts. */
export interface CirculatingSupply {
  filVested: bigint;
  filMined: bigint;
  filBurnt: bigint;
  filLocked: bigint;
  filCirculating: bigint;
  filReserveDisbursed: bigint;
}

const RESERVE = idAddress(90);
const BURNT = idAddress(99);
const REWARD = idAddress(2);
const POWER = idAddress(4);
const MARKET = idAddress(5);

async function balanceOf(get: BlockGetter, root: CID, id: Uint8Array): Promise<bigint> {
  return (await getActor(get, root, id))?.balance ?? 0n;
}

async function stateOf(get: BlockGetter, root: CID, id: Uint8Array, kind: string): Promise<Record<string, unknown>> {
  const actor = await getActor(get, root, id);
  if (!actor) throw new Error(`failed to load ${kind} actor: actor not found`);
  return (await loadKind(get, actor, kind, kind)).fields;
}

const big = (v: unknown): bigint => decodeBigInt(v as Uint8Array);

/** FilVested at `height` (GetFilVested): the genesis buckets' vested amounts, plus the genesis pledge through Assembly. */
export function filVested(height: number, p: NetworkParams, genesisPledge: bigint): bigint {
  const u = p.upgrades;
  let vested = 0n;
  const vest = (buckets: Array<[number, bigint]>, scale: bigint, start: number) => {
    for (const [duration, ib] of buckets) {
      const initial = ib * scale;
      vested += initial - amountLocked({ version: 0, initialBalance: initial, unlockDuration: duration }, height - start);
    }
  };
  if (height <= u.UpgradeIgnitionHeight) vest(PRE_CALICO, 1n, 0); // Lotus reads these FIL amounts as attoFIL before Ignition
  else if (height <= u.UpgradeCalicoHeight) vest(PRE_CALICO, FIL, u.UpgradeLiftoffHeight);
  else vest(POST_CALICO, FIL, u.UpgradeLiftoffHeight);
  if (height <= u.UpgradeAssemblyHeight) vested += genesisPledge;
  return vested;
}

/**
 * GetVMCirculatingSupplyDetailed at `height` on the state `root` (the tipset's parent
 * state), network version `nv` at that height.
 * @throws MissingBlockError; Error when a singleton actor is missing
 */
export async function vmCirculatingSupply(get: BlockGetter, root: CID, height: number, nv: number, p: NetworkParams, genesisPledge: bigint): Promise<CirculatingSupply> {
  const filVestedAt = filVested(height, p, genesisPledge);
  const reward = await stateOf(get, root, REWARD, 'reward');
  // v0: TotalMined; v2+: TotalStoragePowerReward
  const filMined = big(reward.TotalStoragePowerReward ?? reward.TotalMined);
  const filBurnt = await balanceOf(get, root, BURNT);
  const power = await stateOf(get, root, POWER, 'storagepower');
  let filLocked = big(power.TotalPledgeCollateral);
  if (nv < 23) {
    const market = await stateOf(get, root, MARKET, 'storagemarket');
    filLocked += big(market.TotalClientLockedCollateral) + big(market.TotalProviderLockedCollateral) + big(market.TotalClientStorageFee);
  }
  let filReserveDisbursed = 0n;
  if (height > p.upgrades.UpgradeAssemblyHeight) {
    const initial = nv >= 25 ? p.initialFilReservedTeep : p.initialFilReserved;
    filReserveDisbursed = initial - (await balanceOf(get, root, RESERVE));
  }
  let filCirculating = filVestedAt + filMined + filReserveDisbursed - filBurnt - filLocked;
  if (filCirculating < 0n) filCirculating = 0n;
  return { filVested: filVestedAt, filMined, filBurnt, filLocked, filCirculating, filReserveDisbursed };
}

/** Actors whose whole balance is never circulating (GetCirculatingSupply). */
const UNCIRCULATING_IDS = new Set([1, 2, 6, 4, 0, 3, 99, 122, 90, 10, 7]);
/** Kinds whose whole balance circulates. */
const CIRCULATING_KINDS = new Set(['account', 'paymentchannel', 'ethaccount', 'evm', 'placeholder']);

/** A state walk went past its limit or met an actor Lotus does not classify. */
export class SupplyWalkError extends Error {}

/**
 * GetCirculatingSupply at `height` (StateCirculatingSupply passes the tipset's height − 1)
 * on `root`: every actor's balance classified as circulating or not; checks the
 * total is 2 billion FIL.
 * @throws SupplyWalkError `unexpected actor: <id>` or `total filecoin didn't add to expected amount: X != Y`; HamtTooLargeError past `limit` actors
 */
export async function circulatingSupplyWalk(get: BlockGetter, root: CID, height: number, nv: number, limit: number): Promise<bigint> {
  let circ = 0n;
  let unCirc = 0n;
  for (const [idBytes, actor] of await listActors(get, root, limit)) {
    if (actor.balance === 0n) continue;
    const id = idOf(idBytes);
    const info = actorCodeInfo(actor.code.toString());
    if (UNCIRCULATING_IDS.has(id)) unCirc += actor.balance;
    else if (id === 5) {
      if (nv >= 23) circ += actor.balance;
      else {
        const m = await stateOf(get, root, MARKET, 'storagemarket');
        const locked = big(m.TotalClientLockedCollateral) + big(m.TotalProviderLockedCollateral) + big(m.TotalClientStorageFee);
        circ += actor.balance - locked;
        unCirc += locked;
      }
    } else if (info && CIRCULATING_KINDS.has(info.name)) circ += actor.balance;
    else if (info?.name === 'storageminer') {
      const avail = await minerAvailable(get, actor);
      if (avail === null) unCirc += actor.balance;
      else {
        circ += avail;
        unCirc += actor.balance - avail;
      }
    } else if (info?.name === 'multisig') {
      const st = await loadMultisig(get, actor);
      const locked = amountLocked(st, height - st.startEpoch);
      circ += actor.balance > locked ? actor.balance - locked : 0n;
      unCirc += actor.balance < locked ? actor.balance : locked;
    } else throw new SupplyWalkError(`unexpected actor: f0${id}`);
  }
  if (circ + unCirc !== TOTAL_FILECOIN) throw new SupplyWalkError(`total filecoin didn't add to expected amount: ${circ + unCirc} != ${TOTAL_FILECOIN}`);
  return circ;
}

/** A miner's AvailableBalance (without vesting), null when its state is broken (negative unlocked balance). */
async function minerAvailable(get: BlockGetter, actor: Actor): Promise<bigint | null> {
  const st = await loadMiner(get, actor);
  try {
    // vesting is not added here (Lotus calls AvailableBalance, not StateMinerAvailableBalance); height -Infinity vests nothing
    return await availableBalance(get, st, actor.balance, Number.NEGATIVE_INFINITY);
  } catch (e) {
    if (e instanceof NegativeBalanceError) return null;
    throw e;
  }
}
