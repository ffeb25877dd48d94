/**
 * Parsing JSON-RPC params into chain types, with -32602 errors that name the
 * method and the parameter's Go type the way go-jsonrpc names them
 * (`unmarshaling params for 'M' (param: *cid.Cid): …`).
 */
import { CID } from '../chain/cid.js';
import type { TipSetKey } from '../chain/tipset.js';
import { InvalidParamsError } from '../rpc/errors.js';
import { addressFromString } from '../chain/address.js';

function bad(method: string, goType: string, detail: string): InvalidParamsError {
  return new InvalidParamsError(`unmarshaling params for '${method}' (param: ${goType}): ${detail}`);
}

/** A CID param `{"/": "…"}`. @throws InvalidParamsError */
export function cidParam(method: string, v: unknown): CID {
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    throw bad(method, '*cid.Cid', `invalid cid: expected {"/":"<cid>"}, got ${JSON.stringify(v)}`);
  }
  const s = (v as Record<string, unknown>)['/'];
  if (typeof s !== 'string') throw bad(method, '*cid.Cid', 'invalid cid: cid was incorrectly formatted');
  try {
    return CID.parse(s);
  } catch (e) {
    throw bad(method, '*cid.Cid', `invalid cid: ${(e as Error).message}`);
  }
}

/** A TipSetKey param: an array of CIDs; `null` and `[]` are the empty key. @throws InvalidParamsError */
export function tipSetKeyParam(method: string, v: unknown): TipSetKey {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw bad(method, '*types.TipSetKey', `expected an array of CIDs, got ${JSON.stringify(v)}`);
  return v.map((c, i) => {
    try {
      return cidParam(method, c);
    } catch (e) {
      throw bad(method, '*types.TipSetKey', `element ${i}: ${(e as Error).message.replace(/^.*?: invalid cid/, 'invalid cid')}`);
    }
  });
}

/** An epoch param (abi.ChainEpoch, int64). @throws InvalidParamsError */
export function epochParam(method: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw bad(method, 'abi.ChainEpoch', `expected an integer epoch, got ${JSON.stringify(v)}`);
  return v;
}

/** An address param (`f…`/`t…` string). @throws InvalidParamsError */
export function addressParam(method: string, v: unknown): Uint8Array {
  if (typeof v !== 'string') throw bad(method, 'address.Address', `expected an address string, got ${JSON.stringify(v)}`);
  try {
    return addressFromString(v);
  } catch (e) {
    throw bad(method, 'address.Address', (e as Error).message);
  }
}
