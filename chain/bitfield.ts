/**
 * RLE+ bitfields (go-bitfield, rleplus): the encoding of sector sets in miner
 * state. Bits are read least-significant first within each byte: a 2-bit version
 * (0), the value of the first run, then runs: `1` = length 1; `01` + 4 bits =
 * length 2–15; `00` + varint = any length. Lotus renders a bitfield in JSON as
 * its run lengths, the first run being unset bits (`[0]` is empty, `[0,1]` is {0}).
 */
import { DecodeError } from './types.js';

/** Decode RLE+ bytes into run lengths starting with an unset run. @throws DecodeError */
export function rlePlusRuns(bytes: Uint8Array): number[] {
  if (bytes.length === 0) return [0];
  let pos = 0;
  const total = bytes.length * 8;
  // past the last byte the stream reads as zeros: encoders drop trailing zero bytes (go-bitfield rlepluslazy)
  const bit = (): number => {
    if (pos >= total) {
      pos++;
      return 0;
    }
    const b = (bytes[pos >> 3]! >> (pos & 7)) & 1;
    pos++;
    return b;
  };
  const bits = (n: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++) v |= bit() << i;
    return v;
  };
  if (bits(2) !== 0) throw new DecodeError('RLE+ bitfield', 'unknown version');
  const first = bit();
  const runs: number[] = first === 1 ? [0] : [];
  // runs continue while bits remain; trailing zero padding decodes as no more runs
  for (;;) {
    if (pos >= total) break;
    const rest = total - pos;
    // remaining bits all zero: padding
    let anySet = false;
    for (let p = pos; p < total && !anySet; p++) if ((bytes[p >> 3]! >> (p & 7)) & 1) anySet = true;
    if (!anySet) break;
    let len: number;
    if (bit() === 1) len = 1;
    else if (bit() === 1) len = bits(4);
    else {
      let shift = 0;
      len = 0;
      for (;;) {
        const byte = bits(8);
        len += (byte & 0x7f) * 2 ** shift;
        shift += 7;
        if ((byte & 0x80) === 0) break;
        if (shift > 63) throw new DecodeError('RLE+ bitfield', 'varint too long');
      }
    }
    if (len === 0 && rest > 0) throw new DecodeError('RLE+ bitfield', 'zero-length run');
    runs.push(len);
  }
  return runs.length === 0 ? [0] : runs;
}

/** A set of bit indices as sorted, disjoint, non-adjacent half-open ranges `[start, end)`. */
export type BitRanges = Array<[number, number]>;

/** The set bits of RLE+ bytes as ranges. @throws DecodeError */
export function bitfieldRanges(bytes: Uint8Array): BitRanges {
  const out: BitRanges = [];
  let pos = 0;
  rlePlusRuns(bytes).forEach((len, i) => {
    if (i % 2 === 1 && len > 0) out.push([pos, pos + len]);
    pos += len;
  });
  return out;
}

/** How many bits a range set holds. */
export function countBits(r: BitRanges): number {
  return r.reduce((n, [a, b]) => n + (b - a), 0);
}

/** `a` without the bits of `b` (go-bitfield SubtractBitField). */
export function subtractBits(a: BitRanges, b: BitRanges): BitRanges {
  const out: BitRanges = [];
  let j = 0;
  for (const [start, end] of a) {
    let s = start;
    while (j < b.length && b[j]![1] <= s) j++;
    let k = j;
    while (s < end) {
      const cut = b[k];
      if (!cut || cut[0] >= end) {
        out.push([s, end]);
        break;
      }
      if (cut[0] > s) out.push([s, cut[0]]);
      s = Math.max(s, cut[1]);
      k++;
    }
  }
  return out;
}

/**
 * RLE+ bytes of a range set (go-bitfield's encoding: version 00, the first run's bit,
 * then each run as `1` (length 1), `01` + 4 bits (2–15) or `00` + varint; bits least
 * significant first; trailing zero bytes dropped).
 */
export function encodeBitfield(r: BitRanges): Uint8Array {
  if (r.length === 0) return new Uint8Array();
  const bits: number[] = [0, 0];
  const runs: number[] = [];
  let pos = 0;
  for (const [a, b] of r) {
    if (a > pos) runs.push(a - pos);
    else if (runs.length === 0) runs.push(0);
    runs.push(b - a);
    pos = b;
  }
  const first = runs[0] === 0 ? 1 : 0;
  bits.push(first);
  const put = (v: number, n: number) => {
    for (let i = 0; i < n; i++) bits.push((v >> i) & 1);
  };
  for (const len of runs[0] === 0 ? runs.slice(1) : runs) {
    if (len === 1) bits.push(1);
    else if (len < 16) {
      bits.push(0, 1);
      put(len, 4);
    } else {
      bits.push(0, 0);
      let v = len;
      for (;;) {
        const byte = v & 0x7f;
        v = Math.floor(v / 128);
        put(v > 0 ? byte | 0x80 : byte, 8);
        if (v === 0) break;
      }
    }
  }
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  bits.forEach((b, i) => (out[i >> 3]! |= b << (i & 7)));
  let end = out.length;
  while (end > 0 && out[end - 1] === 0) end--;
  return out.subarray(0, end);
}
