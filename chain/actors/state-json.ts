/**
 * Lotus JSON of actor states (StateReadState's `State`), table-driven: each actor
 * kind and actors-version range lists its CBOR tuple fields in order with how Lotus
 * renders each (go-state-types builtin/vN/<actor>/<actor>_state.go field names and
 * types; Go's encoding/json rendering: CIDs `{"/":…}`, big integers as decimal
 * strings, addresses with the network prefix, epochs and counters as numbers).
 * Kinds not in the table render generically (arrays of rendered CBOR values).
 */
import { CID } from '../cid.js';
import { addressToString, type NetworkPrefix } from '../address.js';
import { decodeBigInt } from '../bigint.js';
import type { ActorCodeInfo } from '../actor-codes.js';
import { rlePlusRuns } from '../bitfield.js';

/** How one field renders. */
export type Kind =
  | 'cid'
  | 'cid?'
  | 'big'
  | 'int'
  | 'bool'
  | 'string'
  | 'bytes'
  | 'addr'
  | 'addr?'
  | 'addrs'
  | 'bytesList'
  | 'filter'
  | 'filter?'
  | 'bitfield'
  | 'raw'
  | { struct: Field[] }
  | { list: Field[] }
  | { nullable: { struct: Field[] } };
export type Field = [name: string, kind: Kind];

const FILTER: Field[] = [
  ['PositionEstimate', 'big'],
  ['VelocityEstimate', 'big'],
];

/** [name, fromVersion, toVersion (inclusive), fields]. */
const BIG8: Field[] = [
  ['TotalRawBytePower', 'big'],
  ['TotalBytesCommitted', 'big'],
  ['TotalQualityAdjPower', 'big'],
  ['TotalQABytesCommitted', 'big'],
  ['TotalPledgeCollateral', 'big'],
  ['ThisEpochRawBytePower', 'big'],
  ['ThisEpochQualityAdjPower', 'big'],
  ['ThisEpochPledgeCollateral', 'big'],
];
const MARKET11: Field[] = [
  ['Proposals', 'cid'],
  ['States', 'cid'],
  ['PendingProposals', 'cid'],
  ['EscrowTable', 'cid'],
  ['LockedTable', 'cid'],
  ['NextID', 'int'],
  ['DealOpsByEpoch', 'cid'],
  ['LastCron', 'int'],
  ['TotalClientLockedCollateral', 'big'],
  ['TotalProviderLockedCollateral', 'big'],
  ['TotalClientStorageFee', 'big'],
];
const REWARD_HEAD: Field[] = [
  ['CumsumBaseline', 'big'],
  ['CumsumRealized', 'big'],
  ['EffectiveNetworkTime', 'int'],
  ['EffectiveBaselinePower', 'big'],
  ['ThisEpochReward', 'big'],
];

const MINER_V2: Field[] = [
  ['Info', 'cid'],
  ['PreCommitDeposits', 'big'],
  ['LockedFunds', 'big'],
  ['VestingFunds', 'cid'],
  ['FeeDebt', 'big'],
  ['InitialPledge', 'big'],
  ['PreCommittedSectors', 'cid'],
  ['PreCommittedSectorsExpiry', 'cid'],
  ['AllocatedSectors', 'cid'],
  ['Sectors', 'cid'],
  ['ProvingPeriodStart', 'int'],
  ['CurrentDeadline', 'int'],
  ['Deadlines', 'cid'],
  ['EarlyTerminations', 'bitfield'],
];
/** v5+: PreCommittedSectorsExpiry renamed PreCommittedSectorsCleanUp; v4+ ends with DeadlineCronActive. */
const MINER_V5: Field[] = [...MINER_V2.map(([n, k]): Field => [n === 'PreCommittedSectorsExpiry' ? 'PreCommittedSectorsCleanUp' : n, k]), ['DeadlineCronActive', 'bool']];
/** v16+: VestingFunds inline and nullable, `[Head [Epoch, Amount], Tail CID]`. */
const MINER_V16: Field[] = MINER_V5.map(([n, k]): Field => (n === 'VestingFunds' ? [n, { nullable: { struct: [['Head', { struct: [['Epoch', 'int'], ['Amount', 'big']] }], ['Tail', 'cid']] } }] : [n, k]));
const POWER_V2: Field[] = [...BIG8, ['ThisEpochQAPowerSmoothed', 'filter'], ['MinerCount', 'int'], ['MinerAboveMinPowerCount', 'int'], ['CronEventQueue', 'cid'], ['FirstCronEpoch', 'int'], ['Claims', 'cid'], ['ProofValidationBatch', 'cid?']];
/** v15+: the ramp fields after MinerAboveMinPowerCount (FIP-0081). */
const POWER_V15: Field[] = [...POWER_V2.slice(0, 11), ['RampStartEpoch', 'int'], ['RampDurationEpochs', 'int'], ...POWER_V2.slice(11)];

