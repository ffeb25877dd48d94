/**
 * dag-cbor decoding whose CIDs are views of the block's bytes, not copies.
 *
 * `@ipld/dag-cbor`'s decode (cborg under its `decodeOptions`) copies every byte string
 * into an array of its own, and for every CID (tag 42) builds the CID's bytes again in a
 * new array (multiformats 14 `CID.create`), whose `.buffer` V8 then moves off the heap
 * (multiformats' `toArrayBufferBackedArray`). A Filecoin AMT node of message CIDs is
 * almost nothing but CIDs: in a SYNTHETIC 1 GB import's CPU profile those copies and
 * moves were 8.7 % of the indexing phase. Here every CID (its bytes, multihash and digest)
 * decoded from a block is a view of the block's bytes, or of one copy of them when they sit
 * in a buffer much larger than the block (a CAR read chunk): a decoded CID keeps alive no
 * more than a Node Buffer of its block would (8 KiB of the Buffer pool, or the block).
 * Other byte strings are copied, as dag-cbor does (cheaper for short ones).
 *
 * The result equals `dagCbor.decode` value for value (test/unit/cbor-decode.test.ts, every
 * block of the fixture CARs) and rejects what it rejects: the same cborg decoder and
 * strict options (canonical lengths, no indefinite lengths, no undefined, no duplicate map
 * keys); only the tag-42 byte-string token and the tag-42 decoder differ.
 * Format: DAG-CBOR spec (ipld.io/specs/codecs/dag-cbor/spec), CIDs as tag 42 over a 0x00
 * multibase prefix.
 */
import { Token, Tokenizer, tokensToObject, Type } from 'cborg';
import { decodeOptions as dagCborDecodeOptions } from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';

/** cborg's error prefix, so the errors read as the library's do. */
const ERR = 'CBOR decode error:';

/**
 * The CID at the start of `bytes` and the bytes after it, as `CID.decodeFirst` gives them,
 * but for a CIDv1 with the CID's bytes, multihash and digest as views into `bytes`, not new
 * arrays (see the module comment). A CIDv0 (and anything `inspectBytes` cannot size) goes
 * to `CID.decodeFirst`. The views keep `bytes`' buffer alive as long as the CID.
 * @throws Error for malformed or truncated CID bytes, as `CID.decodeFirst` does
 */
export function decodeFirstCid(bytes: Uint8Array): [CID, Uint8Array] {
  const s = CID.inspectBytes(bytes);
  if (s.version !== 1 || bytes.length < s.size) return CID.decodeFirst(bytes);
  const { buffer, byteOffset } = bytes;
  const view = (from: number, to: number): Uint8Array => new Uint8Array(buffer, byteOffset + from, to - from);
  const digest = new Digest.Digest(s.multihashCode, s.digestSize, view(s.size - s.digestSize, s.size), view(s.size - s.multihashSize, s.size));
  return [new CID(1, s.codec, digest, view(0, s.size)), bytes.subarray(s.size)];
}

/** Tag 42: a CID over a 0x00 prefix, as `@ipld/dag-cbor`'s decoder checks it. */
function cidFromTag(decode: () => unknown): CID {
  const bytes = decode() as Uint8Array;
  if (bytes[0] !== 0) throw new Error('Invalid CID for CBOR tag 42; expected leading 0x00');
  const [cid, rest] = decodeFirstCid(bytes.subarray(1));
  if (rest.length !== 0) throw new Error('Incorrect length');
  return cid;
}

/**
 * cborg's tokenizer, but the byte string under a tag 42 (a CID: 0xd8 0x2a, then 0x58 and a
 * length of 24–255) is a view into the data, not a copy. Every other token, and a tag-42
 * payload in another form, goes to cborg's own decoders: short byte strings are cheaper
 * copied (on V8's heap) than viewed.
 */
class ViewTokenizer extends Tokenizer {
  /** The data's buffer and offset: views are made with the constructor, not `subarray` (its species lookup costs more than the copy it saves). */
  private readonly buf: ArrayBufferLike;
  private readonly off: number;
  /** The previous token was tag 42. */
  private cid = false;

  constructor(data: Uint8Array, options: typeof OPTIONS) {
    super(data, options);
    this.buf = data.buffer;
    this.off = data.byteOffset;
  }

  override next(): Token {
    const data = this.data;
    const pos = this._pos;
    if (this.cid) {
      this.cid = false;
      if (data[pos] === 0x58 && data.length - pos >= 2) {
        const length = data[pos + 1]!;
        if (length < 24) throw new Error(`${ERR} integer encoded in more bytes than necessary (strict decode)`);
        if (data.length - pos < 2 + length) throw new Error(`${ERR} not enough data for type`);
        this._pos = pos + 2 + length;
        return new Token(Type.bytes, new Uint8Array(this.buf, this.off + pos + 2, length), 2 + length);
      }
    } else if (data[pos] === 0xd8 && data[pos + 1] === 42) {
      this.cid = true;
    }
    return super.next();
  }
}

/**
 * `@ipld/dag-cbor`'s strict decode options over cborg's defaults (as `cborg.decode` merges
 * them on every call; here once), with the view-building tag-42 decoder.
 */
const OPTIONS = {
  allowUndefined: true, // cborg's default; dag-cbor's options set every other one (and coerce undefined to null)
  ...dagCborDecodeOptions,
  tags: { ...dagCborDecodeOptions.tags, 42: cidFromTag },
};
/** cborg's end markers (`Symbol.for`, lib/decode.js). */
const DONE = Symbol.for('DONE');
const BREAK = Symbol.for('BREAK');

/**
 * `bytes` as a plain Uint8Array over a buffer at most Node's Buffer pool size (8 KiB) or
 * twice `bytes`' size: `bytes` itself when it already is (a Buffer from the pool, one of its
 * own), else a copy (from the pool, `Buffer.allocUnsafe`). Views of the result keep no more
 * alive than a Buffer of the block would; a view into a CAR read chunk or a large row
 * buffer is copied first.
 */
function boundedView(bytes: Uint8Array): Uint8Array {
  const buf = bytes.buffer;
  if (buf.byteLength <= Math.max(Buffer.poolSize, 2 * bytes.byteLength)) return new Uint8Array(buf, bytes.byteOffset, bytes.byteLength);
  const copy = Buffer.allocUnsafe(bytes.byteLength);
  copy.set(bytes);
  return new Uint8Array(copy.buffer, copy.byteOffset, copy.byteLength);
}

/**
 * Decode one dag-cbor block (strict: canonical integers and lengths, no undefined, no
 * indefinite lengths, no duplicate keys; trailing bytes are an error). CIDs in the result
 * are views of `bytes` or of one copy of it (module comment): they keep alive at most
 * Node's Buffer pool size (8 KiB) or twice the block.
 * @throws Error (cborg's "CBOR decode error: …", or a CID's) for bytes that are not dag-cbor
 */
export function decodeDagCbor<T = unknown>(bytes: Uint8Array): T {
  const data = boundedView(bytes);
  const tokens = new ViewTokenizer(data, OPTIONS);
  const value = tokensToObject(tokens, OPTIONS);
  // cborg.decode's checks, in its words
  if (value === DONE) throw new Error(`${ERR} did not find any content to decode`);
  if (value === BREAK) throw new Error(`${ERR} got unexpected break`);
  if (!tokens.done()) throw new Error(`${ERR} too many terminals, data makes no sense`);
  return value as T;
}
