/**
 * Filecoin BigInt: CBOR byte string holding a sign byte (0 positive, 1 negative)
 * followed by the big-endian magnitude; zero is the empty byte string.
 * JSON form is a decimal string. Source: go-state-types/big/int.go.
 */

/** Decode Filecoin BigInt bytes. Throws on an unknown sign byte. */
export function decodeBigInt(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  const sign = bytes[0];
  if (sign !== 0 && sign !== 1) throw new Error(`big int: invalid sign byte ${sign}`);
  let n = 0n;
  for (let i = 1; i < bytes.length; i++) n = (n << 8n) | BigInt(bytes[i]!);
  return sign === 1 ? -n : n;
}

/** Encode a bigint as Filecoin BigInt bytes (minimal magnitude). */
export function encodeBigInt(n: bigint): Uint8Array {
  if (n === 0n) return new Uint8Array(0);
  const neg = n < 0n;
  let m = neg ? -n : n;
  const out: number[] = [];
  while (m > 0n) {
    out.push(Number(m & 0xffn));
    m >>= 8n;
  }
  out.push(neg ? 1 : 0);
  return Uint8Array.from(out.reverse());
}

/** Parse a decimal-string big integer as Lotus's JSON carries it. Throws on anything else. */
export function parseBigIntString(s: unknown): bigint {
  if (typeof s !== 'string' || !/^-?\d+$/.test(s)) throw new Error(`invalid big int ${JSON.stringify(s)}`);
  return BigInt(s);
}
