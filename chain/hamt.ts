/**
 * Reading HAMTs (hash array mapped tries), both formats found on chain:
 *  - v0 (go-hamt-ipld v0.1, specs-actors v0–v2): node `[bitfield, pointers[]]`,
 *    pointer = `{"0": CID}` (link) or `{"1": [[key, value]…]}` (bucket);
 *  - v3 (go-hamt-ipld v3, actors v3+): pointer = CID or `[[key, value]…]`.
 * The bitfield is a big-endian big integer; keys are hashed with sha2-256 and
 * consumed `bitWidth` bits at a time, most significant first. Actor HAMTs use
 * bit width 5.
 */
import { createHash } from 'node:crypto';
import { CID, cborCid, compareBytes, decodeCbor, encodeCbor } from './cid.js';
import { DecodeError } from './types.js';
import { type BlockGetter, MissingBlockError } from './amt.js';

/** Bit width of the state tree's actors HAMT and most actor HAMTs. */
export const DEFAULT_HAMT_BIT_WIDTH = 5;

type Pointer = { link: CID } | { kvs: Array<[Uint8Array, unknown]> };

function parsePointer(p: unknown): Pointer {
  const asCid = CID.asCID(p);
  if (asCid) return { link: asCid };
  if (Array.isArray(p)) return { kvs: p as Array<[Uint8Array, unknown]> };
  if (p && typeof p === 'object') {
    const o = p as Record<string, unknown>;
    if ('0' in o) {
      const l = CID.asCID(o['0']);
      if (!l) throw new DecodeError('HAMT pointer', 'link is not a CID');
      return { link: l };
    }
    if ('1' in o && Array.isArray(o['1'])) return { kvs: o['1'] as Array<[Uint8Array, unknown]> };
  }
  throw new DecodeError('HAMT pointer', 'unknown pointer form');
}

function parseNode(v: unknown): { bitfield: Uint8Array; pointers: unknown[] } {
  if (!Array.isArray(v) || v.length !== 2 || !(v[0] instanceof Uint8Array) || !Array.isArray(v[1])) {
    throw new DecodeError('HAMT node', 'expected [bitfield, pointers]');
  }
  return { bitfield: v[0], pointers: v[1] };
}

/** Whether slot `idx` is set in a node's big-endian bitfield (HAMT and KAMT). */
export function bitSet(bitfield: Uint8Array, idx: number): boolean {
  const byteFromEnd = idx >> 3;
  const i = bitfield.length - 1 - byteFromEnd;
  if (i < 0) return false;
  return ((bitfield[i]! >> (idx & 7)) & 1) === 1;
}

/** Number of set bits below `idx`: the pointer's position in the node (HAMT and KAMT). */
export function rank(bitfield: Uint8Array, idx: number): number {
  let n = 0;
  for (let j = 0; j < idx; j++) if (bitSet(bitfield, j)) n++;
  return n;
}

function hashBits(hash: Uint8Array, depth: number, bitWidth: number): number {
  let v = 0;
  const start = depth * bitWidth;
  for (let b = 0; b < bitWidth; b++) {
    const bit = start + b;
    const byte = hash[bit >> 3];
    if (byte === undefined) throw new DecodeError('HAMT', 'maximum depth exceeded');
    v = (v << 1) | ((byte >> (7 - (bit & 7))) & 1);
  }
  return v;
}

/**
 * Look `key` up in the HAMT rooted at `root`.
 * @returns the CBOR-decoded value, or undefined when absent.
 * @throws MissingBlockError when a node is absent; DecodeError on malformed nodes.
 */
export async function hamtGet(get: BlockGetter, root: CID, key: Uint8Array, bitWidth = DEFAULT_HAMT_BIT_WIDTH): Promise<unknown> {
  const hash = new Uint8Array(createHash('sha256').update(key).digest());
  let nodeCid = root;
  for (let depth = 0; ; depth++) {
    const b = await get(nodeCid);
    if (!b) throw new MissingBlockError(nodeCid, 'HAMT node');
    const n = parseNode(decodeCbor(b));
    const idx = hashBits(hash, depth, bitWidth);
    if (!bitSet(n.bitfield, idx)) return undefined;
    const p = parsePointer(n.pointers[rank(n.bitfield, idx)]);
    if ('link' in p) {
      nodeCid = p.link;
      continue;
    }
    for (const [k, v] of p.kvs) if (compareBytes(k, key) === 0) return v;
    return undefined;
  }
}

