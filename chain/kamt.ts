/**
 * KAMTs (fvm_ipld_kamt): the EVM actor's contract storage. Keys are fixed-size
 * (32-byte big-endian U256 storage slots) and are not hashed: their bits are read
 * most significant first, `bitWidth` bits per level (the last level takes what is
 * left). A node is `[bitfield, pointers]` like a HAMT's, but a pointer is a
 * one-entry map: `{"v": [[key, value]…]}` (a bucket) or `{"l": [cid, extLen, extPath]}`
 * (a child, reached after skipping `extLen` key bits that every key below shares,
 * packed most significant first in `extPath`). Keys and values are CBOR byte
 * strings without leading zero bytes; a zero value is deleted, never stored.
 *
 * Source: ref-fvm ipld/kamt (node.rs, pointer.rs, ext.rs, hash_bits.rs,
 * bitfield.rs); the EVM's config, bit width 5, min data depth 0, one pair per
 * bucket: builtin-actors actors/evm/src/interpreter/system.rs.
 */
import { CID, cborCid, compareBytes, decodeCbor, encodeCbor } from './cid.js';
import { DecodeError } from './types.js';
import { type BlockGetter, MissingBlockError } from './amt.js';
import { bitSet, bitfieldBytes, rank } from './hamt.js';

/** A KAMT's shape parameters (fvm_ipld_kamt Config). */
export interface KamtConfig {
  bitWidth: number;
  /** Pairs per bucket before a slot becomes a child node. */
  maxArrayWidth: number;
}

/** The EVM contract storage config. */
export const EVM_STORAGE_KAMT: KamtConfig = { bitWidth: 5, maxArrayWidth: 1 };

/** Key length in bytes (U256). */
export const KAMT_KEY_BYTES = 32;

/** Big-endian bytes without leading zeros (the U256 CBOR form). */
export function stripLeadingZeros(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  return b.subarray(i);
}

/** Left-pad to 32 bytes. @throws Error when longer. */
export function padWord(b: Uint8Array): Uint8Array {
  if (b.length > KAMT_KEY_BYTES) throw new Error(`value of ${b.length} bytes is longer than 32`);
  const out = new Uint8Array(KAMT_KEY_BYTES);
  out.set(b, KAMT_KEY_BYTES - b.length);
  return out;
}

const KEY_BITS = KAMT_KEY_BYTES * 8;

/** `n` bits of `bytes` from bit `at` (MSB first), as a number (n ≤ 8·4). */
function bitsAt(bytes: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) {
    const bit = at + i;
    v = v * 2 + ((bytes[bit >> 3]! >> (7 - (bit & 7))) & 1);
  }
  return v;
}

type Pointer = { kvs: Array<[Uint8Array, Uint8Array]> } | { link: CID; extLen: number; extPath: Uint8Array };

function parsePointer(p: unknown): Pointer {
  if (p && typeof p === 'object' && !Array.isArray(p)) {
    const o = p as Record<string, unknown>;
    if (Array.isArray(o.v) && Object.keys(o).length === 1) return { kvs: o.v as Array<[Uint8Array, Uint8Array]> };
    if (Array.isArray(o.l) && Object.keys(o).length === 1 && o.l.length === 3) {
      const link = CID.asCID(o.l[0]);
      if (!link || typeof o.l[1] !== 'number' || !(o.l[2] instanceof Uint8Array)) throw new DecodeError('KAMT pointer', 'malformed link');
      return { link, extLen: o.l[1], extPath: o.l[2] };
    }
  }
  throw new DecodeError('KAMT pointer', 'expected {"v": [...]} or {"l": [cid, len, path]}');
}

function parseNode(v: unknown): { bitfield: Uint8Array; pointers: unknown[] } {
  if (!Array.isArray(v) || v.length !== 2 || !(v[0] instanceof Uint8Array) || !Array.isArray(v[1])) throw new DecodeError('KAMT node', 'expected [bitfield, pointers]');
  return { bitfield: v[0], pointers: v[1] };
}

/**
 * Look a 32-byte key up.
 * @returns the stored value bytes (no leading zeros), or null when absent (a zero slot).
 * @throws MissingBlockError when a node is not stored; DecodeError on a malformed node.
 */
