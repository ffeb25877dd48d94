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
