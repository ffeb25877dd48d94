/**
 * Ethereum addresses as Filecoin sees them (Lotus chain/types/ethtypes/eth_types.go):
 * 20 bytes; an address of 0xff, eleven zero bytes and a big-endian uint64 is a
 * "masked ID" standing for the actor `f0<id>`; any other stands for the f410
 * (delegated, namespace 10 = the Ethereum Address Manager) address with those bytes.
 */
import { Protocol, newDelegatedAddress, newIDAddress } from '@glif/filecoin-address';

/** Bytes of an Ethereum address. */
export const ETH_ADDRESS_LENGTH = 20;
/** Actor ID of the Ethereum Address Manager: the namespace of f410 addresses. */
export const EAM_ACTOR_ID = 10;

/** An Ethereum address (20 bytes). */
export type EthAddress = Uint8Array;

/**
 * Lotus's ErrInvalidAddress: a Filecoin address with no Ethereum form (f1/f2/f3, or
 * an f4 of another namespace), before any state lookup.
 */
export class NotAnEthAddressError extends Error {
  constructor() {
    super('invalid Ethereum address');
  }
}

/**
 * Parse a `0x…` hex Ethereum address (the prefix is optional, as in Lotus).
 * @throws Error with Lotus's text: `expected hex string length sans prefix 40, got N`, `cannot parse hex value: …`
 */
export function parseEthAddress(s: string): EthAddress {
  const hex = s.startsWith('0x') || s.startsWith('0X') ? s.slice(2) : s;
  if (hex.length !== ETH_ADDRESS_LENGTH * 2) throw new Error(`expected hex string length sans prefix ${ETH_ADDRESS_LENGTH * 2}, got ${hex.length}`);
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw new Error(`cannot parse hex value: encoding/hex: invalid byte: ${JSON.stringify(hex.match(/[^0-9a-fA-F]/)![0])}`);
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** `0x` + lowercase hex, as Lotus prints an EthAddress. */
export function ethAddressString(a: EthAddress): string {
  return `0x${Buffer.from(a).toString('hex')}`;
}

/** Whether the address is a masked ID (0xff, then 11 zero bytes, then the ID). */
export function isMaskedId(a: EthAddress): boolean {
  return a[0] === 0xff && a.subarray(1, 12).every((b) => b === 0);
}

/** The masked-ID Ethereum address of actor `id`. */
export function ethAddressFromActorId(id: bigint): EthAddress {
  const a = new Uint8Array(ETH_ADDRESS_LENGTH);
  a[0] = 0xff;
  new DataView(a.buffer).setBigUint64(12, id);
  return a;
}

/**
 * The Filecoin address an Ethereum address stands for (Lotus EthAddress.ToFilecoinAddress):
 * `f0<id>` for a masked ID, else the f410 address. Returns address bytes.
 */
export function ethAddressToFilecoin(a: EthAddress): Uint8Array {
  if (isMaskedId(a)) return newIDAddress(new DataView(a.buffer, a.byteOffset).getBigUint64(12).toString()).bytes;
  return newDelegatedAddress(EAM_ACTOR_ID, a).bytes;
}

/** Read an unsigned LEB128 varint. @returns the value and the bytes it took. */
function uvarint(b: Uint8Array): { value: bigint; length: number } {
  let value = 0n;
  for (let i = 0; i < Math.min(b.length, 10); i++) {
    value |= BigInt(b[i]! & 0x7f) << BigInt(7 * i);
    if ((b[i]! & 0x80) === 0) return { value, length: i + 1 };
  }
  throw new Error('varint overflow');
}

/**
 * The Ethereum form of a Filecoin address, without state (Lotus
 * EthAddressFromFilecoinAddress): an ID address gives its masked ID, an f410 its 20
 * bytes. `bytes` are the address bytes (protocol byte + payload); `text` names it in errors.
 * @throws NotAnEthAddressError for f1/f2/f3 and other f4 namespaces; Error for an f410 embedding a masked ID.
 */
export function ethAddressFromFilecoin(bytes: Uint8Array, text: string): EthAddress {
  const protocol = bytes[0];
  const payload = bytes.subarray(1);
  if (protocol === Protocol.ID) return ethAddressFromActorId(uvarint(payload).value);
  if (protocol === Protocol.DELEGATED) {
    let ns: { value: bigint; length: number };
    try {
      ns = uvarint(payload);
    } catch {
      throw new Error(`invalid delegated address namespace in: ${text}`);
    }
    if (ns.value !== BigInt(EAM_ACTOR_ID)) throw new NotAnEthAddressError();
    const sub = payload.subarray(ns.length);
    if (sub.length !== ETH_ADDRESS_LENGTH) throw new Error('cannot parse bytes into an EthAddress: incorrect input length');
    if (isMaskedId(sub)) throw new Error(`f410f addresses cannot embed masked-ID payloads: ${ethAddressString(sub)}`);
    return Uint8Array.from(sub);
  }
  throw new NotAnEthAddressError();
}

/** Bytes of an eth hash (block or transaction hash). */
export const ETH_HASH_LENGTH = 32;

/**
 * Parse a `0x…` 32-byte hash (Lotus ParseEthHash).
 * @throws Error `expected hex string length sans prefix 64, got N`, `cannot parse hex value: …`
 */
export function parseEthHash(s: string): Uint8Array {
  const hex = s.startsWith('0x') || s.startsWith('0X') ? s.slice(2) : s;
  if (hex.length !== ETH_HASH_LENGTH * 2) throw new Error(`expected hex string length sans prefix ${ETH_HASH_LENGTH * 2}, got ${hex.length}`);
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw new Error(`cannot parse hex value: encoding/hex: invalid byte: ${JSON.stringify(hex.match(/[^0-9a-fA-F]/)![0])}`);
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}
