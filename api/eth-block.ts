/**
 * Eth block parameters as Lotus reads them (node/impl/eth/tipsetresolver.go,
 * GetTipsetByBlockNumber): `pending` is the head, `latest` its parent (the newest
 * executed tipset), `safe` the tipset 200 epochs below the head
 * (buildconstants.SafeHeightDistance: Lotus's v1 default, F3 finality resolution on;
 * with no F3 certificate the finalized tipset is EC's), `finalized` 900 below
 * (policy.ChainFinality; Lotus's EC finality calculator, FRC-0089, may name a higher
 * one), both at or below a null round; `earliest` is refused; a number (`0x…` hex or decimal
 * string) must not be above `latest`, and in strict mode a null round there is
 * code 12 (ENullRound).
 */
import type { TipSet } from '../chain/tipset.js';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { BLAKE2B_256, DAG_CBOR } from '../chain/cid.js';
import { HandlerError, NullRoundError } from '../rpc/errors.js';
import type { MethodContext } from './dispatch.js';
import type { BlockNumberOrHash } from './params.js';

/**
 * Epochs below the head of the `safe` tag (Lotus buildconstants.SafeHeightDistance;
 * 30, ethtypes.SafeEpochDelay, only with LOTUS_ETH_V1_DISABLE_F3_FINALITY_RESOLUTION=1).
 */
export const SAFE_HEIGHT_DISTANCE = 200;
/** Epochs below the head of the `finalized` tag (Lotus policy.ChainFinality). */
export const CHAIN_FINALITY = 900;

/**
 * Parse a block number as Lotus's EthUint64 does: `0x` hex or decimal digits, uint64.
 * @throws HandlerError `failed to parse block number: …` (strconv's wording).
 */
export function parseBlockNumber(s: string): number {
  const hex = s.startsWith('0x');
  const digits = hex ? s.slice(2) : s;
  const ok = digits.length > 0 && (hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits);
  if (!ok) throw new HandlerError(`failed to parse block number: strconv.ParseUint: parsing ${JSON.stringify(digits)}: invalid syntax`);
  const n = BigInt(hex ? `0x${digits}` : digits);
  if (n > 0xffffffffffffffffn) throw new HandlerError(`failed to parse block number: strconv.ParseUint: parsing ${JSON.stringify(digits)}: value out of range`);
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n);
}

/**
 * The tipset a block parameter names, on the follower's chain.
 * @throws HandlerError with Lotus's texts; NullRoundError in strict mode.
 */
export async function tipSetByBlockParam(ctx: MethodContext, param: string, strict: boolean): Promise<TipSet> {
  const head = ctx.view.head();
  const below = (n: number): Promise<TipSet> => ctx.deps.heads.tipSetAtHeight(Math.max(0, head.height - n), head, true);
  switch (param) {
    case 'earliest':
      throw new HandlerError('block param "earliest" is not supported');
    case 'pending':
      return head;
    case 'latest':
      if (head.height === 0) return head;
      try {
        return await ctx.deps.reader.parentOf(head);
      } catch {
        throw new HandlerError('failed to get parent tipset');
      }
    case 'safe':
      return below(SAFE_HEIGHT_DISTANCE);
    case 'finalized':
      return below(CHAIN_FINALITY);
  }
  const n = parseBlockNumber(param);
  if (n > head.height - 1) throw new HandlerError("requested a future epoch (beyond 'latest')");
  let ts: TipSet;
  try {
    ts = await ctx.deps.heads.tipSetAtHeight(n, head, true);
  } catch {
    throw new HandlerError(`failed to get tipset at height: ${n}`);
  }
  if (strict && ts.height !== n) throw new NullRoundError(n);
  return ts;
}

/**
 * The CID an eth block hash stands for: the TipSetKey CID whose blake2b-256 digest
 * it is (Lotus EthHash.ToCid: dag-cbor, blake2b-256).
 */
export function ethHashToCid(hash: Uint8Array): CID {
  return CID.createV1(DAG_CBOR, Digest.create(BLAKE2B_256, hash));
}

/**
 * The tipset an eth block hash names, canonical or not (Lotus GetTipSetByHash).
 * @throws HandlerError `failed to get tipset by hash: ipld: could not find <cid>`
 */
export async function tipSetByEthHash(ctx: MethodContext, hash: Uint8Array): Promise<TipSet> {
  const cid = ethHashToCid(hash);
  const row = await ctx.deps.index.byKeyCid(cid);
  if (!row) throw new HandlerError(`failed to get tipset by hash: ipld: could not find ${cid.toString()}`);
  try {
    return await ctx.deps.reader.loadTipSet(row.key);
  } catch (e) {
    throw new HandlerError(`failed to get tipset by hash: ${(e as Error).message}`, e);
  }
}

/**
 * The tipset an EthBlockNumberOrHash names (Lotus GetTipsetByBlockNumberOrHash): tags
 * and numbers as {@link tipSetByBlockParam}; a hash any indexed tipset, and with
 * `requireCanonical` only a canonical one.
 * @throws HandlerError `tipset is not canonical`, or the texts of the resolvers used.
 */
export async function tipSetByBlockNumberOrHash(ctx: MethodContext, p: BlockNumberOrHash, strict: boolean): Promise<TipSet> {
  if (p.kind === 'tag') return tipSetByBlockParam(ctx, p.tag, strict);
  if (p.kind === 'number') return tipSetByBlockParam(ctx, p.text, strict);
  const ts = await tipSetByEthHash(ctx, p.hash);
  if (p.requireCanonical && !(await ctx.deps.index.isCanonical(ts.keyCid))) throw new HandlerError('tipset is not canonical');
  return ts;
}
