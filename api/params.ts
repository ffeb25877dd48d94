/**
 * JSON-RPC params, declared once per method as a tuple of {@link Param}s: each has a
 * name (used in errors and the OpenRPC document), the Go type go-jsonrpc names in its
 * errors, a JSON schema, and a parser. A bad param gets -32602 with go-jsonrpc's
 * prefix and the param's name:
 *   `unmarshaling params for 'Filecoin.ChainGetBlock' (param: *cid.Cid): blockCid: invalid cid: …`
 * (go-jsonrpc handler.go: `unmarshaling params for '%s' (param: %T): %w`).
 */
import { CID } from '../chain/cid.js';
import type { TipSetKey } from '../chain/tipset.js';
import { addressFromString } from '../chain/address.js';
import { parseEthAddress, parseEthHash } from '../chain/eth/address.js';
import { InvalidParamsError } from '../rpc/errors.js';

/** A JSON schema fragment (OpenRPC `schema`). */
export type JsonSchema = Record<string, unknown>;

/** One positional param. */
export interface Param<T> {
  /** Its name in errors and in the OpenRPC document (Lotus's Go parameter name where it has one). */
  readonly name: string;
  /** The Go type go-jsonrpc names in its errors (`*cid.Cid`, `types.TipSetKey`, …). */
  readonly goType: string;
  readonly schema: JsonSchema;
  /** A trailing param the caller may leave out (it parses from `undefined`). */
  readonly optional: boolean;
  /** @throws InvalidParamsError naming the method and this param. */
  parse(v: unknown, method: string): T;
}

/** The parsed values of a param tuple. */
export type ParsedParams<T extends readonly Param<unknown>[]> = { -readonly [K in keyof T]: T[K] extends Param<infer V> ? V : never };

/** The -32602 error of a param that does not parse. */
export function paramError(method: string, p: { name: string; goType: string }, detail: string, cause?: unknown): InvalidParamsError {
  return new InvalidParamsError(`unmarshaling params for '${method}' (param: ${p.goType}): ${p.name}: ${detail}`, cause);
}

function param<T>(name: string, goType: string, schema: JsonSchema, parse: (v: unknown, fail: (detail: string, cause?: unknown) => never) => T, optional = false): Param<T> {
  const p: Param<T> = {
    name,
    goType,
    schema,
    optional,
    parse: (v, method) =>
      parse(v, (detail, cause) => {
        throw paramError(method, p, detail, cause);
      }),
  };
  return p;
}

function parseCid(v: unknown, fail: (d: string, c?: unknown) => never): CID {
  if (!v || typeof v !== 'object' || Array.isArray(v)) fail(`invalid cid: expected {"/":"<cid>"}, got ${short(v)}`);
  const s = (v as Record<string, unknown>)['/'];
  if (typeof s !== 'string') fail('invalid cid: cid was incorrectly formatted');
  try {
    return CID.parse(s);
  } catch (e) {
    return fail(`invalid cid: ${(e as Error).message}`, e);
  }
}

/** A value rendered for an error message, cut to 80 characters (a client's bytes are never echoed whole). */
function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * Most blocks a TipSetKey may name. Filecoin elects about 5 blocks an epoch; no real
 * tipset comes near this, so a longer key is refused before any store read.
 */
export const MAX_TIPSET_KEY_BLOCKS = 64;

/** A `0x`-hex string param of `digits` hex digits, parsed by `parse` (whose error message is Lotus's). */
function hexParam(name: string, goType: string, digits: number, parse: (s: string) => Uint8Array): Param<Uint8Array> {
  return param(name, goType, { type: 'string', pattern: `^(0x)?[0-9a-fA-F]{${digits}}$` }, (v, fail) => {
    if (typeof v !== 'string') return fail(`json: cannot unmarshal ${short(v)} into Go value of type string`);
    try {
      return parse(v);
    } catch (e) {
      return fail((e as Error).message, e);
    }
  });
}

