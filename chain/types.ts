/**
 * The Filecoin chain data model: block headers, messages, signed messages,
 * TxMeta, receipts, and their CBOR tuple encodings exactly as Lotus's cbor-gen
 * writes them. Source: lotus chain/types/cbor_gen.go, blockheader.go,
 * message.go, signedmessage.go; go-state-types/crypto.
 *
 * Decoded structures keep every field needed to re-encode the identical bytes.
 * Integers up to 2^53 are numbers; token amounts and weights are bigint.
 */
import { CID, cborCid, decodeCbor, encodeCbor } from './cid.js';
import { decodeBigInt, encodeBigInt } from './bigint.js';

/** A CBOR decoding error: the bytes are not the named Filecoin type. */
export class DecodeError extends Error {
  constructor(what: string, detail: string) {
    super(`decoding ${what}: ${detail}`);
    this.name = 'DecodeError';
  }
}

/** Signature types. Source: go-state-types/crypto/signature.go. */
export const SigType = { Secp256k1: 1, BLS: 2, Delegated: 3 } as const;

/** A signature: type byte + data. CBOR: one byte string `[type, ...data]`. */
export interface Signature {
  type: number;
  data: Uint8Array;
}

/** `Ticket{VRFProof}`. CBOR `[VRFProof]`. */
export interface Ticket {
  vrfProof: Uint8Array;
}

/** `ElectionProof{WinCount, VRFProof}`. CBOR `[WinCount, VRFProof]`. */
export interface ElectionProof {
  winCount: number;
  vrfProof: Uint8Array;
}

/** Drand beacon entry. CBOR `[Round, Data]`. */
export interface BeaconEntry {
  round: number;
  data: Uint8Array;
}

/** Winning PoSt proof. CBOR `[PoStProof, ProofBytes]`. */
export interface PoStProof {
  postProof: number;
  proofBytes: Uint8Array;
}

/** A block header: the 16-field CBOR tuple of lotus chain/types/blockheader.go. */
export interface BlockHeader {
  /** Miner address bytes. */
  miner: Uint8Array;
  ticket: Ticket | null;
  electionProof: ElectionProof | null;
  beaconEntries: BeaconEntry[];
  winPoStProof: PoStProof[];
  parents: CID[];
  /** Chain weight, arbitrary precision. */
  parentWeight: bigint;
  /** Epoch. */
  height: number;
  parentStateRoot: CID;
  parentMessageReceipts: CID;
  /** TxMeta CID. */
  messages: CID;
  blsAggregate: Signature | null;
  /** Unix seconds. */
  timestamp: number;
  blockSig: Signature | null;
  forkSignaling: number;
  /** attoFIL per gas unit. */
  parentBaseFee: bigint;
}

/** An unsigned message: the 10-field tuple of lotus chain/types/message.go. */
export interface Message {
  version: number;
  to: Uint8Array;
  from: Uint8Array;
  nonce: number;
  /** attoFIL. */
  value: bigint;
  gasLimit: number;
  /** attoFIL per gas unit. */
  gasFeeCap: bigint;
  /** attoFIL per gas unit. */
  gasPremium: bigint;
  method: number;
  params: Uint8Array;
}

/** A signed message: CBOR `[Message, Signature]`. Its CID is the CID of these bytes. */
export interface SignedMessage {
  message: Message;
  signature: Signature;
}

/** TxMeta: CBOR `[BlsMessages AMT root, SecpkMessages AMT root]`. */
export interface TxMeta {
  blsMessages: CID;
  secpkMessages: CID;
}

/** A message receipt: `[ExitCode, Return, GasUsed]` (+ `EventsRoot` from nv18). */
export interface MessageReceipt {
  exitCode: number;
  return: Uint8Array;
  gasUsed: number;
  eventsRoot: CID | null;
  /** Whether the encoding carried the 4th field (nv18+). */
  hasEventsRoot: boolean;
}

// ---------------------------------------------------------------------------
// field readers: each names the field on failure

function arr(v: unknown, what: string, len?: number): unknown[] {
  if (!Array.isArray(v)) throw new DecodeError(what, 'expected a CBOR array');
  if (len !== undefined && v.length !== len) throw new DecodeError(what, `expected ${len} fields, got ${v.length}`);
  return v;
}
function bytes(v: unknown, what: string): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new DecodeError(what, 'expected a byte string');
  return v;
}
function int(v: unknown, what: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'bigint') return Number(v);
  throw new DecodeError(what, 'expected an integer');
}
function cid(v: unknown, what: string): CID {
  const c = CID.asCID(v);
  if (!c) throw new DecodeError(what, 'expected a CID');
  return c;
}
function bigint(v: unknown, what: string): bigint {
  try {
    return decodeBigInt(bytes(v, what));
  } catch (e) {
    throw new DecodeError(what, (e as Error).message);
  }
}

