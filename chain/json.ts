/**
 * Lotus JSON: how Lotus renders (and parses) chain types over JSON-RPC.
 * Source: lotus chain/types/*.go MarshalJSON, go-state-types (big.Int, crypto),
 * go-address (String), go-cid (`{"/": "…"}`), Go's encoding/json ([]byte is
 * standard base64 with padding; a nil slice or pointer is `null`).
 *
 * cbor-gen leaves a slice nil when it decodes a zero-length CBOR array or byte
 * string, so empty arrays and byte strings of decoded objects render as `null`.
 */
import { CID, cborCid } from './cid.js';
import { addressFromString, addressToString, type NetworkPrefix } from './address.js';
import { parseBigIntString } from './bigint.js';
import {
  type ActorEvent,
  type EventEntry,
  type MessageReceipt,
  BlockHeader,
  ElectionProof,
  Message,
  SignedMessage,
  Signature,
  Ticket,
  encodeMessage,
  encodeSignedMessage,
} from './types.js';
import { TipSet } from './tipset.js';

/** `{"/": "bafy…"}`. */
export interface CidJson {
  '/': string;
}

/** Render a CID as Lotus JSON. */
export function cidJson(c: CID): CidJson {
  return { '/': c.toString() };
}

/** Base64 of bytes, or null for an empty (nil after cbor-gen decode) byte string. */
export function bytesJson(b: Uint8Array): string | null {
  return b.length === 0 ? null : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

/** Signature JSON. Its Data is never null: go-state-types decodes it as `buf[1:]`, so empty is `""`. */
function signatureJson(s: Signature | null): { Type: number; Data: string } | null {
  return s ? { Type: s.type, Data: Buffer.from(s.data).toString('base64') } : null;
}
function ticketJson(t: Ticket | null): { VRFProof: string | null } | null {
  return t ? { VRFProof: bytesJson(t.vrfProof) } : null;
}
function electionProofJson(e: ElectionProof | null): { WinCount: number; VRFProof: string | null } | null {
  return e ? { WinCount: e.winCount, VRFProof: bytesJson(e.vrfProof) } : null;
}
function nilIfEmpty<T>(a: T[]): T[] | null {
  return a.length === 0 ? null : a;
}

/** Lotus JSON of a block header (field order as lotus's Go struct). */
export function blockHeaderJson(h: BlockHeader, prefix: NetworkPrefix): Record<string, unknown> {
  return {
    Miner: addressToString(h.miner, prefix),
    Ticket: ticketJson(h.ticket),
    ElectionProof: electionProofJson(h.electionProof),
    BeaconEntries: nilIfEmpty(h.beaconEntries.map((e) => ({ Round: e.round, Data: bytesJson(e.data) }))),
    WinPoStProof: nilIfEmpty(h.winPoStProof.map((p) => ({ PoStProof: p.postProof, ProofBytes: bytesJson(p.proofBytes) }))),
    Parents: nilIfEmpty(h.parents.map(cidJson)),
    ParentWeight: h.parentWeight.toString(),
    Height: h.height,
    ParentStateRoot: cidJson(h.parentStateRoot),
    ParentMessageReceipts: cidJson(h.parentMessageReceipts),
    Messages: cidJson(h.messages),
    BLSAggregate: signatureJson(h.blsAggregate),
    Timestamp: h.timestamp,
    BlockSig: signatureJson(h.blockSig),
    ForkSignaling: h.forkSignaling,
    ParentBaseFee: h.parentBaseFee.toString(),
  };
}

/** Lotus JSON of a tipset: `{"Cids":[…],"Blocks":[…],"Height":n}`. */
export function tipSetJson(ts: TipSet, prefix: NetworkPrefix): Record<string, unknown> {
  return {
    Cids: ts.key.map(cidJson),
    Blocks: ts.blocks.map((b) => blockHeaderJson(b.header, prefix)),
    Height: ts.height,
  };
}

/** Lotus JSON of an unsigned message, with its `CID` (of the unsigned message). */
export function messageJson(m: Message, prefix: NetworkPrefix, cid?: CID): Record<string, unknown> {
  return {
    Version: m.version,
    To: addressToString(m.to, prefix),
    From: addressToString(m.from, prefix),
    Nonce: m.nonce,
    Value: m.value.toString(),
    GasLimit: m.gasLimit,
    GasFeeCap: m.gasFeeCap.toString(),
    GasPremium: m.gasPremium.toString(),
    Method: m.method,
    Params: bytesJson(m.params),
    CID: cidJson(cid ?? cborCid(encodeMessage(m))),
  };
}

/** Lotus JSON of a signed message, with its `CID` (of the signed message). */
export function signedMessageJson(m: SignedMessage, prefix: NetworkPrefix, cid?: CID): Record<string, unknown> {
  return {
    Message: messageJson(m.message, prefix),
    Signature: signatureJson(m.signature),
    CID: cidJson(cid ?? cborCid(encodeSignedMessage(m))),
  };
}

/** Lotus JSON of a receipt: `{"ExitCode","Return","GasUsed","EventsRoot"}` (chain/types/message_receipt.go). */
export function receiptJson(r: MessageReceipt): Record<string, unknown> {
  return { ExitCode: r.exitCode, Return: bytesJson(r.return), GasUsed: r.gasUsed, EventsRoot: r.eventsRoot ? cidJson(r.eventsRoot) : null };
}

/** Lotus JSON of an actor event: `{"Emitter", "Entries":[{"Flags","Key","Codec","Value"}]}` (chain/types/event.go). */
export function eventJson(e: ActorEvent): Record<string, unknown> {
  return {
    Emitter: e.emitter,
    Entries: nilIfEmpty(e.entries.map((x) => ({ Flags: x.flags, Key: x.key, Codec: x.codec, Value: bytesJson(x.value) }))),
  };
}

/**
 * Lotus types.ActorEvent JSON (GetActorEventsRaw, SubscribeActorEventsRaw): entries in
 * log form (values base64), the emitter's f4 address or else its ID address, the
 * reverted flag, and where its message was included.
 */
export function actorEventJson(
  e: { entries: EventEntry[]; emitter: Uint8Array; reverted: boolean; height: number; tipsetKey: CID[]; msgCid: CID },
  prefix: NetworkPrefix,
): Record<string, unknown> {
  return {
    entries: e.entries.map((x) => ({ Flags: x.flags, Key: x.key, Codec: x.codec, Value: bytesJson(x.value) })),
    emitter: addressToString(e.emitter, prefix),
    reverted: e.reverted,
    height: e.height,
    tipsetKey: e.tipsetKey.map(cidJson),
    msgCid: cidJson(e.msgCid),
  };
}

// ---------------------------------------------------------------------------
// parsing Lotus JSON back into the data model (for JSON→CBOR checks and params)

/** A JSON value did not have the shape of the named Lotus type. */
export class JsonShapeError extends Error {
  constructor(what: string, detail: string) {
    super(`${what}: ${detail}`);
    this.name = 'JsonShapeError';
  }
}

/** Parse `{"/": "…"}` into a CID. @throws JsonShapeError */
export function parseCidJson(v: unknown, what = 'cid'): CID {
  if (!v || typeof v !== 'object' || typeof (v as CidJson)['/'] !== 'string') {
    throw new JsonShapeError(what, 'expected {"/": "<cid>"}');
  }
  try {
    return CID.parse((v as CidJson)['/']);
  } catch (e) {
    throw new JsonShapeError(what, `invalid cid ${JSON.stringify((v as CidJson)['/'])}: ${(e as Error).message}`);
  }
}

function b64(v: unknown, what: string): Uint8Array {
  if (v === null || v === undefined) return new Uint8Array(0);
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) throw new JsonShapeError(what, 'expected base64');
  return new Uint8Array(Buffer.from(v, 'base64'));
}
function num(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new JsonShapeError(what, 'expected an integer');
  return v;
}
function big(v: unknown, what: string): bigint {
  try {
    return parseBigIntString(v);
  } catch (e) {
    throw new JsonShapeError(what, (e as Error).message);
  }
}
function obj(v: unknown, what: string): Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new JsonShapeError(what, 'expected an object');
  return v as Record<string, unknown>;
}
function list(v: unknown, what: string): unknown[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw new JsonShapeError(what, 'expected an array');
  return v;
}
function addr(v: unknown, what: string): Uint8Array {
  try {
    return addressFromString(v as string);
  } catch (e) {
    throw new JsonShapeError(what, (e as Error).message);
  }
}
function sig(v: unknown, what: string): Signature | null {
  if (v === null || v === undefined) return null;
  const o = obj(v, what);
  return { type: num(o.Type, `${what}.Type`), data: b64(o.Data, `${what}.Data`) };
}

