/**
 * Reading CAR files, streamed: constant memory, every block's hash checked
 * against its CID, and errors that name the byte offset (and CID) where the file
 * goes wrong. Input may be plain or zstd-compressed (any frame layout, including
 * Forest's seekable `.forest.car.zst`, whose index lives in skippable frames).
 *
 * CARv1 framing (ipld/car spec): varint(header length) + dag-cbor header
 * `{version: 1, roots: [CID…]}`, then sections varint(length) + CID + block bytes.
 * @ipld/car's iterators do not report offsets, which the error messages need, so
 * the framing is read here; the header is decoded with @ipld/dag-cbor.
 * `readCarStream` serves imports; `loadCar` collects a (small) CAR in memory for
 * replays and tests, through the same reader.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Decompress } from 'fzstd';
import { CID, decodeCbor, decodeFirstCid, verifyBlock } from '../chain/cid.js';
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


/** Progress of a streaming read. */
export interface CarStreamProgress {
  /** Blocks read so far. */
  blocks: number;
  /** Decompressed CAR bytes read so far. */
  carBytes: number;
  /** File bytes read so far (compressed bytes for .zst). */
  fileBytes: number;
  /** Size of the file, bytes. */
  fileSize: number;
}

/** An async byte source with exact reads and an offset. */
class ByteReader {
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  /** Offset in the decompressed stream of `buf[pos]`. */
  offset = 0;
  private done = false;

  constructor(private readonly next: () => Promise<Uint8Array | null>) {}

  private async fill(n: number): Promise<boolean> {
    while (this.buf.length - this.pos < n) {
      if (this.done) return false;
      const chunk = await this.next();
      if (!chunk) {
        this.done = true;
        return this.buf.length - this.pos >= n;
      }
      const rest = this.buf.subarray(this.pos);
      const merged = new Uint8Array(rest.length + chunk.length);
      merged.set(rest);
      merged.set(chunk, rest.length);
      this.buf = merged;
      this.pos = 0;
    }
    return true;
  }

  /** Whether the stream has ended exactly here. */
  async atEnd(): Promise<boolean> {
    return !(await this.fill(1));
  }

  /** Read an unsigned varint; null at a clean end of stream. */
  async varint(): Promise<number | null> {
    let v = 0;
    let shift = 0;
    for (let i = 0; ; i++) {
      if (!(await this.fill(1))) {
        if (i === 0) return null;
        throw new Error('truncated varint');
      }
      const b = this.buf[this.pos++]!;
      this.offset++;
      v += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return v;
      shift += 7;
      if (shift > 49) throw new Error('varint too long');
    }
  }

  /** Read exactly `n` bytes (a copy). @throws Error when the stream ends first */
  async bytes(n: number): Promise<Uint8Array> {
    if (!(await this.fill(n))) throw new Error(`truncated: needed ${n} bytes, stream ended after ${this.buf.length - this.pos}`);
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    this.offset += n;
    return out;
  }
}

/** Largest section we accept (Filecoin blocks are far smaller; guards against garbage lengths). */
const MAX_SECTION = 16 << 20;

/**
 * Read a CAR file as a stream of verified blocks.
 * @param onHeader receives the roots before the first block.
 * @throws CarFormatError naming the offset (and CID) of a malformed, truncated or corrupt section.
 */
export async function* readCarStream(path: string, onHeader: (roots: CID[]) => void, progress?: CarStreamProgress): AsyncGenerator<Block> {
  const fileSize = (await stat(path)).size;
  const p: CarStreamProgress = progress ?? { blocks: 0, carBytes: 0, fileBytes: 0, fileSize };
  p.fileSize = fileSize;
  const file = createReadStream(path, { highWaterMark: 1 << 20 });
  const it = file[Symbol.asyncIterator]();
  let zstd: Decompress | null = null;
  let first = true;
  const out: Uint8Array[] = [];
  const next = async (): Promise<Uint8Array | null> => {
    for (;;) {
      if (out.length > 0) return out.shift()!;
      const r = await it.next();
      if (r.done) {
        if (zstd) {
          try {
            zstd.push(new Uint8Array(0), true);
          } catch (e) {
            throw new CarFormatError(path, p.fileBytes, `zstd: ${(e as Error).message}`);
          }
          zstd = null;
          continue;
        }
        return null;
      }
      const chunk = new Uint8Array(r.value as Buffer);
      if (first) {
        first = false;
        const magic = chunk.length >= 4 ? Buffer.from(chunk).readUInt32LE(0) : 0;
        if (magic === 0xfd2fb528 || (magic & 0xfffffff0) === 0x184d2a50) zstd = new Decompress((c) => out.push(c));
      }
      p.fileBytes += chunk.length;
      if (zstd) {
        try {
          zstd.push(chunk);
        } catch (e) {
          throw new CarFormatError(path, p.fileBytes, `zstd: ${(e as Error).message}`);
        }
      } else return chunk;
    }
  };
  const r = new ByteReader(next);
  try {
    let headerLen: number | null;
    let header: unknown;
    try {
      headerLen = await r.varint();
      if (headerLen === null || headerLen === 0 || headerLen > MAX_SECTION) throw new Error('missing or oversized header');
      header = decodeCbor(await r.bytes(headerLen));
    } catch (e) {
      if (e instanceof CarFormatError) throw e;
      throw new CarFormatError(path, 0, `invalid CAR header: ${(e as Error).message}`);
    }
    const h = header as { version?: unknown; roots?: unknown[] };
    if (h.version !== 1 || !Array.isArray(h.roots)) throw new CarFormatError(path, 0, `invalid CAR header: expected {version: 1, roots}, got version ${String(h.version)}`);
    onHeader(h.roots.map((c) => CID.asCID(c) ?? (() => { throw new CarFormatError(path, 0, 'invalid CAR header: a root is not a CID'); })()));
    for (;;) {
      const start = r.offset;
      let len: number | null;
      try {
        len = await r.varint();
      } catch (e) {
        throw new CarFormatError(path, start, `truncated section length: ${(e as Error).message}`);
      }
      if (len === null) break;
      if (len === 0 || len > MAX_SECTION) throw new CarFormatError(path, start, `invalid section length ${len}`);
      let section: Uint8Array;
      try {
        section = await r.bytes(len);
      } catch (e) {
        throw new CarFormatError(path, start, `truncated section: ${(e as Error).message}`);
      }
      let cid: CID;
      let bytes: Uint8Array;
      try {
        [cid, bytes] = decodeFirstCid(section);
      } catch (e) {
        throw new CarFormatError(path, start, `invalid CID: ${(e as Error).message}`);
      }
      let ok: boolean;
      try {
        ok = verifyBlock(cid, bytes);
      } catch (e) {
        throw new CarFormatError(path, start, (e as Error).message, cid);
      }
      if (!ok) throw new CarFormatError(path, start, 'block bytes do not match their CID', cid);
      p.blocks++;
      p.carBytes = r.offset;
      yield { cid, bytes };
    }
  } finally {
    file.destroy();
  }
}

/** A CAR's roots and blocks, in memory. */
export interface CarContents {
  roots: CID[];
  blocks: MemoryBlockstore;
}

/**
 * Load a whole CAR (plain or zstd) into memory, every block verified.
 * @throws CarFormatError naming the offset (and CID) of a malformed, truncated or corrupt section.
 */
export async function loadCar(path: string): Promise<CarContents> {
  let roots: CID[] = [];
  const blocks: Block[] = [];
  for await (const b of readCarStream(path, (r) => (roots = r))) blocks.push(b);
  return { roots, blocks: new MemoryBlockstore(blocks) };
}