/** Decode a signature byte string. */
export function decodeSignature(v: unknown, what = 'Signature'): Signature {
  const b = bytes(v, what);
  if (b.length === 0) throw new DecodeError(what, 'empty signature');
  return { type: b[0]!, data: b.subarray(1) };
}
/** Encode a signature as its CBOR byte-string payload. */
export function signatureBytes(s: Signature): Uint8Array {
  const out = new Uint8Array(s.data.length + 1);
  out[0] = s.type;
  out.set(s.data, 1);
  return out;
}

// ---------------------------------------------------------------------------
// BlockHeader

/** Decode a block header from its CBOR tuple (already CBOR-decoded). */
export function blockHeaderFromCbor(v: unknown): BlockHeader {
  const f = arr(v, 'BlockHeader', 16);
  const t = f[1] === null ? null : arr(f[1], 'BlockHeader.Ticket', 1);
  const ep = f[2] === null ? null : arr(f[2], 'BlockHeader.ElectionProof', 2);
  return {
    miner: bytes(f[0], 'BlockHeader.Miner'),
    ticket: t ? { vrfProof: bytes(t[0], 'Ticket.VRFProof') } : null,
    electionProof: ep ? { winCount: int(ep[0], 'ElectionProof.WinCount'), vrfProof: bytes(ep[1], 'ElectionProof.VRFProof') } : null,
    beaconEntries: arr(f[3], 'BlockHeader.BeaconEntries').map((e) => {
      const b = arr(e, 'BeaconEntry', 2);
      return { round: int(b[0], 'BeaconEntry.Round'), data: bytes(b[1], 'BeaconEntry.Data') };
    }),
    winPoStProof: arr(f[4], 'BlockHeader.WinPoStProof').map((e) => {
      const p = arr(e, 'PoStProof', 2);
      return { postProof: int(p[0], 'PoStProof.PoStProof'), proofBytes: bytes(p[1], 'PoStProof.ProofBytes') };
    }),
    parents: arr(f[5], 'BlockHeader.Parents').map((c) => cid(c, 'BlockHeader.Parents')),
    parentWeight: bigint(f[6], 'BlockHeader.ParentWeight'),
    height: int(f[7], 'BlockHeader.Height'),
    parentStateRoot: cid(f[8], 'BlockHeader.ParentStateRoot'),
    parentMessageReceipts: cid(f[9], 'BlockHeader.ParentMessageReceipts'),
    messages: cid(f[10], 'BlockHeader.Messages'),
    blsAggregate: f[11] === null ? null : decodeSignature(f[11], 'BlockHeader.BLSAggregate'),
    timestamp: int(f[12], 'BlockHeader.Timestamp'),
    blockSig: f[13] === null ? null : decodeSignature(f[13], 'BlockHeader.BlockSig'),
    forkSignaling: int(f[14], 'BlockHeader.ForkSignaling'),
    parentBaseFee: bigint(f[15], 'BlockHeader.ParentBaseFee'),
  };
}

/** The CBOR tuple of a block header, ready for dag-cbor encoding. */
export function blockHeaderToCbor(h: BlockHeader): unknown[] {
  return [
    h.miner,
    h.ticket ? [h.ticket.vrfProof] : null,
    h.electionProof ? [h.electionProof.winCount, h.electionProof.vrfProof] : null,
    h.beaconEntries.map((e) => [e.round, e.data]),
    h.winPoStProof.map((p) => [p.postProof, p.proofBytes]),
    h.parents,
    encodeBigInt(h.parentWeight),
    h.height,
    h.parentStateRoot,
    h.parentMessageReceipts,
    h.messages,
    h.blsAggregate ? signatureBytes(h.blsAggregate) : null,
    h.timestamp,
    h.blockSig ? signatureBytes(h.blockSig) : null,
    h.forkSignaling,
    encodeBigInt(h.parentBaseFee),
  ];
}

/** Decode block header bytes. @throws DecodeError */
export function decodeBlockHeader(b: Uint8Array): BlockHeader {
  return blockHeaderFromCbor(decodeCbor(b));
}
/** Encode a block header to its CBOR bytes. */
export function encodeBlockHeader(h: BlockHeader): Uint8Array {
  return encodeCbor(blockHeaderToCbor(h));
}

// ---------------------------------------------------------------------------
// Message / SignedMessage

