/**
 * Lotus's Ethereum JSON objects (chain/types/ethtypes/eth_types.go,
 * eth_transactions.go; node/impl/eth/utils.go): blocks, transactions (from
 * EIP-1559 messages and from native Filecoin messages), receipts and logs, with
 * their field order, hex rules (quantities `0x0` / no leading zeros, data `0x`
 * when empty, hashes and addresses full width) and the 2048-bit logs bloom.
 * Pure functions: the state lookups they need are done by the caller.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { type Eth1559Tx, type EthLegacyTx, legacySignedRlp, txHash } from './transaction.js';
import { type EthAddress, ethAddressString } from './address.js';

/** A quantity: `0x0`, else `0x` + lower-case hex without leading zeros (EthUint64, EthBigInt). */
export const qty = (n: number | bigint): string => `0x${n.toString(16)}`;
/** Data: `0x` + lower-case hex (`0x` when empty) (EthBytes). A view, not a copy, of the bytes is hex-encoded. */
export const data = (b: Uint8Array): string => `0x${Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')}`;
/** A 32-byte hash (EthHash). */
export const hash32 = (b: Uint8Array): string => data(b);

/** keccak-256 of the empty trie (ethtypes.EmptyRootHash): transactionsRoot of a tipset with no messages. */
export const EMPTY_ROOT_HASH = '0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421';
/** keccak-256 of RLP([]) (ethtypes.EmptyUncleHash). */
export const EMPTY_UNCLE_HASH = '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347';
const ZERO_HASH = `0x${'00'.repeat(32)}`;
const ZERO_ADDRESS = `0x${'00'.repeat(20)}`;
/** The `to` of a native message whose recipient has no actor (Lotus revertedEthAddress). */
export const REVERTED_ETH_ADDRESS = '0xff0000000000000000000000ffffffffffffffff';
/** Per-block gas limit (buildconstants.BlockGasLimit): a tipset's gasLimit is this × its blocks. */
export const BLOCK_GAS_LIMIT = 10_000_000_000n;
/** Bytes of a logs bloom (2048 bits). */
export const BLOOM_BYTES = 256;

/** Set the bloom bits of `value` (ethtypes.EthBloomSet: 3 × 11 bits of its keccak-256, standard Ethereum layout). */
export function bloomAdd(bloom: Uint8Array, value: Uint8Array): void {
  const h = keccak_256(value);
  for (let i = 0; i < 6; i += 2) {
    const n = ((h[i]! << 8) | h[i + 1]!) & 2047;
    bloom[BLOOM_BYTES - 1 - (n >> 3)]! |= 1 << (n & 7);
  }
}

/** The bloom of a set of logs: every topic, then the address, of each. */
export function logsBloom(logs: Array<{ address: EthAddress; topics: Uint8Array[] }>): Uint8Array {
  const bloom = new Uint8Array(BLOOM_BYTES);
  for (const l of logs) {
    for (const t of l.topics) bloomAdd(bloom, t);
    bloomAdd(bloom, l.address);
  }
  return bloom;
}

/** Where a transaction sits (null for a pending one). */
export interface TxPosition {
  blockHash: Uint8Array;
  blockNumber: number;
  index: number;
}

/** Lotus EthTx, in its field order. */
export interface EthTxJson {
  chainId: string;
  nonce: string;
  hash: string;
  blockHash: string | null;
  blockNumber: string | null;
  transactionIndex: string | null;
  from: string;
  to: string | null;
  value: string;
  type: string;
  input: string;
  gas: string;
  maxFeePerGas?: string;
  maxPriorityFeePerGas?: string;
  gasPrice?: string;
  accessList: string[] | null;
  v: string;
  r: string;
  s: string;
}

const position = (p: TxPosition | null) => ({
  blockHash: p ? hash32(p.blockHash) : null,
  blockNumber: p ? qty(p.blockNumber) : null,
  transactionIndex: p ? qty(p.index) : null,
});

/** The EthTx of an EIP-1559 (delegated-signature) message (Eth1559TxArgs.ToEthTx): accessList null. */
export function ethTxJsonFrom1559(tx: Eth1559Tx, from: EthAddress, pos: TxPosition | null): EthTxJson {
  return {
    chainId: qty(tx.chainId),
    nonce: qty(tx.nonce),
    hash: hash32(txHash(tx)),
    ...position(pos),
    from: ethAddressString(from),
    to: tx.to ? ethAddressString(tx.to) : null,
    value: qty(tx.value),
    type: '0x2',
    input: data(tx.input),
    gas: qty(tx.gasLimit),
    maxFeePerGas: qty(tx.maxFeePerGas),
    maxPriorityFeePerGas: qty(tx.maxPriorityFeePerGas),
    accessList: null,
    v: qty(tx.v),
    r: qty(tx.r),
    s: qty(tx.s),
  };
}

