/**
 * Reading AMTs (Array Mapped Tries), both formats found on chain:
 *  - v0 (go-amt-ipld v0/v2, specs-actors v0–v2, and still Lotus's TxMeta message
 *    AMTs and receipts AMT): root `[height, count, node]`, bit width 3 (8 slots);
 *  - v3+ (go-amt-ipld v3/v4, actors v3+, events AMTs): root
 *    `[bitWidth, height, count, node]`.
 * Node: `[bmap, links[], values[]]`; bit i of bmap (byte i/8, bit i%8) marks slot i.
 * Leaves (height 0) hold values; inner nodes hold links, each covering
 * width^height indices.
 */
import { CID, cborCid, decodeCbor, encodeCbor } from './cid.js';
import { DecodeError } from './types.js';

/** Reads a block by CID; resolves null when the block is absent. */
export type BlockGetter = (cid: CID) => Promise<Uint8Array | null>;

/** A block an AMT or HAMT walk needed is not in the store. */
export class MissingBlockError extends Error {
  constructor(readonly cid: CID, context: string) {
    super(`ipld: could not find ${cid.toString()} (${context})`);
    this.name = 'MissingBlockError';
  }
}

interface AmtRoot {
  bitWidth: number;
  height: number;
  count: number;
  node: unknown;
}

function parseRoot(v: unknown): AmtRoot {
  if (!Array.isArray(v)) throw new DecodeError('AMT root', 'expected an array');
  let r: AmtRoot;
  if (v.length === 3) r = { bitWidth: 3, height: Number(v[0]), count: Number(v[1]), node: v[2] };
  else if (v.length === 4) r = { bitWidth: Number(v[0]), height: Number(v[1]), count: Number(v[2]), node: v[3] };
  else throw new DecodeError('AMT root', `expected 3 or 4 fields, got ${v.length}`);
  // go-amt-ipld bounds: bit width 1..18, and a height whose index space fits in uint64
  if (!Number.isInteger(r.bitWidth) || r.bitWidth < 1 || r.bitWidth > 18) throw new DecodeError('AMT root', `invalid bit width ${r.bitWidth}`);
  if (!Number.isInteger(r.height) || r.height < 0 || r.bitWidth * (r.height + 1) > 64) throw new DecodeError('AMT root', `invalid height ${r.height}`);
  return r;
}

function parseNode(v: unknown): { bmap: Uint8Array; links: CID[]; values: unknown[] } {
  if (!Array.isArray(v) || v.length !== 3 || !(v[0] instanceof Uint8Array) || !Array.isArray(v[1]) || !Array.isArray(v[2])) {
    throw new DecodeError('AMT node', 'expected [bmap, links, values]');
  }
  return { bmap: v[0], links: v[1].map((l) => CID.asCID(l) ?? fail()), values: v[2] };
  function fail(): never {
    throw new DecodeError('AMT node', 'link is not a CID');
  }
}

/** AMT nodes of one level read at the same time. */
const AMT_FETCH_CONCURRENCY = 64;

/**
 * Every (index, value) of the AMT rooted at `root`, in index order.
 * Values are the CBOR-decoded entries (a CID for message AMTs).
 * @throws MissingBlockError when a node is absent; DecodeError on malformed nodes.
 */
export async function amtEntries(get: BlockGetter, root: CID): Promise<Array<[number, unknown]>> {
  if (root.code !== 0x71) throw new DecodeError('AMT root', `not a dag-cbor block (codec 0x${root.code.toString(16)})`);
  const rootBytes = await get(root);
  if (!rootBytes) throw new MissingBlockError(root, 'AMT root');
  const r = parseRoot(decodeCbor(rootBytes));
  const width = 1 << r.bitWidth;
  const out: Array<[number, unknown]> = [];
  // level by level, in index order: a level's nodes are fetched AMT_FETCH_CONCURRENCY at a
  // time (a batching blockstore turns each group into one store query), not one after another
  let level: Array<{ node: unknown; offset: number }> = [{ node: r.node, offset: 0 }];
  for (let height = r.height; ; height--) {
    const span = width ** height;
    const links: Array<{ link: CID; offset: number }> = [];
    for (const { node, offset } of level) {
      const n = parseNode(node);
      let li = 0;
      let vi = 0;
      for (let i = 0; i < width; i++) {
        if ((((n.bmap[i >> 3] ?? 0) >> (i & 7)) & 1) === 0) continue;
        if (height === 0) {
          out.push([offset + i, n.values[vi++]]);
        } else {
          const link = n.links[li++];
          if (!link) throw new DecodeError('AMT node', 'bitmap names more links than present');
          links.push({ link, offset: offset + i * span });
        }
      }
    }
    if (height === 0) break;
    level = [];
    for (let i = 0; i < links.length; i += AMT_FETCH_CONCURRENCY) {
      const group = links.slice(i, i + AMT_FETCH_CONCURRENCY);
      const bytes = await Promise.all(group.map((l) => get(l.link)));
      group.forEach((l, j) => {
        const b = bytes[j];
        if (!b) throw new MissingBlockError(l.link, 'AMT node');
        level.push({ node: decodeCbor(b), offset: l.offset });
      });
    }
  }
  if (out.length !== r.count) throw new DecodeError('AMT', `root says ${r.count} entries, found ${out.length}`);
  return out;
}