/** Decode an unsigned message tuple. */
export function messageFromCbor(v: unknown): Message {
  const f = arr(v, 'Message', 10);
  return {
    version: int(f[0], 'Message.Version'),
    to: bytes(f[1], 'Message.To'),
    from: bytes(f[2], 'Message.From'),
    nonce: int(f[3], 'Message.Nonce'),
    value: bigint(f[4], 'Message.Value'),
    gasLimit: int(f[5], 'Message.GasLimit'),
    gasFeeCap: bigint(f[6], 'Message.GasFeeCap'),
    gasPremium: bigint(f[7], 'Message.GasPremium'),
    method: int(f[8], 'Message.Method'),
    params: bytes(f[9], 'Message.Params'),
  };
}
/** The CBOR tuple of an unsigned message. */
export function messageToCbor(m: Message): unknown[] {
  return [m.version, m.to, m.from, m.nonce, encodeBigInt(m.value), m.gasLimit, encodeBigInt(m.gasFeeCap), encodeBigInt(m.gasPremium), m.method, m.params];
}
/** Decode unsigned message bytes. @throws DecodeError */
export function decodeMessage(b: Uint8Array): Message {
  return messageFromCbor(decodeCbor(b));
}
/** Encode an unsigned message. */
export function encodeMessage(m: Message): Uint8Array {
  return encodeCbor(messageToCbor(m));
}
/** Decode signed message bytes. @throws DecodeError */
export function decodeSignedMessage(b: Uint8Array): SignedMessage {
  const f = arr(decodeCbor(b), 'SignedMessage', 2);
  return { message: messageFromCbor(f[0]), signature: decodeSignature(f[1], 'SignedMessage.Signature') };
}
/** Encode a signed message. */
export function encodeSignedMessage(m: SignedMessage): Uint8Array {
  return encodeCbor([messageToCbor(m.message), signatureBytes(m.signature)]);
}
/** CID of an unsigned message (what a BLS message is known by). */
export function messageCid(m: Message): CID {
  return cborCid(encodeMessage(m));
}

/**
 * Decode a stored message block that may be either an unsigned Message (BLS) or a
 * SignedMessage (secp256k1/delegated), as Lotus's ChainStore.GetCMessage does.
 */
export function decodeChainMessage(b: Uint8Array): { message: Message; signed: SignedMessage | null } {
  const v = decodeCbor(b);
  if (Array.isArray(v) && v.length === 2) {
    const f = v as unknown[];
    const signed = { message: messageFromCbor(f[0]), signature: decodeSignature(f[1], 'SignedMessage.Signature') };
    return { message: signed.message, signed };
  }
  return { message: messageFromCbor(v), signed: null };
}

// ---------------------------------------------------------------------------
// TxMeta, receipts

/** Decode TxMeta bytes. @throws DecodeError */
export function decodeTxMeta(b: Uint8Array): TxMeta {
  const f = arr(decodeCbor(b), 'TxMeta', 2);
  return { blsMessages: cid(f[0], 'TxMeta.BlsMessages'), secpkMessages: cid(f[1], 'TxMeta.SecpkMessages') };
}
/** Encode TxMeta. */
export function encodeTxMeta(t: TxMeta): Uint8Array {
  return encodeCbor([t.blsMessages, t.secpkMessages]);
}

/** Decode a receipt tuple (3 fields before nv18, 4 after). */
export function receiptFromCbor(v: unknown): MessageReceipt {
  const f = arr(v, 'MessageReceipt');
  if (f.length !== 3 && f.length !== 4) throw new DecodeError('MessageReceipt', `expected 3 or 4 fields, got ${f.length}`);
  return {
    exitCode: int(f[0], 'MessageReceipt.ExitCode'),
    return: bytes(f[1], 'MessageReceipt.Return'),
    gasUsed: int(f[2], 'MessageReceipt.GasUsed'),
    eventsRoot: f.length === 4 && f[3] !== null ? cid(f[3], 'MessageReceipt.EventsRoot') : null,
    hasEventsRoot: f.length === 4,
  };
}
/** The CBOR tuple of a receipt. */
export function receiptToCbor(r: MessageReceipt): unknown[] {
  const base: unknown[] = [r.exitCode, r.return, r.gasUsed];
  if (r.hasEventsRoot) base.push(r.eventsRoot);
  return base;
}

// ---------------------------------------------------------------------------
// actor events (FIP-0049), stored in a v3+ AMT of bit width 5 (types.EventAMTBitwidth)

/** One event entry: `[Flags, Key, Codec, Value]`. */
export interface EventEntry {
  flags: number;
  key: string;
  /** IPLD codec of `value` (0x51 cbor, 0x55 raw). */
  codec: number;
  value: Uint8Array;
}

/** An actor event: `[Emitter (actor ID), Entries]`. Source: lotus chain/types/event.go. */
export interface ActorEvent {
  emitter: number;
  entries: EventEntry[];
}

/** Decode an event tuple. @throws DecodeError */
export function eventFromCbor(v: unknown): ActorEvent {
  const f = arr(v, 'Event', 2);
  return {
    emitter: int(f[0], 'Event.Emitter'),
    entries: arr(f[1], 'Event.Entries').map((e) => {
      const x = arr(e, 'EventEntry', 4);
      if (typeof x[1] !== 'string') throw new DecodeError('EventEntry.Key', 'expected a text string');
      return { flags: int(x[0], 'EventEntry.Flags'), key: x[1], codec: int(x[2], 'EventEntry.Codec'), value: bytes(x[3], 'EventEntry.Value') };
    }),
  };
}

/** The CBOR tuple of an event. */
export function eventToCbor(e: ActorEvent): unknown[] {
  return [e.emitter, e.entries.map((x) => [x.flags, x.key, x.codec, x.value])];
}
