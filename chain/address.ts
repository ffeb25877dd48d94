/**
 * Filecoin addresses: bytes (protocol byte + payload) as stored in CBOR, and the
 * string form with a network prefix (`f` mainnet, `t` testnets) used in JSON.
 * Encoding is delegated to @glif/filecoin-address. Source: go-address.
 */
import { Address, CoinType, newFromString } from '@glif/filecoin-address';

/** Network prefix of address strings. */
export type NetworkPrefix = 'f' | 't';

/** Render address bytes as a string with the network prefix, e.g. `f01000`. */
export function addressToString(bytes: Uint8Array, prefix: NetworkPrefix): string {
  return new Address(bytes, prefix === 'f' ? CoinType.MAIN : CoinType.TEST).toString();
}

/**
 * Parse an address string (`f…` or `t…`) to its bytes.
 * @throws Error when the string is not a valid Filecoin address (bad checksum, protocol, length).
 */
export function addressFromString(s: string): Uint8Array {
  if (typeof s !== 'string' || s.length < 3) throw new Error(`invalid address ${JSON.stringify(s)}`);
  return newFromString(s).bytes;
}
