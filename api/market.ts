/**
 * The storage market and verified registry reads of the State namespace, from the
 * market (f05), verified registry (f06) and datacap (f07) actors' state at a tipset's
 * parent state root, as Lotus answers them (node/impl/full/state.go, chain/stmgr
 * actors.go; chain/actors/builtin/market, verifreg, datacap). JSON: api/api_full.go
 * MarketBalance, MarketDeal; go-state-types builtin/v9/verifreg Allocation, Claim.
 */
import type { CID } from '../chain/cid.js';
import { cidJson } from '../chain/json.js';
import { idOf, lookupId } from '../chain/state.js';
import type { TipSet } from '../chain/tipset.js';
import { EMPTY_DEAL_STATE, MARKET_ACTOR, dealProposal, dealState, loadMarket, marketBalance, pendingDealAllocation, type DealProposal } from '../chain/actors/market.js';
import { type Allocation, type Claim, DATACAP_ACTOR, DATACAP_GRANULARITY, VERIFREG_ACTOR, allocations, claims, datacapBalance, findAllocation, findClaim, loadVerifreg, verifiedClientCap, verifierCap } from '../chain/actors/verifreg.js';
import { ActorNotFoundError, HandlerError } from '../rpc/errors.js';
import type { MethodContext } from './dispatch.js';
import { P } from './params.js';
import { type MethodDecl, type MethodDef, method } from './registry.js';
import { S } from './schemas.js';
import { addr, kindAt, loadActor, read } from './state.js';

const MARKET = { namespace: 'State', answer: 'served', cache: 'head-relative', lookback: 'tipset', cost: 'standard', source: "store (market actor state at the tipset's parent state root)" } as const satisfies Partial<MethodDecl>;
const VERIFREG = { ...MARKET, source: "store (verified registry and datacap actor state at the tipset's parent state root)" } as const satisfies Partial<MethodDecl>;

const get = (ctx: MethodContext) => (c: CID) => ctx.view.block(c);
const market = (ctx: MethodContext, ts: TipSet) => kindAt(ctx, MARKET_ACTOR, ts, 'market', loadMarket);
const verifreg = (ctx: MethodContext, ts: TipSet, label = 'verified registry') => kindAt(ctx, VERIFREG_ACTOR, ts, label, loadVerifreg);

/**
 * Lotus StateLookupID inside another method: ID addresses as they are, others through
 * the init actor; an unknown address is api.ErrActorNotFound (code 11, unwrapped).
 */
async function idAt(ctx: MethodContext, a: Uint8Array, ts: TipSet): Promise<Uint8Array> {
  const id = await read(() => lookupId(get(ctx), ts.parentState, a));
  if (!id) throw new ActorNotFoundError();
  return id;
}

function proposalJson(ctx: MethodContext, p: DealProposal): Record<string, unknown> {
  return {
    PieceCID: cidJson(p.pieceCid),
    PieceSize: p.pieceSize,
    VerifiedDeal: p.verifiedDeal,
    Client: addr(ctx, p.client),
    Provider: addr(ctx, p.provider),
    // go-state-types DealLabel.MarshalJSON: a byte-string label renders as ""
    Label: typeof p.label === 'string' ? p.label : '',
    StartEpoch: p.startEpoch,
    EndEpoch: p.endEpoch,
    StoragePricePerEpoch: p.storagePricePerEpoch.toString(),
    ProviderCollateral: p.providerCollateral.toString(),
    ClientCollateral: p.clientCollateral.toString(),
  };
}

const allocationJson = (a: Allocation) => ({ Client: a.client, Provider: a.provider, Data: cidJson(a.data), Size: a.size, TermMin: a.termMin, TermMax: a.termMax, Expiration: a.expiration });
const claimJson = (c: Claim) => ({ Provider: c.provider, Client: c.client, Data: cidJson(c.data), Size: c.size, TermMin: c.termMin, TermMax: c.termMax, TermStart: c.termStart, Sector: c.sector });

/** A market deal by ID at `ts` (Lotus stmgr.GetStorageDeal). */
async function storageDeal(ctx: MethodContext, dealId: number, ts: TipSet): Promise<{ proposal: DealProposal; json: Record<string, unknown> }> {
  const { st } = await market(ctx, ts);
  const proposal = await dealProposal(get(ctx), st, dealId);
  if (!proposal) throw new HandlerError(`deal ${dealId} not found - deal may not have completed sealing before deal proposal start epoch, or deal may have been slashed`);
  const s = (await dealState(get(ctx), st, dealId)) ?? EMPTY_DEAL_STATE;
  return { proposal, json: { Proposal: proposalJson(ctx, proposal), State: { SectorNumber: s.sectorNumber, SectorStartEpoch: s.sectorStartEpoch, LastUpdatedEpoch: s.lastUpdatedEpoch, SlashEpoch: s.slashEpoch } } };
}

