/**
 * Tipsets and TipSetKeys. Source: lotus chain/types/tipset.go, tipset_key.go.
 *
 * A tipset is the set of block headers at one epoch sharing the same parents,
 * sorted by ticket (blake2b-256 of the last ticket's VRFProof, ties broken by CID
 * bytes). Its key is the list of block CIDs in that order; the key's CBOR form is
 * one byte string of the concatenated CID bytes, whose CID (dag-cbor, blake2b-256)
 * is the indexer's `tipset_key_cid` and whose digest is the eth block hash.
 */
import { CID, blake2b256, cborCid, compareBytes, encodeCbor } from './cid.js';
import { BlockHeader, decodeBlockHeader } from './types.js';

/** Block CIDs in tipset order. The empty key means "the head" in API calls. */
export type TipSetKey = CID[];

/** Concatenated CID bytes of a TipSetKey (the byte string its CBOR form carries). */
export function tipSetKeyBytes(key: TipSetKey): Uint8Array {
  const parts = key.map((c) => c.bytes);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Split concatenated CID bytes back into a TipSetKey. @throws Error on malformed bytes. */
export function tipSetKeyFromBytes(b: Uint8Array): TipSetKey {
  const out: CID[] = [];
  let rest = b;
  while (rest.length > 0) {
    const [c, remainder] = CID.decodeFirst(rest);
    out.push(c);
    rest = remainder;
  }
  return out;
}

/** CID of a TipSetKey: dag-cbor of the key's byte string, blake2b-256. */
export function tipSetKeyCid(key: TipSetKey): CID {
  return cborCid(encodeCbor(tipSetKeyBytes(key)));
}

/** Stable string form of a key, for maps and logs: the CIDs joined by commas. */
export function tipSetKeyString(key: TipSetKey): string {
  return key.map((c) => c.toString()).join(',');
}

/** A block header together with its CID and encoded bytes. */
export interface BlockWithCid {
  cid: CID;
  header: BlockHeader;
}

/** Compare two blocks in Lotus tipset order (ticket digest, then CID bytes). */
export function compareBlocks(a: BlockWithCid, b: BlockWithCid): number {
  const ta = a.header.ticket?.vrfProof ?? new Uint8Array(0);
  const tb = b.header.ticket?.vrfProof ?? new Uint8Array(0);
  const c = compareBytes(ta, tb) === 0 ? 0 : compareBytes(blake2b256(ta), blake2b256(tb));
  return c !== 0 ? c : compareBytes(a.cid.bytes, b.cid.bytes);
}

/**
 * An immutable tipset. Construct with {@link TipSet.create}, which sorts and checks
 * the blocks the way Lotus's NewTipSet does.
 */
export class TipSet {
  readonly blocks: readonly BlockWithCid[];
  readonly key: TipSetKey;
  readonly height: number;
  private _keyCid: CID | undefined;
  private _keyString: string | undefined;

  private constructor(blocks: BlockWithCid[]) {
    this.blocks = blocks;
    this.key = blocks.map((b) => b.cid);
    this.height = blocks[0]!.header.height;
  }

  /**
   * Build a tipset from its blocks in any order.
   * @throws Error when empty, or when heights or parents differ (as lotus NewTipSet).
   */
  static create(blocks: BlockWithCid[]): TipSet {
    if (blocks.length === 0) throw new Error('NewTipSet called with zero length array of blocks');
    const sorted = [...blocks].sort(compareBlocks);
    const first = sorted[0]!.header;
    const parents = tipSetKeyString(first.parents);
    for (const b of sorted.slice(1)) {
      if (b.header.height !== first.height) throw new Error(`cannot create tipset with mismatching heights`);
      if (tipSetKeyString(b.header.parents) !== parents) throw new Error('cannot create tipset with mismatching parents');
    }
    return new TipSet(sorted);
  }

  /** Build a tipset from raw header blocks. */
  static fromBlocks(blocks: { cid: CID; bytes: Uint8Array }[]): TipSet {
    return TipSet.create(blocks.map((b) => ({ cid: b.cid, header: decodeBlockHeader(b.bytes) })));
  }

  /** Parent TipSetKey (the first block's Parents). */
  get parents(): TipSetKey {
    return this.blocks[0]!.header.parents;
  }

  /** Parent state root shared by all blocks. */
  get parentState(): CID {
    return this.blocks[0]!.header.parentStateRoot;
  }

  /** CID of this tipset's key. */
  get keyCid(): CID {
    return (this._keyCid ??= tipSetKeyCid(this.key));
  }

  /** Comma-joined CIDs: a stable map key. */
  get keyString(): string {
    return (this._keyString ??= tipSetKeyString(this.key));
  }

  /** Minimum ticket block (the first in sort order). */
  get minTicketBlock(): BlockHeader {
    return this.blocks[0]!.header;
  }

  /** Whether `other` has the same key. */
  equals(other: TipSet | null | undefined): boolean {
    return !!other && other.keyString === this.keyString;
  }
}
