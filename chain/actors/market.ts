/**
 * Storage market actor state (specs-actors v0.9.15 … v7, go-state-types
 * `builtin/vN/market`): escrow and locked balance tables (HAMT keyed by address
 * bytes; bit width 5 in actors v0–v2, 6 from v3), deal proposals (AMT, bit width 5
 * from v3) and deal states (AMT, bit width 6 from v3; v0–v2 AMTs have width 8), and
 * the pending deal → allocation map (v9+, HAMT keyed by uvarint deal ID).
 */
import { CID } from '../cid.js';
import { type BlockGetter, amtGet } from '../amt.js';
import { decodeBigInt } from '../bigint.js';
import { hamtGet } from '../hamt.js';
import { DecodeError } from '../types.js';
import type { Actor } from '../state.js';
import { uvarintKey } from './keys.js';
import { loadKind } from './load.js';

/** The storage market actor (f05). */
export const MARKET_ACTOR = Uint8Array.from([0x00, 0x05]);

/** The market's state. */
export interface MarketState {
  version: number;
  fields: Record<string, unknown>;
}

/** A deal proposal. Amounts attoFIL; epochs chain epochs; sizes bytes. */
export interface DealProposal {
  pieceCid: CID;
  pieceSize: number;
  verifiedDeal: boolean;
  client: Uint8Array;
  provider: Uint8Array;
  /** Text label (v0–v7 always; v8+ when the label is a CBOR text string), or the bytes of a byte-string label. */
  label: string | Uint8Array;
  startEpoch: number;
  endEpoch: number;
  storagePricePerEpoch: bigint;
  providerCollateral: bigint;
  clientCollateral: bigint;
}

/** A deal's on-chain state; `sectorNumber` is 0 before actors v13. */
export interface DealState {
  sectorNumber: number;
  sectorStartEpoch: number;
  lastUpdatedEpoch: number;
  slashEpoch: number;
}

/** Lotus's EmptyDealState: a published deal not yet activated. */
export const EMPTY_DEAL_STATE: DealState = { sectorNumber: 0, sectorStartEpoch: -1, lastUpdatedEpoch: -1, slashEpoch: -1 };

/** @throws ActorKindError, MissingBlockError */
export async function loadMarket(get: BlockGetter, actor: Actor): Promise<MarketState> {
  return loadKind(get, actor, 'storagemarket', 'market');
}

/** An ID address's balance in one balance table (`EscrowTable` or `LockedTable`), attoFIL; 0 when absent. */
export async function balanceIn(get: BlockGetter, st: MarketState, table: 'EscrowTable' | 'LockedTable', id: Uint8Array): Promise<bigint> {
  const v = await hamtGet(get, CID.asCID(st.fields[table])!, id, st.version >= 3 ? 6 : 5);
  return v === undefined ? 0n : decodeBigInt(v as Uint8Array);
}

/** Escrow and locked balance of an ID address (attoFIL; 0 when absent). */
export async function marketBalance(get: BlockGetter, st: MarketState, id: Uint8Array): Promise<{ escrow: bigint; locked: bigint }> {
  return { escrow: await balanceIn(get, st, 'EscrowTable', id), locked: await balanceIn(get, st, 'LockedTable', id) };
}

/** A deal's proposal, or null when the proposals AMT has no such deal. @throws DecodeError, MissingBlockError */
export async function dealProposal(get: BlockGetter, st: MarketState, dealId: number): Promise<DealProposal | null> {
  const v = await amtGet(get, CID.asCID(st.fields.Proposals)!, dealId);
  if (v === undefined) return null;
  const p = v as unknown[];
  if (!Array.isArray(p) || p.length !== 11) throw new DecodeError('deal proposal', 'expected 11 fields');
  return {
    pieceCid: CID.asCID(p[0])!,
    pieceSize: Number(p[1]),
    verifiedDeal: p[2] === true,
    client: p[3] as Uint8Array,
    provider: p[4] as Uint8Array,
    label: p[5] as string | Uint8Array,
    startEpoch: Number(p[6]),
    endEpoch: Number(p[7]),
    storagePricePerEpoch: decodeBigInt(p[8] as Uint8Array),
    providerCollateral: decodeBigInt(p[9] as Uint8Array),
    clientCollateral: decodeBigInt(p[10] as Uint8Array),
  };
}

/** A deal's state, or null when the states AMT has none (not yet activated). */
export async function dealState(get: BlockGetter, st: MarketState, dealId: number): Promise<DealState | null> {
  const v = await amtGet(get, CID.asCID(st.fields.States)!, dealId);
  if (v === undefined) return null;
  const s = (v as unknown[]).map(Number);
  // v13+: [SectorNumber, SectorStartEpoch, LastUpdatedEpoch, SlashEpoch]; before: [SectorStartEpoch, LastUpdatedEpoch, SlashEpoch, (VerifiedClaim v9–v12)]
  if (st.version >= 13) return { sectorNumber: s[0]!, sectorStartEpoch: s[1]!, lastUpdatedEpoch: s[2]!, slashEpoch: s[3]! };
  return { sectorNumber: 0, sectorStartEpoch: s[0]!, lastUpdatedEpoch: s[1]!, slashEpoch: s[2]! };
}

/** The allocation ID of a pending deal (v9+), 0 (NoAllocationID) when none. */
export async function pendingDealAllocation(get: BlockGetter, st: MarketState, dealId: number): Promise<number> {
  const v = await hamtGet(get, CID.asCID(st.fields.PendingDealAllocationIds)!, uvarintKey(dealId));
  return v === undefined ? 0 : Number(v);
}