/** The verified registry state at `ts`, refusing actors before v9 as Lotus does (`<what>: unsupported in actors vN`). */
async function verifregV9(ctx: MethodContext, ts: TipSet, what: string) {
  const { st } = await verifreg(ctx, ts);
  if (st.version < 9) throw new HandlerError(`${what}: unsupported in actors v${st.version}`);
  return st;
}

/** One allocation or claim by owner and ID (Lotus FindAllocation / FindClaim): null when absent. */
async function findOne(ctx: MethodContext, ts: TipSet, owner: Uint8Array, id: number, kind: 'allocation' | 'claim') {
  const st = await verifregV9(ctx, ts, `getting ${kind}`);
  const ownerId = BigInt(idOf(owner));
  if (kind === 'allocation') {
    const a = await findAllocation(get(ctx), st, ownerId, id);
    if (a && BigInt(a.client) !== ownerId) throw new HandlerError(`getting allocation: clientId: ${ownerId} did not match client in allocation: ${a.client}`);
    return a ? allocationJson(a) : null;
  }
  const c = await findClaim(get(ctx), st, ownerId, id);
  if (c && BigInt(c.provider) !== ownerId) throw new HandlerError(`getting claim: providerId: ${ownerId} did not match provider in claim: ${c.provider}`);
  return c ? claimJson(c) : null;
}

/** Every allocation of a client or claim of a provider, as Lotus's `map[ID]…` (an object keyed by decimal ID). */
async function findAll(ctx: MethodContext, ts: TipSet, owner: Uint8Array, kind: 'allocations' | 'claims') {
  const st = await verifregV9(ctx, ts, `getting ${kind}`);
  const ownerId = BigInt(idOf(owner));
  const entries = kind === 'allocations' ? (await allocations(get(ctx), st, ownerId)).map(([k, v]) => [k, allocationJson(v)] as const) : (await claims(get(ctx), st, ownerId)).map(([k, v]) => [k, claimJson(v)] as const);
  return Object.fromEntries(entries.map(([k, v]) => [k.toString(), v]));
}