/** Parse Lotus BlockHeader JSON. @throws JsonShapeError */
export function parseBlockHeaderJson(v: unknown): BlockHeader {
  const o = obj(v, 'BlockHeader');
  const t = o.Ticket == null ? null : obj(o.Ticket, 'Ticket');
  const e = o.ElectionProof == null ? null : obj(o.ElectionProof, 'ElectionProof');
  return {
    miner: addr(o.Miner, 'Miner'),
    ticket: t ? { vrfProof: b64(t.VRFProof, 'Ticket.VRFProof') } : null,
    electionProof: e ? { winCount: num(e.WinCount, 'ElectionProof.WinCount'), vrfProof: b64(e.VRFProof, 'ElectionProof.VRFProof') } : null,
    beaconEntries: list(o.BeaconEntries, 'BeaconEntries').map((x) => {
      const b = obj(x, 'BeaconEntry');
      return { round: num(b.Round, 'BeaconEntry.Round'), data: b64(b.Data, 'BeaconEntry.Data') };
    }),
    winPoStProof: list(o.WinPoStProof, 'WinPoStProof').map((x) => {
      const p = obj(x, 'PoStProof');
      return { postProof: num(p.PoStProof, 'PoStProof.PoStProof'), proofBytes: b64(p.ProofBytes, 'PoStProof.ProofBytes') };
    }),
    parents: list(o.Parents, 'Parents').map((c) => parseCidJson(c, 'Parents')),
    parentWeight: big(o.ParentWeight, 'ParentWeight'),
    height: num(o.Height, 'Height'),
    parentStateRoot: parseCidJson(o.ParentStateRoot, 'ParentStateRoot'),
    parentMessageReceipts: parseCidJson(o.ParentMessageReceipts, 'ParentMessageReceipts'),
    messages: parseCidJson(o.Messages, 'Messages'),
    blsAggregate: sig(o.BLSAggregate, 'BLSAggregate'),
    timestamp: num(o.Timestamp, 'Timestamp'),
    blockSig: sig(o.BlockSig, 'BlockSig'),
    forkSignaling: num(o.ForkSignaling, 'ForkSignaling'),
    parentBaseFee: big(o.ParentBaseFee, 'ParentBaseFee'),
  };
}

/** Parse Lotus Message JSON (the `CID` field, if any, is ignored). @throws JsonShapeError */
export function parseMessageJson(v: unknown): Message {
  const o = obj(v, 'Message');
  return {
    version: num(o.Version, 'Version'),
    to: addr(o.To, 'To'),
    from: addr(o.From, 'From'),
    nonce: num(o.Nonce, 'Nonce'),
    value: big(o.Value, 'Value'),
    gasLimit: num(o.GasLimit, 'GasLimit'),
    gasFeeCap: big(o.GasFeeCap, 'GasFeeCap'),
    gasPremium: big(o.GasPremium, 'GasPremium'),
    method: num(o.Method, 'Method'),
    params: b64(o.Params, 'Params'),
  };
}