/** The EthTx of a legacy message (EthLegacyHomesteadTxArgs / EthLegacy155TxArgs.ToEthTx): type 0, gasPrice, chain id 0 for Homestead. */
export function ethTxJsonFromLegacy(tx: EthLegacyTx, from: EthAddress, pos: TxPosition | null): EthTxJson {
  return {
    chainId: qty(tx.chainId),
    nonce: qty(tx.nonce),
    hash: hash32(keccak_256(legacySignedRlp(tx))),
    ...position(pos),
    from: ethAddressString(from),
    to: tx.to ? ethAddressString(tx.to) : null,
    value: qty(tx.value),
    type: '0x0',
    input: data(tx.input),
    gas: qty(tx.gasLimit),
    gasPrice: qty(tx.gasPrice),
    accessList: null,
    v: qty(tx.v),
    r: qty(tx.r),
    s: qty(tx.s),
  };
}

/**
 * `input` of a native message (encodeFilecoinParamsAsABI): selector 0x868e10c4, then
 * four words [method, codec, 96, len(params)], then the params padded to 32 bytes.
 */
export function filecoinParamsAsAbi(method: number, codec: number, params: Uint8Array): Uint8Array {
  const words = 4 + Math.ceil(params.length / 32);
  const out = new Uint8Array(4 + words * 32);
  out.set([0x86, 0x8e, 0x10, 0xc4], 0);
  const view = new DataView(out.buffer);
  [method, codec, 96, params.length].forEach((v, i) => view.setBigUint64(4 + i * 32 + 24, BigInt(v)));
  out.set(params, 4 + 128);
  return out;
}

/** What a native message's EthTx needs besides the message. */
export interface NativeTxInput {
  chainId: number;
  /** keccak-free: the digest of the message's CID (signed for secp, unsigned for BLS). */
  hash: Uint8Array;
  from: EthAddress;
  /** Null for an EAM CreateExternal whose params decode; REVERTED_ETH_ADDRESS string form is passed as `toText`. */
  to: EthAddress | null;
  toText?: string;
  /** The decoded input when the method is InvokeContract / CreateExternal and params decode; else null (ABI-wrap the params). */
  decodedInput: Uint8Array | null;
  message: { nonce: number; value: bigint; gasLimit: number; gasFeeCap: bigint; gasPremium: bigint; method: number; params: Uint8Array };
}

/** The EthTx of a native Filecoin message (ethTxFromNativeMessage): type 2, accessList [], v/r/s 0. */
export function ethTxJsonFromNative(t: NativeTxInput, pos: TxPosition | null): EthTxJson {
  const m = t.message;
  const codec = m.params.length > 0 ? 0x51 : 0;
  return {
    chainId: qty(t.chainId),
    nonce: qty(m.nonce),
    hash: hash32(t.hash),
    ...position(pos),
    from: ethAddressString(t.from),
    to: t.toText ?? (t.to ? ethAddressString(t.to) : null),
    value: qty(m.value),
    type: '0x2',
    input: data(t.decodedInput ?? filecoinParamsAsAbi(m.method, codec, m.params)),
    gas: qty(m.gasLimit),
    maxFeePerGas: qty(m.gasFeeCap),
    maxPriorityFeePerGas: qty(m.gasPremium),
    accessList: [],
    v: '0x0',
    r: '0x0',
    s: '0x0',
  };
}

/** Lotus EthLog, in its field order. */
export interface EthLogJson {
  address: string;
  data: string;
  topics: string[];
  removed: boolean;
  logIndex: string;
  transactionIndex: string;
  transactionHash: string;
  blockHash: string;
  blockNumber: string;
}

/** An event as an eth log needs it (ethtypes.EthLogFromEvent already applied). */
export interface LogInput {
  address: EthAddress;
  topics: Uint8Array[];
  data: Uint8Array;
  removed: boolean;
  logIndex: number;
  transactionIndex: number;
  transactionHash: Uint8Array;
  blockHash: Uint8Array;
  blockNumber: number;
}

/** Lotus EthLog JSON. */
export function ethLogJson(l: LogInput): EthLogJson {
  return {
    address: ethAddressString(l.address),
    data: data(l.data),
    topics: l.topics.map(hash32),
    removed: l.removed,
    logIndex: qty(l.logIndex),
    transactionIndex: qty(l.transactionIndex),
    transactionHash: hash32(l.transactionHash),
    blockHash: hash32(l.blockHash),
    blockNumber: qty(l.blockNumber),
  };
}

/**
 * An event's log form (ethtypes.EthLogFromEvent over the raw-codec entries Lotus's
 * index query returns): `t1`…`t4` are 32-byte topics without gaps, `d` the data, other
 * keys are ignored; a malformed topic or a repeated key drops the event (null), and so
 * does an event with no raw entry.
 */
export function logFromEntries(entries: Array<{ key: string; codec: number; value: Uint8Array }>): { topics: Uint8Array[]; data: Uint8Array } | null {
  const topics: Array<Uint8Array | undefined> = [];
  let d: Uint8Array | null = null;
  let count = 0;
  let raw = 0;
  for (const e of entries) {
    if (e.codec !== 0x55) continue;
    raw++;
    const m = /^t([1-4])$/.exec(e.key);
    if (m) {
      const i = Number(m[1]) - 1;
      if (e.value.length !== 32 || topics[i]) return null;
      topics[i] = e.value;
      count++;
    } else if (e.key === 'd') {
      if (d) return null;
      d = e.value;
    }
  }
  if (raw === 0) return null;
  for (let i = 0; i < count; i++) if (!topics[i]) return null;
  return { topics: topics.slice(0, count) as Uint8Array[], data: d ?? new Uint8Array(0) };
}

