/**
 * A SYNTHETIC modern Filecoin chain with FEVM activity, written with the real
 * encodings: block headers, TxMeta and message AMTs (v0), EIP-1559 transactions as
 * delegated-signature SignedMessages, receipts v1 with EventsRoot (v3 AMT, bit
 * width 5), EVM log events (`t1`…`t4`, `d`), a state tree v5 with actors of a real
 * actors v16 bundle (system, init, EAM, accounts, EthAccounts, a placeholder, EVM
 * contracts with raw bytecode blocks and KAMT storage), null rounds, and a fork
 * branch that reorgs the last tipsets.
 *
 * Nothing here is a real chain: the network is a devnet (genesis of its own, chain
 * id 31415926 as Lotus's 2k devnets), blocks carry no valid proofs, gas is
 * assigned by formula. Contract execution is real: the compiled ERC-20 runs on
 * @ethereumjs/evm (synth/evm.ts), which gives the runtime code, storage writes and
 * logs a FEVM execution of this contract gives.
 *
 * Sources for every layout: see the module comments of chain/kamt.ts, chain/hamt.ts,
 * chain/amt.ts, chain/types.ts; builtin-actors actors/evm/src/state.rs (EVM state v16:
 * 6 fields), actors/eam/src/lib.rs (CreateExternal return), actors/init/src/state.rs.
 */
import { createHash } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { blake2b } from '@noble/hashes/blake2.js';
import { CID, RAW, BLAKE2B_256, blake2b256, cborCid, encodeCbor } from '../chain/cid.js';
import * as Digest from 'multiformats/hashes/digest';
import { buildAmt } from '../chain/amt.js';
import { buildHamt } from '../chain/hamt.js';
import { buildKamt, padWord } from '../chain/kamt.js';
import { encodeBigInt } from '../chain/bigint.js';
import { idAddress } from '../chain/state.js';
import { ACTOR_BUNDLES } from '../chain/actor-codes.js';
import { type BlockHeader, type Message, type SignedMessage, SigType, encodeBlockHeader, encodeSignedMessage, encodeTxMeta, messageCid } from '../chain/types.js';
import { TipSet, type TipSetKey } from '../chain/tipset.js';
import { ChainReader } from '../blockstore/chain-reader.js';
import { MemoryBlockstore } from '../blockstore/memory.js';
import type { Block } from '../blockstore/types.js';
import { type Eth1559Tx, type EthLegacyTx, LEGACY_155_PREFIX, LEGACY_HOMESTEAD_PREFIX, decodeCborByteString, delegatedSignature, legacySignedRlp, legacyUnsignedRlp, toFilecoinMessage, txHash, unsignedRlp, METHOD_INVOKE_CONTRACT } from '../chain/eth/transaction.js';
import { compileContract, type CompiledContract } from './solidity.js';
import { EvmWorld, type EvmLog } from './evm.js';

/** Lotus's 2k devnet EIP-155 chain id (build/buildconstants/params_2k.go). */
export const SYNTH_CHAIN_ID = 31415926;
/** Genesis time (unix seconds) and epoch length. */
export const SYNTH_GENESIS_TIME = 1_700_000_000;
export const SYNTH_BLOCK_DELAY = 30;
/** The actors bundle whose code CIDs the state tree uses. */
export const SYNTH_ACTORS_VERSION = 16;
/** The init actor's NetworkName. */
export const SYNTH_NETWORK_NAME = 'synthnet';
/** Lotus's genesis blocks' parent (chain/gen/genesis: filecoinGenesisCid). */
const FILECOIN_GENESIS_CID = CID.parse('bafyreiaqpwbbyjo4a42saasj36kkrpv4tsherf2e7bvezkert2a7dhonoi');
/** Exit code of a reverted EVM call (builtin-actors EVM_CONTRACT_REVERTED). */
export const EXIT_EVM_REVERTED = 33;
/** `InvokeEVM` as a number. */
const INVOKE = Number(METHOD_INVOKE_CONTRACT);
/** EAM CreateExternal. */
const CREATE_EXTERNAL = 4;
/** 1 FIL in attoFIL. */
const FIL = 10n ** 18n;

/** Generator options. */
export interface SynthOptions {
  /** Height of the head (default 60). */
  epochs?: number;
  /** Heights with no tipset (default 9, 10, 23). */
  nullRounds?: number[];
  /** Tipsets replaced on the fork branch (default 3); 0 = no fork. */
  forkDepth?: number;
  /** Extra `noteBatch` events per epoch after the scripted part (default 0): scale data. */
  eventsPerEpoch?: number;
  /** Seed for keys and header randomness (default "fil-follower"). */
  seed?: string;
  /** Called after each tipset (for a progress line). */
  onTipSet?: (height: number, head: number) => void;
}

