/**
 * EIP-1559 (type 2) Ethereum transactions as Filecoin reads them: parsing the signed
 * RLP, re-encoding it, the transaction hash, the sender recovered from the
 * signature (an f410 address), the 65-byte delegated signature and the Filecoin
 * message it becomes. Source: Lotus chain/types/ethtypes/eth_1559_transactions.go
 * and eth_transactions.go (field order, integer rules, error texts), EIP-1559.
 * RLP by @ethereumjs/rlp, keccak-256 by @noble/hashes, secp256k1 by @noble/curves.
 */
import { RLP } from '@ethereumjs/rlp';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { type EthAddress, ETH_ADDRESS_LENGTH, EAM_ACTOR_ID, ethAddressFromFilecoin, ethAddressToFilecoin } from './address.js';

/** The EIP-2718 type byte of an EIP-1559 transaction. */
export const EIP1559_TX_TYPE = 2;
/** Filecoin mainnet's EIP-155 chain id (Lotus buildconstants.Eip155ChainId). */
export const MAINNET_CHAIN_ID = 314;
/** EVM actor method InvokeContract (FRC-42 hash of "InvokeEVM"). */
export const METHOD_INVOKE_CONTRACT = 3844450837n;
/** EAM method CreateExternal. */
export const METHOD_CREATE_EXTERNAL = 4n;
/** Filecoin signature type of an Ethereum-signed message (go-state-types crypto.SigTypeDelegated). */
export const SIG_TYPE_DELEGATED = 3;

/** An EIP-1559 transaction's fields (Lotus Eth1559TxArgs). Amounts in attoFIL, gas in gas units. */
export interface Eth1559Tx {
  chainId: number;
  nonce: number;
  /** Null for contract creation. */
  to: EthAddress | null;
  value: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  gasLimit: number;
  input: Uint8Array;
  v: bigint;
  r: bigint;
  s: bigint;
}

/** A malformed or unsupported transaction; the message is Lotus's. */
export class EthTxError extends Error {}

/** Lotus parseInt: an RLP string of at most 8 bytes, read as a signed int64. */
function parseInt64(v: unknown): number {
  if (!(v instanceof Uint8Array)) throw new EthTxError('cannot parse interface to int: input is not a byte array');
  if (v.length === 0) return 0;
  if (v.length > 8) throw new EthTxError('cannot parse interface to int: length is more than 8 bytes');
  const b = new Uint8Array(8);
  b.set(v, 8 - v.length);
  const n = new DataView(b.buffer).getBigInt64(0);
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < -BigInt(Number.MAX_SAFE_INTEGER)) throw new EthTxError(`integer ${n} is out of range`);
  return Number(n);
}

/** Lotus parseBigInt: an RLP string read as an unsigned big-endian integer. */
function parseBigUint(v: unknown): bigint {
  if (!(v instanceof Uint8Array)) throw new EthTxError('cannot parse interface to big.Int: input is not a byte array');
  return v.length === 0 ? 0n : BigInt(`0x${Buffer.from(v).toString('hex')}`);
}

function parseBytes(v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new EthTxError('cannot parse interface into bytes: input is not a byte array');
  return v;
}