/**
 * The value at `index` of the AMT rooted at `root` (go-amt-ipld Get), reading one
 * node per level.
 * @returns the CBOR-decoded value, or undefined when the index is not set.
 * @throws MissingBlockError when a node is absent; DecodeError on malformed nodes.
 */
export async function amtGet(get: BlockGetter, root: CID, index: number): Promise<unknown> {
  if (!Number.isSafeInteger(index) || index < 0) return undefined;
  const rootBytes = await get(root);
  if (!rootBytes) throw new MissingBlockError(root, 'AMT root');
  const r = parseRoot(decodeCbor(rootBytes));
  const width = 1 << r.bitWidth;
  if (index >= width ** (r.height + 1)) return undefined;
  let node = parseNode(r.node);
  for (let h = r.height; ; h--) {
    const span = width ** h;
    const slot = Math.floor(index / span);
    index -= slot * span;
    if ((((node.bmap[slot >> 3] ?? 0) >> (slot & 7)) & 1) === 0) return undefined;
    // position among the set slots below this one
    let pos = 0;
    for (let i = 0; i < slot; i++) if ((((node.bmap[i >> 3] ?? 0) >> (i & 7)) & 1) === 1) pos++;
    if (h === 0) return node.values[pos];
    const link = node.links[pos];
    if (!link) throw new DecodeError('AMT node', 'bitmap names more links than present');
    const b = await get(link);
    if (!b) throw new MissingBlockError(link, 'AMT node');
    node = parseNode(decodeCbor(b));
  }
}

/** The number of entries an AMT's root records (go-amt-ipld `Len`). @throws MissingBlockError, DecodeError */
export async function amtLength(get: BlockGetter, root: CID): Promise<number> {
  const rootBytes = await get(root);
  if (!rootBytes) throw new MissingBlockError(root, 'AMT root');
  return parseRoot(decodeCbor(rootBytes)).count;
}

/** The values of an AMT in index order. */
export async function amtValues(get: BlockGetter, root: CID): Promise<unknown[]> {
  return (await amtEntries(get, root)).map(([, v]) => v);
}

/** The CIDs held by an AMT of CIDs (TxMeta message lists). @throws DecodeError on a non-CID value. */
export async function amtCids(get: BlockGetter, root: CID): Promise<CID[]> {
  return (await amtValues(get, root)).map((v) => CID.asCID(v) ?? (() => { throw new DecodeError('AMT value', 'expected a CID'); })());
}

/** Encoded AMT blocks and their root. */
export interface BuiltAmt {
  root: CID;
  blocks: Array<{ cid: CID; bytes: Uint8Array }>;
}

/**
 * Build a dense AMT holding `values` at indices 0…n-1, in the v0 format
 * (`legacy`, bit width 3: TxMeta message lists and receipts) or the v3+ format
 * (events use bit width 5), with the same node layout go-amt-ipld writes.
 * Used to write fork blocks and synthetic receipts/events with real encodings.
 */
export function buildAmt(values: unknown[], opts: { bitWidth: number; legacy: boolean }): BuiltAmt {
  if (opts.legacy && opts.bitWidth !== 3) throw new Error('the v0 AMT format has bit width 3');
  const width = 1 << opts.bitWidth;
  const n = values.length;
  let height = 0;
  while (width ** (height + 1) < n) height++;
  const blocks: BuiltAmt['blocks'] = [];
  const node = (h: number, offset: number): unknown[] => {
    const bmap = new Uint8Array(Math.max(1, width >> 3));
    const links: CID[] = [];
    const vals: unknown[] = [];
    const span = width ** h;
    for (let i = 0; i < width; i++) {
      const start = offset + i * span;
      if (start >= n) break;
      bmap[i >> 3]! |= 1 << (i & 7);
      if (h === 0) vals.push(values[start]);
      else {
        const bytes = encodeCbor(node(h - 1, start));
        const cid = cborCid(bytes);
        blocks.push({ cid, bytes });
        links.push(cid);
      }
    }
    return [bmap, links, vals];
  };
  const rootNode = node(height, 0);
  const rootBytes = encodeCbor(opts.legacy ? [height, n, rootNode] : [opts.bitWidth, height, n, rootNode]);
  const root = cborCid(rootBytes);
  blocks.push({ cid: root, bytes: rootBytes });
  return { root, blocks };
}