/** A HAMT enumeration went past its limit. */
export class HamtTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} entries`);
    this.name = 'HamtTooLargeError';
  }
}

/**
 * Every (key, value) in the HAMT, depth first in pointer order. Cost is linear in
 * the HAMT's size: for enumeration (StateListActors, reverse lookups) only.
 * @param limit stop with HamtTooLargeError past this many entries
 * @throws MissingBlockError when a node is absent.
 */
export async function hamtEntries(get: BlockGetter, root: CID, limit = Infinity): Promise<Array<[Uint8Array, unknown]>> {
  const out: Array<[Uint8Array, unknown]> = [];
  const walk = async (c: CID): Promise<void> => {
    if (out.length > limit) throw new HamtTooLargeError(limit);
    const b = await get(c);
    if (!b) throw new MissingBlockError(c, 'HAMT node');
    for (const raw of parseNode(decodeCbor(b)).pointers) {
      const p = parsePointer(raw);
      if ('link' in p) await walk(p.link);
      else for (const kv of p.kvs) out.push([kv[0], kv[1]]);
    }
  };
  await walk(root);
  return out;
}

/** Keys per bucket before a slot becomes a child node (go-hamt-ipld v3 `bucketSize`). */
export const HAMT_BUCKET_SIZE = 3;

/** Encoded HAMT blocks and their root. */
export interface BuiltHamt {
  root: CID;
  blocks: Array<{ cid: CID; bytes: Uint8Array }>;
}

/** Minimal big-endian bytes of a bitmap of set slots (go `big.Int.Bytes()`: empty for 0); HAMT and KAMT nodes share it. */
export function bitfieldBytes(slots: number[]): Uint8Array {
  let v = 0n;
  for (const s of slots) v |= 1n << BigInt(s);
  if (v === 0n) return new Uint8Array(0);
  const hex = v.toString(16);
  return Uint8Array.from(Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex'));
}

/**
 * Build the v3 HAMT (go-hamt-ipld v3, actors v3+: state trees v2+, init address
 * maps) holding `entries`: keys hashed with sha2-256, `bitWidth` bits per level
 * most significant first, buckets of up to 3 pairs sorted by key bytes, a slot
 * with more keys becomes a child node. Without deletions the layout depends only
 * on the set of entries, so this is the node layout go-hamt-ipld writes for them.
 * Values are CBOR-encoded as given (CIDs become links).
 * @throws Error on a duplicate key.
 */
export function buildHamt(entries: Array<[Uint8Array, unknown]>, bitWidth = DEFAULT_HAMT_BIT_WIDTH): BuiltHamt {
  const blocks: BuiltHamt['blocks'] = [];
  const hashed = entries.map(([k, v]) => ({ k, v, h: new Uint8Array(createHash('sha256').update(k).digest()) }));
  const node = (items: typeof hashed, depth: number): unknown[] => {
    const bySlot = new Map<number, typeof hashed>();
    for (const it of items) {
      const s = hashBits(it.h, depth, bitWidth);
      const list = bySlot.get(s);
      if (list) list.push(it);
      else bySlot.set(s, [it]);
    }
    const slots = [...bySlot.keys()].sort((a, b) => a - b);
    const pointers = slots.map((s) => {
      const list = bySlot.get(s)!;
      if (list.length <= HAMT_BUCKET_SIZE) {
        list.sort((a, b) => compareBytes(a.k, b.k));
        for (let i = 1; i < list.length; i++) if (compareBytes(list[i - 1]!.k, list[i]!.k) === 0) throw new Error('buildHamt: duplicate key');
        return list.map((it) => [it.k, it.v]);
      }
      const bytes = encodeCbor(node(list, depth + 1));
      const cid = cborCid(bytes);
      blocks.push({ cid, bytes });
      return cid;
    });
    return [bitfieldBytes(slots), pointers];
  };
  const rootBytes = encodeCbor(node(hashed, 0));
  const root = cborCid(rootBytes);
  blocks.push({ cid: root, bytes: rootBytes });
  return { root, blocks };
}