/** The market and verified registry methods. */
export const MARKET_METHODS: MethodDef[] = [
  method({
    ...MARKET,
    name: 'Filecoin.StateMarketBalance',
    summary: "An address's escrow and locked balance in the storage market (attoFIL; 0 when it has none).",
    params: [P.address('addr'), P.tipSetKey('tsk')],
    result: S.object('MarketBalance'),
    handler: async (ctx, [a, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(`${addr(ctx, a)}@${ts.keyString}`, () =>
        read(async () => {
          const { st } = await market(ctx, ts);
          const id = await lookupId(get(ctx), ts.parentState, a);
          // stmgr.MarketBalance returns LookupIDAddress's error as it is (code 1)
          if (!id) throw new HandlerError(`resolve address ${addr(ctx, a)}: actor not found`);
          const b = await marketBalance(get(ctx), st, id);
          return { Escrow: b.escrow.toString(), Locked: b.locked.toString() };
        }),
      );
    },
  }),
  method({
    ...MARKET,
    name: 'Filecoin.StateMarketStorageDeal',
    summary: "A deal's proposal and state (SectorNumber from actors v13; -1 epochs for a deal not yet activated).",
    params: [P.uint('dealId', 'abi.DealID'), P.tipSetKey('tsk')],
    result: S.object('MarketDeal'),
    handler: async (ctx, [dealId, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(`${dealId}@${ts.keyString}`, () => read(async () => (await storageDeal(ctx, dealId, ts)).json));
    },
  }),
  method({
    ...VERIFREG,
    name: 'Filecoin.StateVerifierStatus',
    summary: "A verifier's remaining datacap (bytes), null when the address is not a verifier.",
    params: [P.address('addr'), P.tipSetKey('tsk')],
    result: S.nullable(S.BigInt),
    handler: async (ctx, [a, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(`${addr(ctx, a)}@${ts.keyString}`, () =>
        read(async () => {
          const { st } = await verifreg(ctx, ts);
          const id = await idAt(ctx, a, ts);
          const cap = await verifierCap(get(ctx), st, id);
          return cap === null ? null : cap.toString();
        }),
      );
    },
  }),
  method({
    ...VERIFREG,
    name: 'Filecoin.StateVerifiedClientStatus',
    summary: "A client's datacap (bytes): the verified registry's record through actors v8, the datacap token balance ÷ 10^18 from v9; null when none.",
    params: [P.address('addr'), P.tipSetKey('tsk')],
    result: S.nullable(S.BigInt),
    handler: async (ctx, [a, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(`${addr(ctx, a)}@${ts.keyString}`, () =>
        read(async () => {
          const id = await idAt(ctx, a, ts);
          const { st } = await verifreg(ctx, ts);
          if (st.version <= 8) {
            const cap = await verifiedClientCap(get(ctx), st, id);
            return cap === null ? null : cap.toString();
          }
          const { actor } = await loadActor(ctx, DATACAP_ACTOR, ts).catch((e: Error) => {
            throw new HandlerError(`failed to load datacap actor: ${e.message}`, e);
          });
          const balance = await datacapBalance(get(ctx), actor, BigInt(idOf(id)));
          return balance === null ? null : (balance / DATACAP_GRANULARITY).toString();
        }),
      );
    },
  }),
  method({
    ...VERIFREG,
    name: 'Filecoin.StateGetAllocation',
    summary: "A client's datacap allocation by ID (actors v9+), null when absent.",
    params: [P.address('clientAddr'), P.uint('allocationId', 'verifreg.AllocationId'), P.tipSetKey('tsk')],
    result: S.nullable(S.object('Allocation')),
    handler: async (ctx, [a, id, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(`${addr(ctx, a)}#${id}@${ts.keyString}`, async () => read(async () => findOne(ctx, ts, await idAt(ctx, a, ts), id, 'allocation')));
    },
  }),
  method({
    ...VERIFREG,
    name: 'Filecoin.StateGetAllocations',
    summary: "Every datacap allocation of a client (actors v9+), keyed by allocation ID; {} when none.",
    params: [P.address('clientAddr'), P.tipSetKey('tsk')],
    result: { type: 'object', additionalProperties: S.object('Allocation') },
    cost: 'heavy',
    handler: async (ctx, [a, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(`${addr(ctx, a)}@${ts.keyString}`, async () => read(async () => findAll(ctx, ts, await idAt(ctx, a, ts), 'allocations')));
    },
  }),
  method({
    ...VERIFREG,
    name: 'Filecoin.StateGetAllocationForPendingDeal',
    summary: "The datacap allocation a published, not yet activated deal will claim (actors v9+), null when it has none.",
    params: [P.uint('dealId', 'abi.DealID'), P.tipSetKey('tsk')],
    result: S.nullable(S.object('Allocation')),
    handler: async (ctx, [dealId, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(`${dealId}@${ts.keyString}`, () =>
        read(async () => {
          const { st } = await market(ctx, ts);
          if (st.version < 9) throw new HandlerError('unsupported before actors v9');
          const allocationId = await pendingDealAllocation(get(ctx), st, dealId);
          if (allocationId === 0) return null;
          const { proposal } = await storageDeal(ctx, dealId, ts);
          return findOne(ctx, ts, await idAt(ctx, proposal.client, ts), allocationId, 'allocation');
        }),
      );
    },
  }),
  method({
    ...VERIFREG,
    name: 'Filecoin.StateGetClaim',
    summary: "A provider's claim on a datacap allocation by ID (actors v9+), null when absent.",
    params: [P.address('providerAddr'), P.uint('claimId', 'verifreg.ClaimId'), P.tipSetKey('tsk')],
    result: S.nullable(S.object('Claim')),
    handler: async (ctx, [a, id, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(`${addr(ctx, a)}#${id}@${ts.keyString}`, async () => read(async () => findOne(ctx, ts, await idAt(ctx, a, ts), id, 'claim')));
    },
  }),
  method({
    ...VERIFREG,
    name: 'Filecoin.StateGetClaims',
    summary: "Every claim of a provider (actors v9+), keyed by claim ID; {} when none.",
    params: [P.address('providerAddr'), P.tipSetKey('tsk')],
    result: { type: 'object', additionalProperties: S.object('Claim') },
    cost: 'heavy',
    handler: async (ctx, [a, tsk]) => {
      const ts = await ctx.tipSetFromKey(tsk);
      return ctx.cached(`${addr(ctx, a)}@${ts.keyString}`, async () => read(async () => findAll(ctx, ts, await idAt(ctx, a, ts), 'claims')));
    },
  }),
];
