/**
 * The fields a tipset's message selection reads (From, Nonce) and the signature type,
 * read straight from a stored message block's dag-cbor bytes without decoding the rest
 * (no Value/GasFeeCap BigInts, no Params copies, no token objects). Field order: Lotus
 * chain/types/message.go (Message: Version, To, From, Nonce, Value, GasLimit, GasFeeCap,
 * GasPremium, Method, Params) and signedmessage.go ([Message, Signature]); encoding rules:
 * the DAG-CBOR spec (minimal heads, definite lengths, no trailing bytes).
 *
 * Only the canonical shape is read here. Anything else (a negative Version or Nonce, a
 * Nonce of 2^53 or more, a non-minimal head, a malformed BigInt, an empty signature,
 * trailing bytes…) gives null, and the caller decodes the block in full with
 * `decodeChainMessage`, which accepts or rejects it exactly as before: for every block
 * this reads, the full decoder gives the same From, Nonce and signature type.
 */

/** What {@link peekMessage} reads from a message block. */
export interface PeekedMessage {
  /** Message.From, the address bytes as written (a view into the block, not a copy). */
  from: Uint8Array;
  /** Message.Nonce. */
  nonce: number;
  /** The signature's type byte (1 secp256k1, 2 BLS, 3 delegated) for a SignedMessage; null for an unsigned (BLS) message. */
  signatureType: number | null;
}

/**
 * Read From, Nonce and the signature type of a Message or SignedMessage block.
 * @returns null when the block is not in the canonical shape (decode it in full instead)
 */
export function peekMessage(b: Uint8Array): PeekedMessage | null {
  const n = b.length;
  let p = 0;
  // the big-endian 32-bit unsigned integer at `at`
  const u32 = (at: number): number => b[at]! * 0x1000000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
  // the argument of the head at p if it has major type `major` and minimal encoding (< 2^53); else -1, p unmoved
  const arg = (major: number): number => {
    if (p >= n) return -1;
    const ib = b[p]!;
    if (ib >> 5 !== major) return -1;
    const ai = ib & 31;
    if (ai < 24) {
      p += 1;
      return ai;
    }
    if (ai === 24) {
      if (p + 2 > n || b[p + 1]! < 24) return -1;
      p += 2;
      return b[p - 1]!;
    }
    if (ai === 25) {
      if (p + 3 > n) return -1;
      const v = (b[p + 1]! << 8) | b[p + 2]!;
      if (v < 0x100) return -1;
      p += 3;
      return v;
    }
    if (ai === 26) {
      if (p + 5 > n) return -1;
      const v = u32(p + 1);
      if (v < 0x10000) return -1;
      p += 5;
      return v;
    }
    if (ai === 27) {
      if (p + 9 > n) return -1;
      const hi = u32(p + 1);
      if (hi === 0 || hi >= 0x200000) return -1; // not minimal, or 2^53 and above
      p += 9;
      return hi * 0x100000000 + u32(p - 4);
    }
    return -1; // indefinite lengths and reserved values are not DAG-CBOR
  };
  // a byte string at p: its start, p moved past it; -1 when there is none
  const byteString = (): number => {
    const len = arg(2);
    if (len < 0 || p + len > n) return -1;
    p += len;
    return p - len;
  };
  // a Filecoin BigInt's bytes: empty, or a sign byte 0/1 first (chain/bigint.ts decodeBigInt)
  const bigInt = (): boolean => {
    const s = byteString();
    return s >= 0 && (p === s || b[s]! <= 1);
  };
  let signed = false;
  if (b[0] === 0x82) {
    signed = true;
    p = 1;
  }
  if (b[p] !== 0x8a) return null; // the 10-field Message tuple
  p++;
  if (arg(0) < 0) return null; // Version
  if (byteString() < 0) return null; // To
  const fromStart = byteString();
  if (fromStart < 0) return null;
  const from = b.subarray(fromStart, p);
  const nonce = arg(0);
  if (nonce < 0) return null;
  if (!bigInt()) return null; // Value
  if (arg(0) < 0 && arg(1) < 0) return null; // GasLimit (int64)
  if (!bigInt() || !bigInt()) return null; // GasFeeCap, GasPremium
  if (arg(0) < 0) return null; // Method
  if (byteString() < 0) return null; // Params
  let signatureType: number | null = null;
  if (signed) {
    const s = byteString();
    if (s < 0 || p === s) return null; // an empty signature has no type
    signatureType = b[s]!;
  }
  return p === n ? { from, nonce, signatureType } : null;
}