export async function kamtGet(get: BlockGetter, root: CID, key: Uint8Array, cfg: KamtConfig = EVM_STORAGE_KAMT): Promise<Uint8Array | null> {
  if (key.length !== KAMT_KEY_BYTES) throw new Error(`KAMT key must be ${KAMT_KEY_BYTES} bytes`);
  const want = stripLeadingZeros(key);
  let consumed = 0;
  let nodeCid = root;
  for (;;) {
    const b = await get(nodeCid);
    if (!b) throw new MissingBlockError(nodeCid, 'KAMT node');
    const n = parseNode(decodeCbor(b));
    if (consumed >= KEY_BITS) throw new DecodeError('KAMT', 'maximum depth exceeded');
    const take = Math.min(cfg.bitWidth, KEY_BITS - consumed);
    const idx = bitsAt(key, consumed, take);
    consumed += take;
    if (!bitSet(n.bitfield, idx)) return null;
    const p = parsePointer(n.pointers[rank(n.bitfield, idx)]);
    if ('kvs' in p) {
      for (const [k, v] of p.kvs) if (compareBytes(k, want) === 0) return v;
      return null;
    }
    if (p.extLen > 0) {
      if (consumed + p.extLen > KEY_BITS) return null;
      for (let i = 0; i < p.extLen; i++) if (bitsAt(key, consumed + i, 1) !== bitsAt(p.extPath, i, 1)) return null;
      consumed += p.extLen;
    }
    nodeCid = p.link;
  }
}

/** Every (32-byte key, value) pair, in key order. @throws MissingBlockError */
export async function kamtEntries(get: BlockGetter, root: CID): Promise<Array<[Uint8Array, Uint8Array]>> {
  const out: Array<[Uint8Array, Uint8Array]> = [];
  const walk = async (c: CID): Promise<void> => {
    const b = await get(c);
    if (!b) throw new MissingBlockError(c, 'KAMT node');
    for (const raw of parseNode(decodeCbor(b)).pointers) {
      const p = parsePointer(raw);
      if ('kvs' in p) for (const [k, v] of p.kvs) out.push([padWord(k), v]);
      else await walk(p.link);
    }
  };
  await walk(root);
  return out;
}

/** Encoded KAMT blocks and their root. */
export interface BuiltKamt {
  root: CID;
  blocks: Array<{ cid: CID; bytes: Uint8Array }>;
}

/** Bits [from, from+len) of `key`, packed MSB first (ext.rs ExtensionBuilder). */
function extensionPath(key: Uint8Array, from: number, len: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(len / 8));
  for (let i = 0; i < len; i++) if (bitsAt(key, from + i, 1)) out[i >> 3]! |= 0x80 >> (i & 7);
  return out;
}

/**
 * Build the KAMT holding `entries` (32-byte keys → value bytes; zero values are
 * left out, as the EVM deletes them). The layout depends only on the set: a slot
 * with more keys than a bucket holds becomes a child whose extension is the
 * longest run of whole `bitWidth`-bit chunks all its keys share (ext.rs
 * longest_common_prefix), which is what inserting them one by one produces.
 * @throws Error on a duplicate or malformed key.
 */
export function buildKamt(entries: Array<[Uint8Array, Uint8Array]>, cfg: KamtConfig = EVM_STORAGE_KAMT): BuiltKamt {
  const blocks: BuiltKamt['blocks'] = [];
  const items = entries
    .map(([k, v]) => {
      if (k.length !== KAMT_KEY_BYTES) throw new Error(`KAMT key must be ${KAMT_KEY_BYTES} bytes`);
      return { k, v: stripLeadingZeros(v) };
    })
    .filter((x) => x.v.length > 0)
    .sort((a, b) => compareBytes(a.k, b.k));
  for (let i = 1; i < items.length; i++) if (compareBytes(items[i - 1]!.k, items[i]!.k) === 0) throw new Error('buildKamt: duplicate key');
  const node = (list: typeof items, consumed: number): unknown[] => {
    const take = Math.min(cfg.bitWidth, KEY_BITS - consumed);
    const bySlot = new Map<number, typeof items>();
    for (const it of list) {
      const s = bitsAt(it.k, consumed, take);
      const l = bySlot.get(s);
      if (l) l.push(it);
      else bySlot.set(s, [it]);
    }
    const slots = [...bySlot.keys()].sort((a, b) => a - b);
    const pointers = slots.map((s) => {
      const group = bySlot.get(s)!;
      if (group.length <= cfg.maxArrayWidth) return { v: group.map((it) => [stripLeadingZeros(it.k), it.v]) };
      // the shared run of whole chunks after this level's bits
      const start = consumed + take;
      let ext = 0;
      for (;;) {
        const at = start + ext;
        if (at + cfg.bitWidth > KEY_BITS) break;
        const first = bitsAt(group[0]!.k, at, cfg.bitWidth);
        if (!group.every((it) => bitsAt(it.k, at, cfg.bitWidth) === first)) break;
        ext += cfg.bitWidth;
      }
      const bytes = encodeCbor(node(group, start + ext));
      const cid = cborCid(bytes);
      blocks.push({ cid, bytes });
      return { l: [cid, ext, extensionPath(group[0]!.k, start, ext)] };
    });
    return [bitfieldBytes(slots), pointers];
  };
  const rootBytes = encodeCbor(node(items, 0));
  const root = cborCid(rootBytes);
  blocks.push({ cid: root, bytes: rootBytes });
  return { root, blocks };
}