/** A key the chain uses, with its addresses. */
export interface SynthAccount {
  label: string;
  /** Actor ID. */
  id: number;
  /** 20-byte eth address (f410 payload) or null for the native f1 account. */
  eth: string | null;
  /** Filecoin address bytes (f1 or f410) as hex. */
  robust: string;
  privateKey: string;
}

/** One transaction the chain includes, as the manifest records it. */
export interface SynthTx {
  height: number;
  /** Eth tx hash (delegated) or the message CID's digest (native), 0x-hex. */
  hash: string;
  cid: string;
  from: string;
  /** Eth address of the recipient, null for a creation. */
  to: string | null;
  kind: 'create' | 'transfer' | 'approve' | 'note' | 'noteBatch' | 'value' | 'native-send' | 'revert' | 'legacy155' | 'homestead';
  exitCode: number;
  gasUsed: number;
  logs: Array<{ address: string; topics: string[]; data: string }>;
  /** Position in the tipset's execution order. */
  index: number;
}

/** What the generated chain holds, for tests and benches (all values SYNTHETIC). */
export interface SynthManifest {
  chainId: number;
  networkName: string;
  actorsVersion: number;
  genesis: string;
  head: { height: number; key: string[] };
  nullRounds: number[];
  accounts: SynthAccount[];
  token: { address: string; id: number; bytecodeCid: string; deployHeight: number; compiler: string; slots: Record<string, string> };
  txs: SynthTx[];
  /** Final balances (attoFIL, decimal) and nonces by eth address or f1 address hex, at the head's parent state. */
  finalState: Record<string, { balance: string; nonce: number }>;
  /** ERC-20 storage at the head's parent state: slot (0x, 32 bytes) → value (0x, 32 bytes). */
  tokenStorage: Record<string, string>;
  fork: { fromHeight: number; head: { height: number; key: string[] }; txs: SynthTx[] } | null;
  events: number;
}

/** The chain: blocks for the main CAR, blocks for the fork CAR, and the manifest. */
export interface SynthChain {
  blocks: Block[];
  roots: TipSetKey;
  fork: { blocks: Block[]; roots: TipSetKey } | null;
  manifest: SynthManifest;
}

interface ActorRec {
  id: number;
  code: CID;
  head: CID;
  nonce: number;
  balance: bigint;
  delegated: Uint8Array | null;
}

const hex = (b: Uint8Array): string => `0x${Buffer.from(b).toString('hex')}`;
const u64 = (n: number | bigint): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
};
const seeded = (seed: string, ...parts: Array<string | number>): Uint8Array => new Uint8Array(createHash('sha256').update([seed, ...parts].join('/')).digest());
const bytesOf = (seed: string, n: number, ...parts: Array<string | number>): Uint8Array => {
  const out = new Uint8Array(n);
  for (let i = 0; i * 32 < n; i++) out.set(seeded(seed, ...parts, i).subarray(0, Math.min(32, n - i * 32)), i * 32);
  return out;
};
const delegatedAddr = (eth: Uint8Array): Uint8Array => Uint8Array.from([4, 10, ...eth]);
const ethOfKey = (priv: Uint8Array): Uint8Array => keccak_256(secp256k1.getPublicKey(priv, false).subarray(1)).subarray(12);
/** CBOR byte string (major type 2) of `b`. */
const cborBytes = (b: Uint8Array): Uint8Array => encodeCbor(b);
const rawCid = (bytes: Uint8Array): CID => CID.createV1(RAW, Digest.create(BLAKE2B_256, blake2b256(bytes)));
const EMPTY_ARR = encodeCbor([]);

/** ABI encoding helpers for the Token contract's calls. */
const selector = (sig: string): Uint8Array => keccak_256(new TextEncoder().encode(sig)).subarray(0, 4);
const word = (v: bigint | Uint8Array): Uint8Array => (typeof v === 'bigint' ? padWord(Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'))) : padWord(v));
const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));
function abiString(s: string): Uint8Array {
  const b = new TextEncoder().encode(s);
  const padded = new Uint8Array(Math.ceil(b.length / 32) * 32);
  padded.set(b);
  return concat(word(BigInt(b.length)), padded);
}