/**
 * [name, fromVersion, toVersion (inclusive), fields]. Sources: specs-actors v0.9.15,
 * v2.3.6 … v7.0.1 `actors/builtin/<actor>/<actor>_state.go` (actors v0–v7) and
 * go-state-types builtin/v8 … v19 `<actor>_state.go`; field order is the CBOR tuple
 * order, which Lotus's JSON keeps.
 */
const LAYOUTS: Array<[string, number, number, Field[]]> = [
  ['account', 0, 99, [['Address', 'addr']]],
  ['init', 0, 99, [['AddressMap', 'cid'], ['NextID', 'int'], ['NetworkName', 'string']]],
  ['system', 0, 7, []],
  ['system', 8, 99, [['BuiltinActors', 'cid']]],
  ['cron', 0, 99, [['Entries', { list: [['Receiver', 'addr'], ['MethodNum', 'int']] }]]],
  ['reward', 0, 0, [...REWARD_HEAD, ['ThisEpochRewardSmoothed', 'filter?'], ['ThisEpochBaselinePower', 'big'], ['Epoch', 'int'], ['TotalMined', 'big']]],
  ['reward', 2, 99, [...REWARD_HEAD, ['ThisEpochRewardSmoothed', 'filter'], ['ThisEpochBaselinePower', 'big'], ['Epoch', 'int'], ['TotalStoragePowerReward', 'big'], ['SimpleTotal', 'big'], ['BaselineTotal', 'big']]],
  ['storagepower', 0, 0, [...BIG8, ['ThisEpochQAPowerSmoothed', 'filter?'], ['MinerCount', 'int'], ['MinerAboveMinPowerCount', 'int'], ['CronEventQueue', 'cid'], ['FirstCronEpoch', 'int'], ['LastProcessedCronEpoch', 'int'], ['Claims', 'cid'], ['ProofValidationBatch', 'cid?']]],
  ['storagepower', 2, 14, POWER_V2],
  ['storagepower', 15, 99, POWER_V15],
  ['storagemarket', 0, 8, MARKET11],
  ['storagemarket', 9, 12, [...MARKET11, ['PendingDealAllocationIds', 'cid']]],
  ['storagemarket', 13, 99, [...MARKET11, ['PendingDealAllocationIds', 'cid'], ['ProviderSectors', 'cid']]],
  ['verifiedregistry', 0, 6, [['RootKey', 'addr'], ['Verifiers', 'cid'], ['VerifiedClients', 'cid']]],
  ['verifiedregistry', 7, 8, [['RootKey', 'addr'], ['Verifiers', 'cid'], ['VerifiedClients', 'cid'], ['RemoveDataCapProposalIDs', 'cid']]],
  ['verifiedregistry', 9, 99, [['RootKey', 'addr'], ['Verifiers', 'cid'], ['RemoveDataCapProposalIDs', 'cid'], ['Allocations', 'cid'], ['NextAllocationId', 'int'], ['Claims', 'cid']]],
  ['datacap', 9, 99, [['Governor', 'addr'], ['Token', { struct: [['Supply', 'big'], ['Balances', 'cid'], ['Allowances', 'cid'], ['HamtBitWidth', 'int']] }]]],
  ['multisig', 0, 99, [['Signers', 'addrs'], ['NumApprovalsThreshold', 'int'], ['NextTxnID', 'int'], ['InitialBalance', 'big'], ['StartEpoch', 'int'], ['UnlockDuration', 'int'], ['PendingTxns', 'cid']]],
  ['paymentchannel', 0, 99, [['From', 'addr'], ['To', 'addr'], ['ToSend', 'big'], ['SettlingAt', 'int'], ['MinSettleHeight', 'int'], ['LaneStates', 'cid']]],
  ['storageminer', 0, 0, [['Info', 'cid'], ['PreCommitDeposits', 'big'], ['LockedFunds', 'big'], ['VestingFunds', 'cid'], ['InitialPledgeRequirement', 'big'], ['PreCommittedSectors', 'cid'], ['PreCommittedSectorsExpiry', 'cid'], ['AllocatedSectors', 'cid'], ['Sectors', 'cid'], ['ProvingPeriodStart', 'int'], ['CurrentDeadline', 'int'], ['Deadlines', 'cid'], ['EarlyTerminations', 'bitfield']]],
  ['storageminer', 2, 3, MINER_V2],
  ['storageminer', 4, 4, [...MINER_V2, ['DeadlineCronActive', 'bool']]],
  ['storageminer', 5, 15, MINER_V5],
  ['storageminer', 16, 99, MINER_V16],
];