/** Minimal big-endian bytes of a non-negative integer (0 → empty), as RLP wants them. */
function uintBytes(n: bigint | number): Uint8Array {
  const v = BigInt(n);
  if (v < 0n) throw new EthTxError('cannot encode a negative integer');
  if (v === 0n) return new Uint8Array(0);
  const hex = v.toString(16);
  return Uint8Array.from(Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex'));
}

/**
 * Parse a signed EIP-1559 transaction (type byte 2, then the RLP list of 12 fields).
 * @throws EthTxError with Lotus's messages (`not an EIP-1559 transaction: …`,
 *   `access list should be an empty list`, `EIP-1559 transactions only support 0 or 1 for v`, …)
 */
export function parseEip1559Tx(data: Uint8Array): Eth1559Tx {
  if (data.length === 0) throw new EthTxError('empty data');
  if (data[0] !== EIP1559_TX_TYPE) throw new EthTxError(`not an EIP-1559 transaction: first byte is not ${EIP1559_TX_TYPE}`);
  let decoded: unknown;
  try {
    decoded = RLP.decode(data.subarray(1));
  } catch (e) {
    throw new EthTxError(`invalid rlp data: ${(e as Error).message}`);
  }
  if (!Array.isArray(decoded)) throw new EthTxError('not an EIP-1559 transaction: decoded data is not a list');
  if (decoded.length !== 12) throw new EthTxError('not an EIP-1559 transaction: should have 12 elements in the rlp list');
  const toBytes = parseBytes(decoded[5]);
  if (toBytes.length !== 0 && toBytes.length !== ETH_ADDRESS_LENGTH) throw new EthTxError('cannot parse bytes into an EthAddress: incorrect input length');
  const accessList = decoded[8];
  if (!Array.isArray(accessList) || accessList.length !== 0) throw new EthTxError('access list should be an empty list');
  const v = parseBigUint(decoded[9]);
  if (v !== 0n && v !== 1n) throw new EthTxError('EIP-1559 transactions only support 0 or 1 for v');
  return {
    chainId: parseInt64(decoded[0]),
    nonce: parseInt64(decoded[1]),
    maxPriorityFeePerGas: parseBigUint(decoded[2]),
    maxFeePerGas: parseBigUint(decoded[3]),
    gasLimit: parseInt64(decoded[4]),
    to: toBytes.length === 0 ? null : Uint8Array.from(toBytes),
    value: parseBigUint(decoded[6]),
    input: Uint8Array.from(parseBytes(decoded[7])),
    v,
    r: parseBigUint(decoded[10]),
    s: parseBigUint(decoded[11]),
  };
}

/** The nine unsigned fields in RLP order (Lotus packTxFields). */
function packFields(tx: Eth1559Tx): Array<Uint8Array | Uint8Array[]> {
  return [uintBytes(tx.chainId), uintBytes(tx.nonce), uintBytes(tx.maxPriorityFeePerGas), uintBytes(tx.maxFeePerGas), uintBytes(tx.gasLimit), tx.to ?? new Uint8Array(0), uintBytes(tx.value), tx.input, []];
}

const typed = (rlp: Uint8Array): Uint8Array => {
  const out = new Uint8Array(rlp.length + 1);
  out[0] = EIP1559_TX_TYPE;
  out.set(rlp, 1);
  return out;
};

/** The bytes a sender signs: 0x02 ‖ RLP(9 fields) (Lotus ToRlpUnsignedMsg). */
export function unsignedRlp(tx: Eth1559Tx): Uint8Array {
  return typed(RLP.encode(packFields(tx)));
}

/** The signed transaction: 0x02 ‖ RLP(9 fields, v, r, s) (Lotus ToRlpSignedMsg). */
export function signedRlp(tx: Eth1559Tx): Uint8Array {
  return typed(RLP.encode([...packFields(tx), uintBytes(tx.v), uintBytes(tx.r), uintBytes(tx.s)]));
}

/** The transaction hash: keccak-256 of the signed encoding (Lotus TxHash, EthHashFromTxBytes). 32 bytes. */
export function txHash(tx: Eth1559Tx): Uint8Array {
  return keccak_256(signedRlp(tx));
}

/** The 65-byte delegated signature r ‖ s ‖ v, as a Filecoin SignedMessage carries it (Lotus Signature()). */
export function delegatedSignature(tx: Eth1559Tx): Uint8Array {
  const sig = new Uint8Array(65);
  sig.set(Buffer.from(tx.r.toString(16).padStart(64, '0'), 'hex'), 0);
  sig.set(Buffer.from(tx.s.toString(16).padStart(64, '0'), 'hex'), 32);
  sig[64] = Number(tx.v);
  return sig;
}

/**
 * The sender's Ethereum address, recovered from the signature over keccak-256 of
 * the unsigned encoding (Lotus sender()): keccak-256 of the uncompressed public key, last 20 bytes.
 * @throws EthTxError when the signature does not recover a key.
 */
export function recoverSender(tx: Eth1559Tx): EthAddress {
  const hash = keccak_256(unsignedRlp(tx));
  let pub: Uint8Array;
  try {
    const sig = secp256k1.Signature.fromBytes(delegatedSignature(tx).subarray(0, 64), 'compact').addRecoveryBit(Number(tx.v));
    pub = sig.recoverPublicKey(hash).toBytes(false);
  } catch (e) {
    throw new EthTxError(`failed to recover pubkey: ${(e as Error).message}`);
  }
  return keccak_256(pub.subarray(1)).subarray(12);
}

/** The CBOR encoding of a byte string (major type 2), as cbg.WriteByteArray writes it. */
function cborBytes(b: Uint8Array): Uint8Array {
  const n = b.length;
  const head = n < 24 ? [0x40 | n] : n < 0x100 ? [0x58, n] : n < 0x10000 ? [0x59, n >> 8, n & 0xff] : [0x5a, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  const out = new Uint8Array(head.length + n);
  out.set(head, 0);
  out.set(b, head.length);
  return out;
}

/** The Filecoin message fields an EIP-1559 transaction becomes (Lotus ToUnsignedFilecoinMessage). */
export interface EthTxAsMessage {
  /** Address bytes: the EAM (f010) for a creation, else the recipient's f0/f410. */
  to: Uint8Array;
  method: bigint;
  /** CBOR byte string of the input, or empty when there is no input. */
  params: Uint8Array;
}

/**
 * Where the transaction goes on Filecoin: a creation calls the EAM's CreateExternal,
 * anything else the recipient's InvokeContract; the input travels CBOR-wrapped.
 * @throws EthTxError `invalid chain id: N` when the chain id is not `chainId`.
 */
export function toFilecoinMessage(tx: Eth1559Tx, chainId = MAINNET_CHAIN_ID): EthTxAsMessage {
  if (tx.chainId !== chainId) throw new EthTxError(`invalid chain id: ${tx.chainId}`);
  const params = tx.input.length > 0 ? cborBytes(tx.input) : new Uint8Array(0);
  if (tx.to === null) return { to: Uint8Array.from([0, EAM_ACTOR_ID]), method: METHOD_CREATE_EXTERNAL, params };
  return { to: ethAddressToFilecoin(tx.to), method: METHOD_INVOKE_CONTRACT, params };
}

/** Lotus EthTransactionFromSignedFilecoinMessage refused a message; the text is Lotus's. */
export class NotAnEthTransactionError extends Error {}

/**
 * Decode params that are one CBOR byte string (cbg.ReadByteArray). `strict` (eth
 * transactions, Lotus ethTxArgsFromUnsignedFilecoinMessage): nothing may follow it and
 * it may not be empty; lenient (native messages, Lotus decodePayload): both allowed.
 */
export function decodeCborByteString(params: Uint8Array, strict = true): Uint8Array {
  if (params.length === 0) return new Uint8Array(0);
  const major = params[0]! >> 5;
  const info = params[0]! & 0x1f;
  if (major !== 2 || info > 27) throw new NotAnEthTransactionError('failed to read params byte array: expected cbor type byte string in input');
  const head = info < 24 ? 1 : info === 24 ? 2 : info === 25 ? 3 : info === 26 ? 5 : 9;
  let len = 0;
  if (info < 24) len = info;
  else for (let i = 1; i < head; i++) len = len * 256 + params[i]!;
  if (params.length < head + len) throw new NotAnEthTransactionError('failed to read params byte array: unexpected EOF');
  if (strict && params.length > head + len) throw new NotAnEthTransactionError('extra data found in params');
  if (strict && len === 0) throw new NotAnEthTransactionError('non-empty params encode empty byte array');
  return params.subarray(head, head + len);
}

/** The message fields an eth transaction is read from (a Filecoin Message). */
type MessageFields = { version: number; to: Uint8Array; from: Uint8Array; nonce: number; value: bigint; gasLimit: number; gasFeeCap: bigint; gasPremium: bigint; method: number; params: Uint8Array };
type SignedFields = { message: MessageFields; signature: { type: number; data: Uint8Array } };

/** A legacy (type 0) transaction: Homestead (v 27/28, chain id 0) or EIP-155 (v = 2·chainId + 35 or 36). Amounts in attoFIL. */
export interface EthLegacyTx {
  /** 0 for Homestead (Lotus EthLegacyHomesteadTxChainID). */
  chainId: number;
  nonce: number;
  to: EthAddress | null;
  value: bigint;
  /** attoFIL per gas: the message's GasFeeCap (and GasPremium). */
  gasPrice: bigint;
  gasLimit: number;
  input: Uint8Array;
  v: bigint;
  r: bigint;
  s: bigint;
}

/** An eth transaction a SignedMessage carries, by type. */
export type EthTransaction = { type: 2; tx: Eth1559Tx } | { type: 0; tx: EthLegacyTx };

/** Homestead legacy signature: 0x01 ‖ r ‖ s ‖ v (66 bytes). EIP-155: 0x02 ‖ r ‖ s ‖ v (v's minimal bytes). */
export const LEGACY_HOMESTEAD_PREFIX = 0x01;
export const LEGACY_155_PREFIX = 0x02;

/** Recipient and input of an eth transaction's message (Lotus getEthParamsAndRecipient and the checks before it). */
function ethCallOf(m: SignedFields): { to: EthAddress | null; input: Uint8Array } {
  if (m.signature.type !== SIG_TYPE_DELEGATED) throw new NotAnEthTransactionError(`signature is not delegated type, is type: ${m.signature.type}`);
  const msg = m.message;
  if (!(msg.from[0] === 4 && msg.from[1] === EAM_ACTOR_ID)) throw new NotAnEthTransactionError('sender was not an eth account');
  let call: { to: EthAddress | null; input: Uint8Array };
  if (msg.to.length === 2 && msg.to[0] === 0 && msg.to[1] === EAM_ACTOR_ID) {
    if (BigInt(msg.method) !== METHOD_CREATE_EXTERNAL) throw new NotAnEthTransactionError('unsupported EAM method');
    call = { to: null, input: decodeCborByteString(msg.params) };
  } else {
    if (BigInt(msg.method) !== METHOD_INVOKE_CONTRACT) throw new NotAnEthTransactionError(`invalid methodnum ${msg.method}: only allowed method is InvokeContract(${METHOD_INVOKE_CONTRACT}) or CreateExternal(${METHOD_CREATE_EXTERNAL})`);
    call = { to: ethAddressFromFilecoin(msg.to, 'recipient'), input: decodeCborByteString(msg.params) };
  }
  if (msg.version !== 0) throw new NotAnEthTransactionError(`unsupported msg version: ${msg.version}`);
  return { to: call.to, input: Uint8Array.from(call.input) };
}

const bigOf = (b: Uint8Array): bigint => (b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b).toString('hex')}`));

/** Signature bytes of an EIP-155 legacy transaction on chain `chainId` (Lotus calcEIP155TxSignatureLen). */
function legacy155Lengths(chainId: number): number[] {
  return [35n, 36n].map((k) => 66 + uintBytes(BigInt(chainId) * 2n + k).length - 1);
}

/**
 * The eth transaction a delegated-signature SignedMessage carries (Lotus
 * EthTransactionFromSignedFilecoinMessage), chosen by the signature's length: 65 bytes
 * EIP-1559 (r ‖ s ‖ v); 66 bytes with prefix 0x01 Homestead; the EIP-155 lengths of the
 * chain with prefix 0x02 EIP-155. A CreateExternal to the EAM is a creation (`to`
 * null, input = the init code), anything else an InvokeContract of the recipient.
 * @throws NotAnEthTransactionError with Lotus's texts (`unsupported signature length`,
 *   `unsupported EAM method`, `invalid methodnum …`, `invalid chain id, expected X, got Y`, …).
 */
export function ethTransactionFromSignedMessage(m: SignedFields, chainId: number): EthTransaction {
  const { to, input } = ethCallOf(m);
  const msg = m.message;
  const sig = m.signature.data;
  if (sig.length === 65) {
    return { type: 2, tx: { chainId, nonce: msg.nonce, to, value: msg.value, maxFeePerGas: msg.gasFeeCap, maxPriorityFeePerGas: msg.gasPremium, gasLimit: msg.gasLimit, input, v: BigInt(sig[64]!), r: bigOf(sig.subarray(0, 32)), s: bigOf(sig.subarray(32, 64)) } };
  }
  if (sig.length === 66 || legacy155Lengths(chainId).includes(sig.length)) {
    const base = { nonce: msg.nonce, to, value: msg.value, gasPrice: msg.gasFeeCap, gasLimit: msg.gasLimit, input, r: bigOf(sig.subarray(1, 33)), s: bigOf(sig.subarray(33, 65)) };
    if (sig[0] === LEGACY_HOMESTEAD_PREFIX && sig.length === 66) {
      const v = BigInt(sig[65]!);
      if (v !== 27n && v !== 28n) throw new NotAnEthTransactionError('failed to initialise signature: legacy homestead transactions only support 27 or 28 for v');
      return { type: 0, tx: { ...base, chainId: 0, v } };
    }
    if (sig[0] === LEGACY_155_PREFIX) {
      const v = bigOf(sig.subarray(65));
      const derived = v === 27n || v === 28n ? 0n : (v - 35n) / 2n;
      if (derived !== BigInt(chainId)) throw new NotAnEthTransactionError(`failed to initialise signature: failed to validate EIP155 chain id: invalid chain id, expected ${chainId}, got ${derived}`);
      return { type: 0, tx: { ...base, chainId, v } };
    }
    throw new NotAnEthTransactionError(`unsupported legacy transaction; first byte of signature is ${sig[0]}`);
  }
  throw new NotAnEthTransactionError('unsupported signature length');
}

/** The signed legacy encoding: RLP(nonce, gasPrice, gasLimit, to, value, input, v, r, s) (Lotus ToRawTxBytesSigned). */
export function legacySignedRlp(tx: EthLegacyTx): Uint8Array {
  return RLP.encode([uintBytes(tx.nonce), uintBytes(tx.gasPrice), uintBytes(tx.gasLimit), tx.to ?? new Uint8Array(0), uintBytes(tx.value), tx.input, uintBytes(tx.v), uintBytes(tx.r), uintBytes(tx.s)]);
}

/**
 * What a legacy transaction's sender signs: Homestead RLP(6 fields); EIP-155
 * RLP(6 fields, chainId, 0, 0) (Lotus ToRlpUnsignedMsg).
 */
export function legacyUnsignedRlp(tx: Omit<EthLegacyTx, 'v' | 'r' | 's'>): Uint8Array {
  const fields = [uintBytes(tx.nonce), uintBytes(tx.gasPrice), uintBytes(tx.gasLimit), tx.to ?? new Uint8Array(0), uintBytes(tx.value), tx.input];
  return RLP.encode(tx.chainId === 0 ? fields : [...fields, uintBytes(tx.chainId), new Uint8Array(0), new Uint8Array(0)]);
}

/** The transaction hash of either type: keccak-256 of its signed encoding. 32 bytes. */
export function ethTransactionHash(t: EthTransaction): Uint8Array {
  return t.type === 2 ? txHash(t.tx) : keccak_256(legacySignedRlp(t.tx));
}

/**
 * The EIP-1559 transaction of a 65-byte delegated signature.
 * @throws NotAnEthTransactionError as {@link ethTransactionFromSignedMessage}, and for a legacy one.
 */
export function ethTxFromSignedMessage(m: SignedFields, chainId: number): Eth1559Tx {
  const t = ethTransactionFromSignedMessage(m, chainId);
  if (t.type !== 2) throw new NotAnEthTransactionError('not an EIP-1559 transaction (a legacy one)');
  return t.tx;
}
