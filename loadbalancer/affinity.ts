/**
 * Hashes for the balancer's cache affinity (rendezvous hashing over followers): FNV-1a
 * over a string's UTF-16 code units, and a 32-bit finalizer (murmur3's fmix32) to score
 * a (key, follower) pair. Not cryptographic: only the spread matters.
 */

/** FNV-1a 32-bit hash of a string (unsigned). */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's fmix32 (unsigned): spreads `key ^ followerHash` into a score. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}