function layoutFor(info: ActorCodeInfo | undefined): Field[] | undefined {
  if (!info) return undefined;
  return LAYOUTS.find(([n, a, b]) => n === info.name && info.version >= a && info.version <= b)?.[3];
}

/** Render a CBOR value as Lotus's JSON of the Go type `kind` describes (go encoding/json: nil slices null, bytes base64, big integers decimal strings). */
export function render(kind: Kind, v: unknown, prefix: NetworkPrefix): unknown {
  if (typeof kind === 'object') {
    if ('nullable' in kind) return v === null ? null : render(kind.nullable, v, prefix);
    if ('list' in kind) return (v as unknown[]).length === 0 ? null : (v as unknown[]).map((x) => render({ struct: kind.list }, x, prefix));
    const arr = v as unknown[];
    const out: Record<string, unknown> = {};
    kind.struct.forEach(([name, k], i) => (out[name] = render(k, arr[i], prefix)));
    return out;
  }
  switch (kind) {
    case 'cid':
      return { '/': CID.asCID(v)!.toString() };
    case 'cid?':
      return v === null ? null : { '/': CID.asCID(v)!.toString() };
    case 'big':
      return decodeBigInt(v as Uint8Array).toString();
    case 'int':
      return typeof v === 'bigint' ? Number(v) : v;
    case 'bool':
    case 'string':
      return v;
    case 'bytes':
      return (v as Uint8Array).length === 0 ? null : Buffer.from(v as Uint8Array).toString('base64');
    case 'addr':
      return addressToString(v as Uint8Array, prefix);
    case 'addr?':
      return v === null || (v as Uint8Array).length === 0 ? null : addressToString(v as Uint8Array, prefix);
    case 'addrs':
      return (v as Uint8Array[]).length === 0 ? null : (v as Uint8Array[]).map((a) => addressToString(a, prefix));
    case 'bytesList':
      return (v as Uint8Array[]).length === 0 ? null : (v as Uint8Array[]).map((b) => (b.length === 0 ? null : Buffer.from(b).toString('base64')));
    case 'filter':
      return render({ struct: FILTER }, v, prefix);
    case 'filter?':
      return v === null ? null : render({ struct: FILTER }, v, prefix);
    case 'bitfield':
      return rlePlusRuns(v as Uint8Array);
    default:
      return generic(v);
  }
}

/** Generic CBOR → JSON: CIDs as links, bytes as base64, bigints as strings. */
export function generic(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return typeof v === 'bigint' ? v.toString() : v;
  const c = CID.asCID(v);
  if (c) return { '/': c.toString() };
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(generic);
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, generic(x)]));
}

/**
 * An actor state's CBOR tuple as a record keyed by the field names of its kind and
 * actors version (raw CBOR values, not rendered).
 * @returns undefined when the kind or version has no layout or the tuple's length differs.
 */
export function stateFields(info: ActorCodeInfo | undefined, state: unknown): Record<string, unknown> | undefined {
  const fields = layoutFor(info);
  if (!fields || !Array.isArray(state) || state.length !== fields.length) return undefined;
  return Object.fromEntries(fields.map(([name], i) => [name, state[i]]));
}

/**
 * Render an actor's decoded state as Lotus's StateReadState `State`.
 * Unknown kinds or versions render generically.
 */
export function actorStateJson(info: ActorCodeInfo | undefined, state: unknown, prefix: NetworkPrefix): unknown {
  const fields = layoutFor(info);
  if (!fields || !Array.isArray(state) || state.length !== fields.length) return generic(state);
  return render({ struct: fields }, state, prefix);
}