/** Lotus ComputeNextBaseFee in outline (chain/store/basefee.go), SYNTHETIC inputs. */
function nextBaseFee(baseFee: bigint, gasLimitSum: bigint, blocks: number): bigint {
  const target = 5_000_000_000n;
  let delta = (gasLimitSum * 4n) / 5n / BigInt(Math.max(1, blocks)) - target;
  if (delta > target) delta = target;
  if (delta < -target) delta = -target;
  const next = baseFee + (baseFee * delta) / target / 8n;
  return next < 100n ? 100n : next;
}

interface PlannedTx {
  kind: SynthTx['kind'];
  from: number; // index into keys
  to: Uint8Array | null; // eth address
  value: bigint;
  input: Uint8Array;
}

/** The result of one deterministic run of the model. */
interface RunResult {
  blocks: Block[];
  head: TipSet;
  genesis: CID;
  txs: SynthTx[];
  accounts: SynthAccount[];
  token: SynthManifest['token'];
  finalState: SynthManifest['finalState'];
  tokenStorage: Record<string, string>;
}

/**
 * Generate the chain in memory: the main branch up to `epochs`, and (with a fork
 * depth) a branch that shares every tipset below `epochs − forkDepth + 1` and then
 * replaces the rest with other transactions, one tipset longer (heavier). Both come
 * from the same deterministic model, so the shared part is byte-identical.
 * @throws Error when solc is missing or a scripted transaction does not behave as planned.
 */
export async function generateFevmChain(opts: SynthOptions = {}): Promise<SynthChain> {
  const epochs = opts.epochs ?? 60;
  if (!Number.isInteger(epochs) || epochs < 8) throw new Error(`epochs must be an integer ≥ 8, got ${epochs}`);
  const forkDepth = Math.min(opts.forkDepth ?? 3, epochs - 6);
  const token = await compileContract('Token.sol', 'Token');
  // null rounds are those of the main branch, on both (the fork's extra tipset is never null)
  const nullRounds = [...new Set(opts.nullRounds ?? [9, 10, 23])].filter((h) => h > 0 && h < epochs - 1).sort((a, b) => a - b);
  const main = await runModel({ ...opts, nullRounds }, token, epochs, null);
  const forkFrom = epochs - forkDepth + 1;
  const fork = forkDepth > 0 ? await runModel({ ...opts, nullRounds, onTipSet: undefined }, token, epochs + 1, forkFrom) : null;
  const manifest: SynthManifest = {
    chainId: SYNTH_CHAIN_ID,
    networkName: SYNTH_NETWORK_NAME,
    actorsVersion: SYNTH_ACTORS_VERSION,
    genesis: main.genesis.toString(),
    head: { height: main.head.height, key: main.head.key.map(String) },
    nullRounds,
    accounts: main.accounts,
    token: main.token,
    txs: main.txs,
    finalState: main.finalState,
    tokenStorage: main.tokenStorage,
    fork: fork ? { fromHeight: forkFrom, head: { height: fork.head.height, key: fork.head.key.map(String) }, txs: fork.txs.filter((t) => t.height >= forkFrom) } : null,
    events: main.txs.reduce((n, t) => n + t.logs.length, 0),
  };
  return { blocks: main.blocks, roots: main.head.key, fork: fork ? { blocks: fork.blocks, roots: fork.head.key } : null, manifest };
}

