/**
 * Multisig actor state (specs-actors v0.9.15 / v2.3.6+ and go-state-types
 * `builtin/vN/multisig/multisig_state.go`; the tuple is the same in every version):
 * the vesting schedule, the locked amount at an epoch, and the pending transactions
 * (HAMT, bit width 5, keyed by the zigzag varint of the transaction ID).
 */
import { CID } from '../cid.js';
import { type BlockGetter } from '../amt.js';
import { decodeBigInt } from '../bigint.js';
import { hamtEntries, hamtGet } from '../hamt.js';
import { DecodeError } from '../types.js';
import type { Actor } from '../state.js';
import { readVarint, varintKey } from './keys.js';
import { loadKind } from './load.js';

/** A multisig's state. Amounts in attoFIL, epochs as chain epochs. */
export interface MultisigState {
  version: number;
  signers: Uint8Array[];
  threshold: number;
  nextTxnId: number;
  initialBalance: bigint;
  startEpoch: number;
  unlockDuration: number;
  pendingTxns: CID;
}

/** One pending transaction (`Transaction`: `[To, Value, Method, Params, Approved]`). */
export interface PendingTxn {
  id: number;
  to: Uint8Array;
  /** attoFIL. */
  value: bigint;
  method: number;
  params: Uint8Array;
  /** Approvers, the proposer first. */
  approved: Uint8Array[];
}

/** @throws ActorKindError (`actor code is not multisig: …`), MissingBlockError */
export async function loadMultisig(get: BlockGetter, actor: Actor): Promise<MultisigState> {
  const { version, fields: f } = await loadKind(get, actor, 'multisig', 'multisig');
  return {
    version,
    signers: f.Signers as Uint8Array[],
    threshold: Number(f.NumApprovalsThreshold),
    nextTxnId: Number(f.NextTxnID),
    initialBalance: decodeBigInt(f.InitialBalance as Uint8Array),
    startEpoch: Number(f.StartEpoch),
    unlockDuration: Number(f.UnlockDuration),
    pendingTxns: CID.asCID(f.PendingTxns)!,
  };
}

/**
 * The amount still locked `elapsed` epochs after the start (attoFIL). Actors v0
 * truncate the per-epoch unit (specs-actors v0 `AmountLocked`: floor(IB/UD) ×
 * (UD − elapsed)); v2+ round the remaining fraction up (ceil(IB × (UD − elapsed) / UD)).
 */
export function amountLocked(st: Pick<MultisigState, 'version' | 'initialBalance' | 'unlockDuration'>, elapsed: number): bigint {
  const ud = BigInt(st.unlockDuration);
  if (elapsed >= st.unlockDuration) return 0n;
  if (st.version === 0) {
    if (elapsed < 0) return st.initialBalance;
    return (st.initialBalance / ud) * (ud - BigInt(elapsed));
  }
  if (elapsed <= 0) return st.initialBalance;
  const num = st.initialBalance * (ud - BigInt(elapsed));
  return num / ud + (num % ud === 0n ? 0n : 1n);
}

/** The amount locked at epoch `height` (attoFIL): `amountLocked(height − StartEpoch)`. */
export function lockedAt(st: MultisigState, height: number): bigint {
  return amountLocked(st, height - st.startEpoch);
}

/**
 * The pending transactions in HAMT order (Lotus's `ForEachPendingTxn` order, not by ID).
 * @throws DecodeError `invalid pending transaction key`, MissingBlockError
 */
export async function pendingTxns(get: BlockGetter, st: MultisigState): Promise<PendingTxn[]> {
  return (await hamtEntries(get, st.pendingTxns)).map(([k, v]) => {
    const t = v as unknown[];
    if (!Array.isArray(t) || t.length !== 5) throw new DecodeError('multisig transaction', 'expected 5 fields');
    return { id: Number(readVarint(k, 'invalid pending transaction key')), to: t[0] as Uint8Array, value: decodeBigInt(t[1] as Uint8Array), method: Number(t[2]), params: t[3] as Uint8Array, approved: t[4] as Uint8Array[] };
  });
}

/** One pending transaction by ID, null when none. @throws MissingBlockError */
export async function pendingTxn(get: BlockGetter, st: MultisigState, id: number): Promise<PendingTxn | null> {
  const v = await hamtGet(get, st.pendingTxns, varintKey(id));
  if (v === undefined) return null;
  const t = v as unknown[];
  return { id, to: t[0] as Uint8Array, value: decodeBigInt(t[1] as Uint8Array), method: Number(t[2]), params: t[3] as Uint8Array, approved: t[4] as Uint8Array[] };
}