/**
 * vm.ComputeGasOutputs' total spent ÷ gasUsed (Lotus newEthTxReceipt effectiveGasPrice):
 * base fee burn + miner tip (× gas LIMIT) + overestimation burn. attoFIL per gas.
 */
export function effectiveGasPrice(gasUsed: number, gasLimit: number, baseFee: bigint, feeCap: bigint, premium: bigint): bigint {
  if (gasUsed <= 0) return 0n;
  const base = baseFee > feeCap ? feeCap : baseFee;
  const baseFeeBurn = base * BigInt(gasUsed);
  let tip = premium;
  if (base + tip > feeCap) tip = feeCap - base;
  const minerTip = tip * BigInt(gasLimit);
  // ComputeGasOverestimationBurn
  let burned = 0n;
  const over0 = BigInt(gasLimit) - (11n * BigInt(gasUsed)) / 10n;
  if (over0 >= 0n) {
    const over = over0 > BigInt(gasUsed) ? BigInt(gasUsed) : over0;
    burned = ((BigInt(gasLimit) - BigInt(gasUsed)) * over) / BigInt(gasUsed);
  }
  return (baseFeeBurn + minerTip + base * burned) / BigInt(gasUsed);
}

/** Lotus EthTxReceipt, in its field order. */
export interface EthReceiptJson {
  transactionHash: string;
  transactionIndex: string;
  blockHash: string;
  blockNumber: string;
  from: string;
  to: string | null;
  root: string;
  status: string;
  contractAddress: string | null;
  cumulativeGasUsed: string;
  gasUsed: string;
  effectiveGasPrice: string;
  logsBloom: string;
  logs: EthLogJson[];
  type: string;
}

/** A receipt from its transaction, the Filecoin receipt, the base fee and the logs (newEthTxReceipt). */
export function ethReceiptJson(tx: EthTxJson, r: { exitCode: number; gasUsed: number; contractAddress: EthAddress | null }, baseFee: bigint, logs: LogInput[]): EthReceiptJson {
  const feeCap = BigInt(tx.maxFeePerGas ?? tx.gasPrice ?? '0x0');
  const premium = BigInt(tx.maxPriorityFeePerGas ?? tx.gasPrice ?? '0x0');
  return {
    transactionHash: tx.hash,
    transactionIndex: tx.transactionIndex ?? '0x0',
    blockHash: tx.blockHash ?? ZERO_HASH,
    blockNumber: tx.blockNumber ?? '0x0',
    from: tx.from,
    to: tx.to,
    root: ZERO_HASH,
    status: r.exitCode === 0 ? '0x1' : '0x0',
    contractAddress: tx.to === null && r.exitCode === 0 && r.contractAddress ? ethAddressString(r.contractAddress) : null,
    cumulativeGasUsed: '0x0',
    gasUsed: qty(r.gasUsed),
    effectiveGasPrice: qty(effectiveGasPrice(r.gasUsed, Number(BigInt(tx.gas)), baseFee, feeCap, premium)),
    logsBloom: data(logsBloom(logs)),
    logs: logs.map(ethLogJson),
    type: tx.type,
  };
}

/** Inputs of an EthBlock. */
export interface BlockInput {
  hash: Uint8Array;
  parentHash: Uint8Array;
  number: number;
  timestamp: number;
  blocks: number;
  gasUsed: bigint;
  baseFee: bigint;
  hasMessages: boolean;
  bloom: Uint8Array;
  transactions: string[] | EthTxJson[];
}

/** Lotus EthBlock JSON (NewEthBlock + newEthBlockFromFilecoinTipSet), in its field order. */
export function ethBlockJson(b: BlockInput): Record<string, unknown> {
  return {
    hash: hash32(b.hash),
    parentHash: hash32(b.parentHash),
    sha3Uncles: EMPTY_UNCLE_HASH,
    miner: ZERO_ADDRESS,
    stateRoot: ZERO_HASH,
    transactionsRoot: b.hasMessages ? ZERO_HASH : EMPTY_ROOT_HASH,
    receiptsRoot: ZERO_HASH,
    logsBloom: data(b.bloom),
    difficulty: '0x0',
    totalDifficulty: '0x0',
    number: qty(b.number),
    gasLimit: qty(BLOCK_GAS_LIMIT * BigInt(b.blocks)),
    gasUsed: qty(b.gasUsed),
    timestamp: qty(b.timestamp),
    extraData: '0x',
    mixHash: ZERO_HASH,
    nonce: '0x0000000000000000',
    baseFeePerGas: qty(b.baseFee),
    size: '0x0',
    transactions: b.transactions,
    uncles: [],
  };
}