/** One run of the model: heights 1…`epochs`; from `forkFrom` on, the plan uses the "fork" branch's randomness. */
async function runModel(opts: SynthOptions, token: CompiledContract, epochs: number, forkFrom: number | null): Promise<RunResult> {
  const seed = opts.seed ?? 'fil-follower';
  const nullRounds = new Set([...(opts.nullRounds ?? [9, 10, 23])].filter((h) => h > 0 && h < epochs - 1));
  const bundle = ACTOR_BUNDLES.find((b) => b.network === 'mainnet' && b.version === SYNTH_ACTORS_VERSION);
  if (!bundle) throw new Error(`no mainnet actors v${SYNTH_ACTORS_VERSION} bundle`);
  const code = (name: string): CID => {
    const c = bundle.codes[name];
    if (!c) throw new Error(`bundle has no ${name}`);
    return CID.parse(c);
  };
  const store = new MemoryBlockstore();
  const putAll = (blocks: Array<{ cid: CID; bytes: Uint8Array }>): void => void store.putMany(blocks);
  const put = (bytes: Uint8Array, cid = cborCid(bytes)): CID => {
    putAll([{ cid, bytes }]);
    return cid;
  };
  const emptyArrCid = put(EMPTY_ARR);

  // ---- keys: eth0…eth2 send, eth3 only receives (a placeholder), one native f1 account
  const ethKeys = [0, 1, 2, 3].map((i) => seeded(seed, 'eth-key', i));
  const ethOf = (i: number): Uint8Array => ethOfKey(ethKeys[i]!);
  const nativeKey = seeded(seed, 'secp-key');
  const nativeAddr = Uint8Array.from([1, ...blake2b(secp256k1.getPublicKey(nativeKey, false), { dkLen: 20 })]);

  // ---- the state model
  const actors = new Map<number, ActorRec>();
  const addressMap = new Map<string, number>(); // address bytes hex → actor ID (init actor's AddressMap)
  const addrKey = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  let nextId = 100;
  const addActor = (a: Omit<ActorRec, 'id'>, id: number | null, ...addrs: Uint8Array[]): ActorRec => {
    const rec = { ...a, id: id ?? nextId++ };
    actors.set(rec.id, rec);
    for (const x of addrs) addressMap.set(addrKey(x), rec.id);
    return rec;
  };
  addActor({ code: code('system'), head: put(encodeCbor([CID.parse(bundle.manifest)])), nonce: 0, balance: 0n, delegated: null }, 0);
  const init = addActor({ code: code('init'), head: emptyArrCid, nonce: 0, balance: 0n, delegated: null }, 1);
  addActor({ code: code('eam'), head: emptyArrCid, nonce: 0, balance: 0n, delegated: null }, 10);
  const burnt = addActor({ code: code('account'), head: put(encodeCbor([idAddress(99)])), nonce: 0, balance: 0n, delegated: null }, 99);
  const native = addActor({ code: code('account'), head: put(encodeCbor([nativeAddr])), nonce: 0, balance: 5000n * FIL, delegated: null }, null, nativeAddr);
  const ethActors = ethKeys.map((_, i) => {
    const d = delegatedAddr(ethOf(i));
    return addActor({ code: code(i === 3 ? 'placeholder' : 'ethaccount'), head: emptyArrCid, nonce: 0, balance: (i === 3 ? 1n : 1000n) * FIL, delegated: d }, null, d);
  });
  const world = await EvmWorld.create();
  const contracts = new Map<number, { eth: Uint8Array; code: Uint8Array; bytecodeCid: CID; storageKeys: Set<string> }>();
  const contractByEth = new Map<string, number>();

  const flushContract = async (id: number): Promise<void> => {
    const c = contracts.get(id)!;
    for (const k of world.takeWrittenSlots(c.eth)) c.storageKeys.add(addrKey(k));
    const pairs: Array<[Uint8Array, Uint8Array]> = [];
    for (const k of c.storageKeys) {
      const key = Uint8Array.from(Buffer.from(k, 'hex'));
      pairs.push([key, await world.storage(c.eth, key)]);
    }
    const kamt = buildKamt(pairs);
    putAll(kamt.blocks);
    // EVM state v16 (builtin-actors state.rs): [bytecode, bytecode_hash, contract_state, transient_data, nonce, tombstone]
    actors.get(id)!.head = put(encodeCbor([c.bytecodeCid, keccak_256(c.code), kamt.root, null, 1, null]));
  };
  const writeState = (): CID => {
    const map = buildHamt([...addressMap.entries()].map(([k, id]) => [Uint8Array.from(Buffer.from(k, 'hex')), id]));
    putAll(map.blocks);
    init.head = put(encodeCbor([map.root, nextId, SYNTH_NETWORK_NAME]));
    const hamt = buildHamt([...actors.values()].map((a) => [idAddress(a.id), [a.code, a.head, a.nonce, encodeBigInt(a.balance), a.delegated]]));
    putAll(hamt.blocks);
    return put(encodeCbor([5, hamt.root, put(encodeCbor([]))]));
  };

  const emptyAmt = buildAmt([], { bitWidth: 3, legacy: true });
  putAll(emptyAmt.blocks);
  const emptyTxMeta = put(encodeTxMeta({ blsMessages: emptyAmt.root, secpkMessages: emptyAmt.root }));
  const branchAt = (h: number): string => (forkFrom !== null && h >= forkFrom ? 'fork' : 'main');

  const header = (h: number, parents: TipSetKey, parentWeight: bigint, parentState: CID, receipts: CID, txMeta: CID, baseFee: bigint, miner: number): Block => {
    const branch = branchAt(h);
    const hdr: BlockHeader = {
      miner: idAddress(miner),
      ticket: { vrfProof: bytesOf(seed, 96, 'ticket', branch, h, miner) },
      electionProof: h === 0 ? null : { winCount: 1, vrfProof: bytesOf(seed, 96, 'election', branch, h, miner) },
      beaconEntries: h === 0 ? [] : [{ round: 1_000_000 + h, data: bytesOf(seed, 96, 'beacon', h) }],
      winPoStProof: h === 0 ? [] : [{ postProof: 3, proofBytes: bytesOf(seed, 192, 'post', branch, h, miner) }],
      parents,
      parentWeight,
      height: h,
      parentStateRoot: parentState,
      parentMessageReceipts: receipts,
      messages: txMeta,
      // the aggregate of no BLS signatures: the compressed G2 point at infinity
      blsAggregate: { type: SigType.BLS, data: Uint8Array.from([0xc0, ...new Uint8Array(95)]) },
      timestamp: SYNTH_GENESIS_TIME + h * SYNTH_BLOCK_DELAY,
      blockSig: h === 0 ? null : { type: SigType.BLS, data: bytesOf(seed, 96, 'sig', branch, h, miner) },
      forkSignaling: 0,
      parentBaseFee: baseFee,
    };
    const bytes = encodeBlockHeader(hdr);
    return { cid: cborCid(bytes), bytes };
  };

  // ---- transactions
  let tokenId = -1;
  let tokenEth: Uint8Array | null = null;
  let tokenDeployHeight = -1;
  const keyNonce = [0, 0, 0, 0];
  const planFor = (h: number): PlannedTx[] => {
    const branch = branchAt(h);
    if (h === 1) return [{ kind: 'create', from: 0, to: null, value: 0n, input: concat(token.bytecode, word(1_000_000n * FIL)) }];
    const t = tokenEth;
    if (!t) return [];
    const transfer = (from: number, to: Uint8Array, amount: bigint, kind: SynthTx['kind'] = 'transfer'): PlannedTx => ({ kind, from, to: t, value: 0n, input: concat(selector('transfer(address,uint256)'), word(to), word(amount)) });
    const r = seeded(seed, 'plan', branch, h);
    const amount = BigInt(1 + r[0]!) * FIL;
    const out: PlannedTx[] = [];
    switch (h % 6) {
      case 0:
        out.push(transfer(0, ethOf(1), amount));
        break;
      case 1:
        out.push(transfer(0, ethOf(2), amount), { kind: 'approve', from: 0, to: t, value: 0n, input: concat(selector('approve(address,uint256)'), word(ethOf(1)), word(amount)) });
        break;
      case 2:
        out.push({ kind: 'note', from: 1, to: t, value: 0n, input: concat(selector('note(uint256,bytes32,string)'), word(BigInt(h)), word(seeded(seed, 'ref', branch, h)), word(96n), abiString(`${branch} note at ${h}`)) });
        break;
      case 3:
        out.push({ kind: 'value', from: 0, to: ethOf(3), value: BigInt(1 + r[1]!) * 10n ** 15n, input: new Uint8Array(0) });
        break;
      case 4:
        // more than eth2 holds: reverts (exit 33), no events; then a transfer that succeeds
        out.push(transfer(2, ethOf(0), 10n ** 30n, 'revert'), transfer(1, ethOf(2), amount / 2n));
        break;
      default:
        // legacy (type 0) transactions: EIP-155 at heights ≡ 5 (mod 12), Homestead (no chain id) at ≡ 11
        out.push(transfer(2, ethOf(1), FIL, h % 12 === 5 ? 'legacy155' : 'homestead'));
    }
    const extra = opts.eventsPerEpoch ?? 0;
    for (let done = 0; done < extra; done += 500) {
      const n = Math.min(500, extra - done);
      out.push({ kind: 'noteBatch', from: 1, to: t, value: 0n, input: concat(selector('noteBatch(uint256,uint256,bytes32)'), word(BigInt(h * 1_000_000 + done)), word(BigInt(n)), word(seeded(seed, 'bulk', branch, h))) });
    }
    return out;
  };

  const signLegacy = (keyIdx: number, p: PlannedTx): { smsg: SignedMessage; hash: Uint8Array } => {
    const nonce = keyNonce[keyIdx]!++;
    const eip155 = p.kind === 'legacy155';
    const unsigned = { chainId: eip155 ? SYNTH_CHAIN_ID : 0, nonce, to: p.to, value: p.value, gasPrice: 2_000_000_000n, gasLimit: 40_000_000, input: p.input };
    const sig = secp256k1.sign(keccak_256(legacyUnsignedRlp(unsigned)), ethKeys[keyIdx]!, { prehash: false, format: 'recovered' });
    const v = BigInt(sig[0]!) + (eip155 ? 35n + 2n * BigInt(SYNTH_CHAIN_ID) : 27n);
    const tx: EthLegacyTx = { ...unsigned, v, r: BigInt(hex(sig.subarray(1, 33))), s: BigInt(hex(sig.subarray(33, 65))) };
    // Lotus's legacy signature layout: prefix (0x01 Homestead, 0x02 EIP-155) ‖ r ‖ s ‖ v
    const vHex = v.toString(16);
    const vBytes = Uint8Array.from(Buffer.from(vHex.length % 2 ? `0${vHex}` : vHex, 'hex'));
    const data = concat(Uint8Array.from([eip155 ? LEGACY_155_PREFIX : LEGACY_HOMESTEAD_PREFIX]), sig.subarray(1, 33), sig.subarray(33, 65), vBytes);
    const fm = toFilecoinMessage({ chainId: SYNTH_CHAIN_ID, nonce, to: p.to, value: p.value, maxFeePerGas: tx.gasPrice, maxPriorityFeePerGas: tx.gasPrice, gasLimit: tx.gasLimit, input: p.input, v: 0n, r: 0n, s: 0n }, SYNTH_CHAIN_ID);
    const message: Message = { version: 0, to: fm.to, from: delegatedAddr(ethOf(keyIdx)), nonce, value: p.value, gasLimit: tx.gasLimit, gasFeeCap: tx.gasPrice, gasPremium: tx.gasPrice, method: Number(fm.method), params: fm.params };
    return { smsg: { message, signature: { type: SigType.Delegated, data } }, hash: keccak_256(legacySignedRlp(tx)) };
  };

  const signEth = (keyIdx: number, p: PlannedTx): { smsg: SignedMessage; hash: Uint8Array } => {
    if (p.kind === 'legacy155' || p.kind === 'homestead') return signLegacy(keyIdx, p);
    const nonce = keyNonce[keyIdx]!++;
    const tx: Eth1559Tx = {
      chainId: SYNTH_CHAIN_ID,
      nonce,
      to: p.to,
      value: p.value,
      maxFeePerGas: 2_000_000_000n,
      maxPriorityFeePerGas: 100_000n + BigInt(seeded(seed, 'tip', keyIdx, nonce)[0]!) * 1000n,
      gasLimit: p.kind === 'create' ? 150_000_000 : p.kind === 'noteBatch' ? 2_000_000_000 : 40_000_000,
      input: p.input,
      v: 0n,
      r: 0n,
      s: 0n,
    };
    const sig = secp256k1.sign(keccak_256(unsignedRlp(tx)), ethKeys[keyIdx]!, { prehash: false, format: 'recovered' });
    tx.v = BigInt(sig[0]!);
    tx.r = BigInt(hex(sig.subarray(1, 33)));
    tx.s = BigInt(hex(sig.subarray(33, 65)));
    const fm = toFilecoinMessage(tx, SYNTH_CHAIN_ID);
    const message: Message = {
      version: 0,
      to: fm.to,
      from: delegatedAddr(ethOf(keyIdx)),
      nonce,
      value: tx.value,
      gasLimit: tx.gasLimit,
      gasFeeCap: tx.maxFeePerGas,
      gasPremium: tx.maxPriorityFeePerGas,
      method: Number(fm.method),
      params: fm.params,
    };
    return { smsg: { message, signature: { type: SigType.Delegated, data: delegatedSignature(tx) } }, hash: txHash(tx) };
  };
  let nativeNonce = 0;
  const signNative = (to: Uint8Array, value: bigint): SignedMessage => {
    const message: Message = { version: 0, to, from: nativeAddr, nonce: nativeNonce++, value, gasLimit: 2_000_000, gasFeeCap: 2_000_000_000n, gasPremium: 150_000n, method: 0, params: new Uint8Array(0) };
    // Lotus sigs.Sign: secp256k1 over blake2b-256 of the message CID bytes, r ‖ s ‖ recovery
    const sig = secp256k1.sign(blake2b256(messageCid(message).bytes), nativeKey, { prehash: false, format: 'recovered' });
    return { message, signature: { type: SigType.Secp256k1, data: Uint8Array.from([...sig.subarray(1), sig[0]!]) } };
  };

  // ---- execution of a tipset's messages in Lotus's order, against the model
  type Known = Map<string, { kind: SynthTx['kind']; hash: Uint8Array | null }>;
  const reader = new ChainReader(store);
  const txs: SynthTx[] = [];
  const execute = async (ts: TipSet, baseFee: bigint, known: Known): Promise<{ receipts: CID; gasLimitSum: bigint }> => {
    const msgs = await reader.messagesForTipset(ts);
    const receipts: unknown[] = [];
    let gasLimitSum = 0n;
    for (const [index, m] of msgs.entries()) {
      gasLimitSum += BigInt(m.message.gasLimit);
      const info = known.get(m.cid.toString());
      if (!info) throw new Error(`synthetic message ${m.cid} was not planned`);
      const sender = actors.get(addressMap.get(addrKey(m.message.from))!)!;
      const fromEth = sender.delegated ? sender.delegated.subarray(2) : null;
      let exitCode = 0;
      let ret: Uint8Array = new Uint8Array(0);
      let logs: EvmLog[] = [];
      let gasUsed: number;
      let toEth: Uint8Array | null = null;
      if (m.message.method === CREATE_EXTERNAL) {
        const r = await world.create(fromEth!, m.message.nonce, decodeCborByteString(m.message.params));
        if (r.reverted || !r.address) throw new Error(`synthetic deployment at ${ts.height} failed`);
        // Init Exec4: the f410 and a robust f2 address (FVM new_actor_address: blake2b-160 of
        // cbor(origin) ‖ origin nonce ‖ actors created in this message) both map to the new ID
        const robust = Uint8Array.from([2, ...blake2b(concat(cborBytes(m.message.from), u64(m.message.nonce), u64(0)), { dkLen: 20 })]);
        const runtime = r.returnData;
        const c = addActor({ code: code('evm'), head: emptyArrCid, nonce: 0, balance: 0n, delegated: delegatedAddr(r.address) }, null, delegatedAddr(r.address), robust);
        contracts.set(c.id, { eth: r.address, code: runtime, bytecodeCid: put(runtime, rawCid(runtime)), storageKeys: new Set() });
        contractByEth.set(addrKey(r.address), c.id);
        await flushContract(c.id);
        logs = r.logs;
        ret = encodeCbor([c.id, robust, r.address]);
        gasUsed = 60_000_000 + Number(r.evmGas) * 40;
        tokenId = c.id;
        tokenEth = r.address;
        tokenDeployHeight = ts.height;
      } else {
        const toId = addressMap.get(addrKey(m.message.to));
        const recipient = toId === undefined ? null : actors.get(toId)!;
        toEth = recipient?.delegated ? recipient.delegated.subarray(2) : null;
        const contract = recipient ? contracts.get(recipient.id) : undefined;
        if (contract) {
          const input = decodeCborByteString(m.message.params);
          const r = await world.call(fromEth ?? new Uint8Array(20), contract.eth, input);
          exitCode = r.reverted ? EXIT_EVM_REVERTED : 0;
          ret = cborBytes(r.returnData);
          logs = r.logs;
          gasUsed = 3_000_000 + Number(r.evmGas) * 40;
          await flushContract(recipient!.id);
        } else {
          gasUsed = m.message.method === INVOKE ? 1_800_000 : 1_200_000; // a value send to an account
        }
        if (exitCode === 0 && m.message.value > 0n) {
          if (!recipient) throw new Error('synthetic value send to an unknown address');
          recipient.balance += m.message.value;
          sender.balance -= m.message.value;
        }
      }
      if (gasUsed > m.message.gasLimit) throw new Error(`synthetic gas ${gasUsed} over limit ${m.message.gasLimit} at ${ts.height}`);
      const fee = BigInt(gasUsed) * baseFee;
      sender.balance -= fee;
      burnt.balance += fee;
      sender.nonce += 1;
      let eventsRoot: CID | null = null;
      if (logs.length > 0) {
        // EVM LOGn → actor event: t1…tn (32-byte topics), then d unless empty; flags 3, raw codec
        const stamped = logs.map((l) => {
          const entries: unknown[] = l.topics.map((t, i) => [3, `t${i + 1}`, RAW, padWord(t)]);
          if (l.data.length > 0) entries.push([3, 'd', RAW, l.data]);
          return [contractByEth.get(addrKey(l.address))!, entries];
        });
        const amt = buildAmt(stamped, { bitWidth: 5, legacy: false });
        putAll(amt.blocks);
        eventsRoot = amt.root;
      }
      receipts.push([exitCode, ret, gasUsed, eventsRoot]);
      txs.push({
        height: ts.height,
        hash: hex(info.hash ?? m.cid.multihash.digest),
        cid: m.cid.toString(),
        from: fromEth ? hex(fromEth) : hex(m.message.from),
        to: m.message.method === CREATE_EXTERNAL ? null : toEth ? hex(toEth) : null,
        kind: info.kind,
        exitCode,
        gasUsed,
        logs: logs.map((l) => ({ address: hex(l.address), topics: l.topics.map((t) => hex(padWord(t))), data: hex(l.data) })),
        index,
      });
    }
    const amt = buildAmt(receipts, { bitWidth: 3, legacy: true });
    putAll(amt.blocks);
    return { receipts: amt.root, gasLimitSum };
  };

  // ---- the chain
  let stateRoot = writeState();
  const genesisBlock = header(0, [FILECOIN_GENESIS_CID], 0n, stateRoot, emptyAmt.root, emptyTxMeta, 100_000_000n, 0);
  putAll([genesisBlock]);
  let parent = await reader.loadTipSet([genesisBlock.cid]);
  let parentWeight = 0n;
  let baseFee = 100_000_000n;
  let receiptsRoot = emptyAmt.root;
  let pending: { ts: TipSet; known: Known; baseFee: bigint } | null = null;
  for (let h = 1; h <= epochs; h++) {
    if (pending) {
      // execution is deferred: the parent's messages run before this tipset's state is known
      const r = await execute(pending.ts, pending.baseFee, pending.known);
      receiptsRoot = r.receipts;
      stateRoot = writeState();
      baseFee = nextBaseFee(pending.baseFee, r.gasLimitSum, pending.ts.blocks.length);
      pending = null;
    }
    if (nullRounds.has(h)) continue;
    const known: Known = new Map();
    const signed: SignedMessage[] = [];
    for (const p of planFor(h)) {
      const { smsg, hash } = signEth(p.from, p);
      signed.push(smsg);
      known.set(cborCid(encodeSignedMessage(smsg)).toString(), { kind: p.kind, hash });
    }
    if (h % 7 === 5) {
      const smsg = signNative(delegatedAddr(ethOf(3)), 3n * 10n ** 16n);
      signed.push(smsg);
      known.set(cborCid(encodeSignedMessage(smsg)).toString(), { kind: 'native-send', hash: null });
    }
    const nBlocks = h % 4 === 2 ? 2 : 1;
    const blocks: Block[] = [];
    for (let b = 0; b < nBlocks; b++) {
      // block b carries messages b, b+n, …; at heights ≡ 2 (mod 8) the second block repeats the first's first message (executed once)
      const mine = signed.filter((_, i) => i % nBlocks === b || (h % 8 === 2 && b === 1 && i === 0));
      const secp = buildAmt(mine.map((m) => put(encodeSignedMessage(m))), { bitWidth: 3, legacy: true });
      putAll(secp.blocks);
      const meta = put(encodeTxMeta({ blsMessages: emptyAmt.root, secpkMessages: secp.root }));
      blocks.push(header(h, parent.key, parentWeight, stateRoot, receiptsRoot, meta, baseFee, 1000 + b));
    }
    putAll(blocks);
    const ts = TipSet.fromBlocks(blocks); // sorted into Lotus's ticket order
    parentWeight += BigInt(256 * nBlocks);
    pending = { ts, known, baseFee };
    parent = ts;
    opts.onTipSet?.(h, epochs);
  }
  if (!tokenEth) throw new Error('the token was never deployed');

  // facts at the head's ParentStateRoot (the head's own messages are not executed)
  const finalState: SynthManifest['finalState'] = {};
  for (const a of actors.values()) {
    const k = a.delegated ? hex(a.delegated.subarray(2)) : a.id === native.id ? hex(nativeAddr) : null;
    if (k) finalState[k] = { balance: a.balance.toString(), nonce: contracts.has(a.id) ? 1 : a.nonce };
  }
  const tokenStorage: Record<string, string> = {};
  const tc = contracts.get(tokenId)!;
  for (const k of tc.storageKeys) {
    const key = Uint8Array.from(Buffer.from(k, 'hex'));
    tokenStorage[hex(key)] = hex(padWord(await world.storage(tc.eth, key)));
  }
  return {
    blocks: [...store.values()],
    head: parent,
    genesis: genesisBlock.cid,
    txs,
    accounts: [
      { label: 'native', id: native.id, eth: null, robust: hex(nativeAddr), privateKey: hex(nativeKey) },
      ...ethActors.map((a, i) => ({ label: i === 3 ? 'placeholder' : `eth${i}`, id: a.id, eth: hex(a.delegated!.subarray(2)), robust: hex(a.delegated!), privateKey: hex(ethKeys[i]!) })),
    ],
    token: { address: hex(tokenEth), id: tokenId, bytecodeCid: tc.bytecodeCid.toString(), deployHeight: tokenDeployHeight, compiler: token.compiler, slots: Object.fromEntries(Object.entries(token.slots).map(([k, v]) => [k, v.toString()])) },
    finalState,
    tokenStorage,
  };
}