/**
 * An EthBlockNumberOrHash (ethtypes.EthBlockNumberOrHash.UnmarshalJSON): a tag, a
 * 66-character `0x` block hash, a block number string, or an object
 * `{"blockNumber": "0x…"}` / `{"blockHash": "0x…", "requireCanonical": bool}`.
 */
export type BlockNumberOrHash = { kind: 'tag'; tag: string } | { kind: 'number'; text: string } | { kind: 'hash'; hash: Uint8Array; requireCanonical: boolean };

const BLOCK_TAGS = new Set(['earliest', 'pending', 'latest', 'safe', 'finalized']);

function parseBlockNumberOrHash(v: unknown, fail: (d: string, c?: unknown) => never): BlockNumberOrHash {
  const hashOf = (s: string): Uint8Array => {
    try {
      return parseEthHash(s);
    } catch (e) {
      return fail((e as Error).message, e);
    }
  };
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (o.blockNumber !== undefined && o.blockNumber !== null && o.blockHash !== undefined && o.blockHash !== null) return fail('cannot specify both blockNumber and blockHash');
    if (typeof o.blockNumber === 'string') return { kind: 'number', text: o.blockNumber };
    if (typeof o.blockNumber === 'number' && Number.isSafeInteger(o.blockNumber) && o.blockNumber >= 0) return { kind: 'number', text: String(o.blockNumber) }; // EthUint64 takes a JSON number
    if (typeof o.blockHash === 'string') return { kind: 'hash', hash: hashOf(o.blockHash), requireCanonical: o.requireCanonical === true };
    return fail('invalid block param');
  }
  if (typeof v === 'string') {
    if (BLOCK_TAGS.has(v)) return { kind: 'tag', tag: v };
    if (v.length === 66 && v.startsWith('0x')) return { kind: 'hash', hash: hashOf(v), requireCanonical: false };
    return { kind: 'number', text: v };
  }
  if (typeof v === 'number') return fail('json: cannot unmarshal number into Go value of type string');
  return fail('invalid block param');
}

