/**
 * CIDs and multihashes as Filecoin uses them.
 *
 * Every Filecoin chain object is a CIDv1 with the dag-cbor codec (0x71) and a
 * blake2b-256 multihash (0xb220). State trees also hold raw (0x55) blocks, and
 * the pre-genesis "Filecoin genesis parent" block is dag-cbor with sha2-256.
 * Source: lotus chain/types/blockheader.go (`DefaultCidBuilder`).
 */
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { sha256 } from 'multiformats/hashes/sha2';
import { createBLAKE2b } from 'hash-wasm';
import * as dagCbor from '@ipld/dag-cbor';
import { decodeDagCbor } from './cbor-decode.js';

export { CID };
export { decodeFirstCid } from './cbor-decode.js';

/** Multicodec code of dag-cbor. */
export const DAG_CBOR = 0x71;
/** Multicodec code of raw bytes. */
export const RAW = 0x55;
/** Multihash code of blake2b-256. */
export const BLAKE2B_256 = 0xb220;
/** Multihash code of sha2-256. */
export const SHA2_256 = 0x12;
/** Multihash code of the identity hash. */
export const IDENTITY = 0x00;

/**
 * One blake2b-256 hasher (hash-wasm's WebAssembly BLAKE2b, about 10× @noble/hashes'
 * pure-JS one on 700-byte headers: `npm run bench:verify`). Its init/update/digest
 * run synchronously, so one instance serves every caller of this thread.
 */
const BLAKE2B = await createBLAKE2b(256);

/** blake2b-256 of `bytes`, as a 32-byte digest. */
export function blake2b256(bytes: Uint8Array): Uint8Array {
  BLAKE2B.init();
  BLAKE2B.update(bytes);
  return BLAKE2B.digest('binary');
}

/** The Filecoin CID (v1, dag-cbor, blake2b-256) of a dag-cbor encoded block. */
export function cborCid(bytes: Uint8Array): CID {
  return CID.createV1(DAG_CBOR, Digest.create(BLAKE2B_256, blake2b256(bytes)));
}

/**
 * Verify that `bytes` hash to `cid`'s multihash.
 * Supports blake2b-256, sha2-256 and identity multihashes.
 * @returns false when the digest differs; throws for an unsupported hash function.
 */
export function verifyBlock(cid: CID, bytes: Uint8Array): boolean {
  const mh = cid.multihash;
  let digest: Uint8Array;
  switch (mh.code) {
    case BLAKE2B_256:
      digest = blake2b256(bytes);
      break;
    case SHA2_256: {
      const d = sha256.digest(bytes);
      if (d instanceof Promise) throw new Error('sha2-256 digest unexpectedly async');
      digest = d.digest;
      break;
    }
    case IDENTITY:
      digest = bytes;
      break;
    default:
      throw new Error(`unsupported multihash code 0x${mh.code.toString(16)} in ${cid.toString()}`);
  }
  return equalBytes(digest, mh.digest);
}

/** Byte-wise equality. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic byte comparison (Go's bytes.Compare): -1, 0 or 1. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Encode a value as dag-cbor (deterministic: the same bytes cbor-gen writes for tuples). */
export function encodeCbor(value: unknown): Uint8Array {
  return dagCbor.encode(value);
}

/**
 * Decode dag-cbor bytes (strict: canonical integers, no undefined); CIDs are views of
 * `bytes`, or of a copy when `bytes` sits in a much larger buffer (chain/cbor-decode.ts).
 * @throws Error for bytes that are not dag-cbor
 */
export function decodeCbor<T = unknown>(bytes: Uint8Array): T {
  return decodeDagCbor<T>(bytes);
}

/**
 * Every CID linked from a dag-cbor block, in encounter order (depth-first through
 * arrays and maps). Raw blocks have no links.
 */
export function linksOf(cid: CID, bytes: Uint8Array): CID[] {
  if (cid.code !== DAG_CBOR) return [];
  const out: CID[] = [];
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    const asCid = CID.asCID(v);
    if (asCid) {
      out.push(asCid);
      return;
    }
    if (v instanceof Uint8Array) return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    for (const x of Object.values(v as Record<string, unknown>)) walk(x);
  };
  walk(decodeCbor(bytes));
  return out;
}
