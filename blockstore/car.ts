/**
 * Reading CAR files: CARv1, zstd-compressed CARv1 (`.car.zst`) and Forest's
 * seekable zstd CAR (`.forest.car.zst`, whose index frames are zstd skippable
 * frames). Decompression by fzstd; CAR framing by @ipld/car. Every block's hash
 * is checked against its CID.
 */
import { open } from 'node:fs/promises';
import { Decompress } from 'fzstd';
import { CarIndexer } from '@ipld/car';
import { CID, verifyBlock } from '../chain/cid.js';
import type { Block } from './types.js';
import { MemoryBlockstore } from './memory.js';

/** A CAR file is malformed, truncated, or holds a block whose bytes do not match its CID. */
export class CarFormatError extends Error {
  constructor(
    readonly path: string,
    /** Byte offset in the (decompressed) CAR stream where the problem starts. */
    readonly offset: number,
    detail: string,
    readonly cid?: CID,
  ) {
    super(`${path}: ${detail} at byte offset ${offset}${cid ? ` (block ${cid.toString()})` : ''}`);
    this.name = 'CarFormatError';
  }
}

const ZSTD_MAGIC = 0xfd2fb528;

/** Read a whole file, decompressing zstd (detected by magic number, any frame layout). @throws CarFormatError */
export async function readMaybeZstd(path: string): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    await fh.read(head, 0, 4, 0);
    const magic = head.readUInt32LE(0);
    const isSkippable = (magic & 0xfffffff0) === 0x184d2a50;
    if (magic !== ZSTD_MAGIC && !isSkippable) return new Uint8Array(await fh.readFile());
    const chunks: Uint8Array[] = [];
    const d = new Decompress((c) => chunks.push(c));
    const buf = Buffer.alloc(1 << 20);
    let pos = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      const final = bytesRead < buf.length;
      try {
        d.push(new Uint8Array(buf.subarray(0, bytesRead)), final);
      } catch (e) {
        throw new CarFormatError(path, pos, `zstd: ${(e as Error).message}`);
      }
      pos += bytesRead;
      if (final) break;
    }
    return new Uint8Array(Buffer.concat(chunks));
  } finally {
    await fh.close();
  }
}

/** A CAR's roots and blocks. */
export interface CarContents {
  roots: CID[];
  blocks: MemoryBlockstore;
  /** Decompressed size, bytes. */
  bytes: number;
}

/**
 * Load a CAR (plain or zstd) into memory, verifying every block against its CID.
 * @throws CarFormatError naming the byte offset of a truncated or malformed
 *   section, or the CID of a block whose bytes do not hash to it.
 */
export async function loadCar(path: string): Promise<CarContents> {
  const bytes = await readMaybeZstd(path);
  let indexer: CarIndexer;
  try {
    indexer = await CarIndexer.fromBytes(bytes);
  } catch (e) {
    throw new CarFormatError(path, 0, `invalid CAR header: ${(e as Error).message}`);
  }
  const roots = await indexer.getRoots();
  const blocks: Block[] = [];
  let goodEnd = 0;
  try {
    for await (const idx of indexer) {
      const data = bytes.subarray(idx.blockOffset, idx.blockOffset + idx.blockLength);
      if (idx.blockOffset + idx.blockLength > bytes.length) throw new CarFormatError(path, idx.offset, 'truncated block', idx.cid);
      let ok: boolean;
      try {
        ok = verifyBlock(idx.cid, data);
      } catch (e) {
        throw new CarFormatError(path, idx.offset, (e as Error).message, idx.cid);
      }
      if (!ok) throw new CarFormatError(path, idx.offset, 'block bytes do not match their CID', idx.cid);
      blocks.push({ cid: idx.cid, bytes: data });
      goodEnd = idx.offset + idx.length;
    }
  } catch (e) {
    if (e instanceof CarFormatError) throw e;
    throw new CarFormatError(path, goodEnd, `truncated or malformed CAR section: ${(e as Error).message}`);
  }
  return { roots, blocks: new MemoryBlockstore(blocks), bytes: bytes.length };
}