/** Param constructors. */
export const P = {
  /** A CID `{"/": "…"}` (`*cid.Cid`). */
  cid: (name: string): Param<CID> => param(name, '*cid.Cid', { $ref: '#/components/schemas/Cid' }, parseCid),

  /** A CID or null (ChainStatObj's base). */
  cidOrNull: (name: string): Param<CID | null> =>
    param(name, '*cid.Cid', { oneOf: [{ $ref: '#/components/schemas/Cid' }, { type: 'null' }] }, (v, fail) => (v === null || v === undefined ? null : parseCid(v, fail)), true),

  /** A TipSetKey: an array of CIDs; `null` and `[]` are the empty key ("the head" where Lotus says so). */
  tipSetKey: (name = 'tsk'): Param<TipSetKey> =>
    param(name, '*types.TipSetKey', { $ref: '#/components/schemas/TipSetKey' }, (v, fail) => {
      if (v === null || v === undefined) return [];
      if (!Array.isArray(v)) return fail(`expected an array of CIDs, got ${short(v)}`);
      if (v.length > MAX_TIPSET_KEY_BLOCKS) return fail(`a TipSetKey names at most ${MAX_TIPSET_KEY_BLOCKS} blocks, got ${v.length}`);
      const key = v.map((c, i) => parseCid(c, (d, cause) => fail(`element ${i}: ${d}`, cause)));
      // a tipset holds each block once (Lotus's NewTipSet does not check this; answering [B,B] as a 2-block tipset is a memory amplifier)
      const seen = new Set<string>();
      for (const c of key) {
        const k = c.toString();
        if (seen.has(k)) return fail(`block ${k} appears twice in the TipSetKey`);
        seen.add(k);
      }
      return key;
    }),

  /** An epoch (abi.ChainEpoch, int64), as a JSON integer. */
  epoch: (name: string, opts: { optional?: boolean; default?: number } = {}): Param<number> =>
    param(
      name,
      '*abi.ChainEpoch',
      { type: 'integer' },
      (v, fail) => {
        if (v === undefined && opts.optional) return opts.default ?? -1;
        if (typeof v !== 'number' || !Number.isInteger(v)) return fail(`expected an integer epoch, got ${short(v)}`);
        // int64 in Go; beyond 2^53 a JSON number is no longer exact here (2^53+1 parses as 2^53), so it is refused
        if (!Number.isSafeInteger(v)) return fail(`json: cannot unmarshal number ${short(v)} into Go value of type abi.ChainEpoch (beyond ±2^53-1 it cannot be read exactly)`);
        return v;
      },
      !!opts.optional,
    ),

  /** An unsigned 64-bit integer (abi.SectorNumber, abi.DealID, verifreg.AllocationId, method numbers), as a JSON integer. */
  uint: (name: string, goType: string): Param<number> =>
    param(name, goType, { type: 'integer', minimum: 0 }, (v, fail) => {
      if (typeof v !== 'number' || !Number.isInteger(v)) return fail(`json: cannot unmarshal ${short(v)} into Go value of type ${goType.replace(/^\*/, '')}`);
      if (v < 0) return fail(`json: cannot unmarshal number ${v} into Go value of type ${goType.replace(/^\*/, '')}`);
      if (!Number.isSafeInteger(v)) return fail(`json: cannot unmarshal number ${short(v)} into Go value of type ${goType.replace(/^\*/, '')} (beyond 2^53-1 it cannot be read exactly)`);
      return v;
    }),

  /** Bytes as a base64 JSON string (Go `[]byte`); null reads as empty. */
  base64: (name: string): Param<Uint8Array> =>
    param(name, '[]byte', { type: 'string', contentEncoding: 'base64' }, (v, fail) => {
      if (v === null) return new Uint8Array();
      if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0) return fail(`illegal base64 data in ${short(v)}`);
      return new Uint8Array(Buffer.from(v, 'base64'));
    }),

  /** A Filecoin address string (`f…`/`t…`), as its bytes. */
  address: (name = 'address'): Param<Uint8Array> =>
    param(name, '*address.Address', { $ref: '#/components/schemas/Address' }, (v, fail) => {
      if (typeof v !== 'string') return fail(`expected an address string, got ${short(v)}`);
      try {
        return addressFromString(v);
      } catch (e) {
        return fail((e as Error).message, e);
      }
    }),

  /** An Ethereum address `0x…` (ethtypes.EthAddress), as its 20 bytes. */
  ethAddress: (name: string): Param<Uint8Array> => hexParam(name, 'ethtypes.EthAddress', 40, parseEthAddress),

  /** An eth hash `0x…` (ethtypes.EthHash, 32 bytes): a block or transaction hash. */
  ethHash: (name: string): Param<Uint8Array> => hexParam(name, 'ethtypes.EthHash', 64, parseEthHash),

  /** An eth block parameter: a tag (`latest`, `safe`, …) or a block number string. */
  blockParam: (name: string): Param<string> =>
    param(name, 'string', { type: 'string' }, (v, fail) => {
      if (typeof v !== 'string') return fail(`json: cannot unmarshal ${short(v)} into Go value of type string`);
      return v;
    }),

  /** An optional eth block parameter (`*string`): undefined when left out or null. */
  optionalBlockParam: (name: string): Param<string | undefined> =>
    param(name, '*string', { type: 'string' }, (v, fail) => {
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'string') return fail(`json: cannot unmarshal ${short(v)} into Go value of type string`);
      return v;
    }, true),

  /** An eth block number, tag or hash (ethtypes.EthBlockNumberOrHash); `optional`: defaults to `latest` when left out. */
  blockNumberOrHash: (name: string, optional = false): Param<BlockNumberOrHash> =>
    param(
      name,
      '*ethtypes.EthBlockNumberOrHash',
      { oneOf: [{ type: 'string' }, { type: 'object' }] },
      (v, fail) => (v === undefined && optional ? { kind: 'tag', tag: 'latest' } : parseBlockNumberOrHash(v, fail)),
      optional,
    ),

  /** An EthUint64: a `0x` hex string, a decimal string, or a JSON number. */
  ethUint64: (name: string): Param<number> =>
    param(name, 'ethtypes.EthUint64', { oneOf: [{ type: 'string' }, { type: 'integer' }] }, (v, fail) => {
      if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
      if (typeof v !== 'string') return fail(`json: cannot unmarshal ${short(v)} into Go value of type string`);
      const hex = v.startsWith('0x');
      const digits = hex ? v.slice(2) : v;
      if (!(digits.length > 0 && (hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits))) return fail(`strconv.ParseUint: parsing ${JSON.stringify(digits)}: invalid syntax`);
      const n = BigInt(hex ? `0x${digits}` : digits);
      if (n > 0xffffffffffffffffn) return fail(`strconv.ParseUint: parsing ${JSON.stringify(digits)}: value out of range`);
      return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
    }),

  /** An optional eth hash (`*ethtypes.EthHash`): null when null. */
  nullableEthHash: (name: string): Param<Uint8Array | null> =>
    param(name, '*ethtypes.EthHash', { oneOf: [{ type: 'string' }, { type: 'null' }] }, (v, fail) => {
      if (v === null) return null;
      if (typeof v !== 'string') return fail(`json: cannot unmarshal ${short(v)} into Go value of type string`);
      try {
        return parseEthHash(v);
      } catch (e) {
        return fail((e as Error).message, e);
      }
    }),

  /** A JSON boolean (`bool`). */
  bool: (name: string): Param<boolean> =>
    param(name, 'bool', { type: 'boolean' }, (v, fail) => (typeof v === 'boolean' ? v : fail(`json: cannot unmarshal ${short(v)} into Go value of type bool`))),

  /** Eth data bytes (ethtypes.EthBytes): hex with or without `0x`, odd length left-padded. */
  ethBytes: (name: string): Param<Uint8Array> =>
    param(name, 'ethtypes.EthBytes', { type: 'string' }, (v, fail) => {
      if (typeof v !== 'string') return fail(`json: cannot unmarshal ${short(v)} into Go value of type string`);
      let h = v.replaceAll('0x', '');
      if (h.length % 2) h = `0${h}`;
      if (!/^[0-9a-fA-F]*$/.test(h)) return fail(`encoding/hex: invalid byte: ${JSON.stringify(h.match(/[^0-9a-fA-F]/)![0])}`);
      return Uint8Array.from(Buffer.from(h, 'hex'));
    }),

  /**
   * A JSON value read by `read` (filter specs and other structured params), whose
   * thrown message becomes the param's -32602 detail.
   */
  object: <T>(name: string, goType: string, schema: JsonSchema, read: (v: unknown) => T, optional = false): Param<T> =>
    param(
      name,
      goType,
      schema,
      (v, fail) => {
        try {
          return read(v);
        } catch (e) {
          return fail((e as Error).message, e);
        }
      },
      optional,
    ),

  /** Any JSON value, handed to the method to read (filter specs, raw param lists). */
  json: (name: string, goType: string, schema: JsonSchema = {}, optional = false): Param<unknown> => param(name, goType, schema, (v) => v, optional),

  /**
   * A param this gateway passes on without reading (forwarded methods: a message, an
   * eth call object): declared for arity and the OpenRPC document only.
   */
  opaque: (name: string, goType: string, schema: JsonSchema = {}, optional = false): Param<unknown> => param(name, goType, schema, (v) => v, optional),
};

/** Fewest params a tuple accepts: the params before the first optional one. */
export function minArity(params: readonly Param<unknown>[]): number {
  const i = params.findIndex((p) => p.optional);
  return i < 0 ? params.length : i;
}
