/**
 * HAMT keys of actor state maps (go-state-types `abi/key.go`, builtin-actors
 * `MapKey`): `abi.UIntKey` / `IdAddrKey` / allocation and claim IDs are unsigned
 * LEB128 varints; `TxnID.Key()` (multisig pending transactions) is Go's
 * `binary.PutVarint`, a zigzag signed varint; `abi.AddrKey` is the address bytes.
 */
import { DecodeError } from '../types.js';

/** Unsigned LEB128 bytes of a non-negative integer (`abi.UIntKey`, `abi.IdAddrKey` of an ID). */
export function uvarintKey(n: number | bigint): Uint8Array {
  let v = BigInt(n);
  if (v < 0n) throw new RangeError(`uvarint of a negative number ${v}`);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return Uint8Array.from(out);
}

/** Zigzag signed varint bytes (Go `binary.PutVarint`): 0 → 00, 1 → 02, -1 → 01. */
export function varintKey(n: number | bigint): Uint8Array {
  const v = BigInt(n);
  return uvarintKey(v >= 0n ? v << 1n : ((-v) << 1n) - 1n);
}

/** Read an unsigned LEB128 varint that must fill `b` exactly. @throws DecodeError */
export function readUvarint(b: Uint8Array, what = 'varint key'): bigint {
  let v = 0n;
  let shift = 0n;
  for (let i = 0; i < b.length; i++) {
    v |= BigInt(b[i]! & 0x7f) << shift;
    if ((b[i]! & 0x80) === 0) {
      if (i !== b.length - 1) throw new DecodeError(what, 'trailing bytes');
      return v;
    }
    shift += 7n;
    if (shift > 63n) throw new DecodeError(what, 'varint overflows 64 bits');
  }
  throw new DecodeError(what, 'truncated varint');
}

/** Read a zigzag signed varint key (Go `binary.Varint`). @throws DecodeError */
export function readVarint(b: Uint8Array, what = 'varint key'): bigint {
  const u = readUvarint(b, what);
  return (u & 1n) === 0n ? u >> 1n : -((u + 1n) >> 1n);
}
