/**
 * Reads that redo expected-consensus arithmetic from headers and state:
 * ChainTipSetWeight (lotus chain/consensus/filcns/weight.go) and
 * StateGetRandomnessDigestFromBeacon (chain/rand/rand.go GetBeaconRandomness: the
 * blake2b-256 digest of the drand entry the epoch uses, found in block headers).
 */
import { MissingBlockError } from '../chain/amt.js';
import { blake2b256 } from '../chain/cid.js';
import { decodeBigInt } from '../chain/bigint.js';
import { NoPowerError, maxBeaconRoundForEpoch, tipSetWeight } from '../chain/consensus.js';
import { loadKind } from '../chain/actors/load.js';
import { POWER_ACTOR } from '../chain/actors/power.js';
import type { TipSet } from '../chain/tipset.js';
import { networkVersionAt } from '../chain/upgrades.js';
import { HandlerError, RpcError } from '../rpc/errors.js';
import type { MethodContext } from './dispatch.js';
import { P } from './params.js';
import { type MethodDef, method } from './registry.js';
import { S } from './schemas.js';
import { kindAt } from './state.js';

/** Tipsets GetLatestBeaconEntry and the V3 round search walk back (chain/store GetLatestBeaconEntry). */
const BEACON_SEARCH_DEPTH = 20;

/** The weight of `ts` from the network power at its parent state; a child's ParentWeight (equal by consensus) where that state is not stored. */
async function weight(ctx: MethodContext, ts: TipSet): Promise<string> {
  try {
    const { st } = await kindAt(ctx, POWER_ACTOR, ts, 'power', (g, a) => loadKind(g, a, 'storagepower', 'power'));
    return tipSetWeight(ts.blocks[0]!.header.parentWeight, decodeBigInt(st.fields.TotalQualityAdjPower as Uint8Array), ts.blocks.map((b) => b.header.electionProof?.winCount ?? 0)).toString();
  } catch (e) {
    if (e instanceof NoPowerError) throw new HandlerError(e.message);
    const child = await ctx.deps.index.canonicalChild(ts.keyCid);
    if (child && e instanceof RpcError && /could not find/.test(e.message)) return (await ctx.deps.reader.loadTipSet(child.key)).blocks[0]!.header.parentWeight.toString();
    throw e;
  }
}

/** The beacon entry randomness at `epoch` uses, seen from `from` (GetBeaconRandomness V1–V3 by network version). */
async function beaconEntryFor(ctx: MethodContext, from: TipSet, epoch: number): Promise<Uint8Array> {
  if (epoch > from.height) throw new HandlerError('cannot draw randomness from the future');
  const network = ctx.view.networkInfo?.name ?? 'unknown';
  const nv = networkVersionAt(network, epoch);
  const parentOf = async (ts: TipSet): Promise<TipSet> => {
    try {
      return await ctx.deps.reader.loadTipSet(ts.parents);
    } catch (e) {
      throw new HandlerError(`failed to load parents when searching back for beacon entry: ${(e as Error).message}`, e);
    }
  };
  if (nv >= 14 && epoch >= 0) {
    const round = maxBeaconRoundForEpoch(network, nv, epoch, (await ctx.view.getGenesis()).blocks[0]!.header.timestamp);
    let ts = await ctx.deps.heads.tipSetAtHeight(epoch, from, false);
    for (let i = 0; i < BEACON_SEARCH_DEPTH; i++) {
      const entry = ts.blocks[0]!.header.beaconEntries.find((b) => b.round === round);
      if (entry) return entry.data;
      if (ts.height === 0) break;
      ts = await parentOf(ts);
    }
    throw new HandlerError(`didn't find beacon for round ${round} (epoch ${epoch})`);
  }
  // V1 (nv ≤ 12: the tipset at or below the epoch) and V2 (nv 13, and negative epochs later: at or above)
  let ts = await ctx.deps.heads.tipSetAtHeight(Math.max(epoch, 0), from, nv <= 12);
  for (let i = 0; i < BEACON_SEARCH_DEPTH; i++) {
    const entries = ts.blocks[0]!.header.beaconEntries;
    if (entries.length > 0) return entries[entries.length - 1]!.data;
    if (ts.height === 0) throw new HandlerError('made it back to genesis block without finding beacon entry');
    ts = await parentOf(ts);
  }
  throw new HandlerError(`found NO beacon entries in the ${BEACON_SEARCH_DEPTH} latest tipsets`);
}

/** The consensus-derived reads. */
export const CONSENSUS_METHODS: MethodDef[] = [
  method({
    name: 'Filecoin.ChainTipSetWeight',
    namespace: 'Chain',
    summary: "A tipset's weight (decimal): its parent weight plus the EC weight of its power and blocks' wins.",
    params: [P.tipSetKey('tsk')],
    result: S.BigInt,
    answer: 'served',
    cache: 'head-relative',
    lookback: 'tipset',
    cost: 'standard',
    source: "store (power actor at the tipset's parent state root; else a child block's ParentWeight)",
    handler: async (ctx, [tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(ts.keyString, () => weight(ctx, ts));
    },
  }),
  method({
    name: 'Filecoin.StateGetRandomnessDigestFromBeacon',
    namespace: 'State',
    summary: 'The blake2b-256 digest (base64) of the drand beacon entry that randomness at `randEpoch` draws on, from the chain of `tsk`.',
    params: [P.epoch('randEpoch'), P.tipSetKey('tsk')],
    result: { type: 'string', contentEncoding: 'base64' },
    answer: 'served',
    cache: 'head-relative',
    lookback: 'tipset',
    cost: 'standard',
    source: 'store (beacon entries of block headers)',
    handler: async (ctx, [epoch, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(`${epoch}@${ts.keyString}`, async () => {
        try {
          return Buffer.from(blake2b256(await beaconEntryFor(ctx, ts, epoch))).toString('base64');
        } catch (e) {
          const msg = `failed to get randomness digest from tickets: ${(e as Error).message}`;
          if (e instanceof RpcError) throw new HandlerError(msg, e);
          if (e instanceof MissingBlockError) throw new HandlerError(msg, e);
          throw e;
        }
      });
    },
  }),
];
