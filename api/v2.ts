/**
 * Lotus's `/rpc/v2` API (api/v2api/full.go, gateway.go; node/impl/full/chain_v2.go,
 * state_v2.go): the Filecoin reads that take a TipSetSelector instead of a
 * TipSetKey — `{"tag": "latest"|"safe"|"finalized"}`, `{"key": [CID…]}`, or
 * `{"height": {"at": N, "previous": bool, "anchor": {tag|key}|{}}}` (chain/types
 * tipset_selector.go) — beside the eth methods, which v2 shares with v1. A follower
 * has no F3 and no EC finality calculator, so `finalized` is Lotus's static
 * fallback: 900 epochs below the head (and `safe` 200, or finalized when deeper).
 */
import type { TipSet, TipSetKey } from '../chain/tipset.js';
import { type CID } from '../chain/cid.js';
import { addressToString } from '../chain/address.js';
import { lookupId } from '../chain/state.js';
import { HandlerError, InvalidParamsError } from '../rpc/errors.js';
import { CHAIN_FINALITY, SAFE_HEIGHT_DISTANCE } from './eth-block.js';
import type { MethodContext } from './dispatch.js';
import { P } from './params.js';
import { type MethodDef, method } from './registry.js';
import { S } from './schemas.js';
import { actorJson, loadActor, read } from './state.js';

/** A validated TipSetSelector. */
export type TipSetSelector =
  | { tag: string }
  | { key: TipSetKey }
  | { height: { at: number; previous: boolean; anchor: { tag: string } | { key: TipSetKey } | 'head' | 'finalized' } };

/** A JSON object's value by key, case-insensitively (Go's encoding/json matching). */
function field(o: Record<string, unknown>, name: string): unknown {
  const k = Object.keys(o).find((x) => x.toLowerCase() === name);
  return k === undefined ? undefined : o[k];
}

/** A TipSetKey inside a selector; shape errors are -32602 as json.Unmarshal's would be. */
function keyOf(v: unknown): TipSetKey {
  return P.tipSetKey('key').parse(v, 'selector') as TipSetKey;
}

/**
 * Lotus TipSetSelector.Validate with its texts (code 1):
 * `validating selector: exactly one tipset selection criteria must be specified, found: N`, …
 * @throws HandlerError on a selector Lotus rejects; InvalidParamsError when it is not an object
 */
export function readSelector(v: unknown): TipSetSelector {
  const prefix = 'validating selector: ';
  if (v === null || v === undefined) throw new HandlerError(`${prefix}exactly one tipset selection criteria must be specified, found: 0`);
  if (typeof v !== 'object' || Array.isArray(v)) throw new InvalidParamsError(`unmarshaling params (param: types.TipSetSelector): json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into Go value of type types.TipSetSelector`);
  const o = v as Record<string, unknown>;
  const tag = field(o, 'tag');
  const key = field(o, 'key');
  const height = field(o, 'height');
  let found = 0;
  let out: TipSetSelector | null = null;
  if (key !== undefined && key !== null) {
    found++;
    out = { key: keyOf(key) };
  }
  if (tag !== undefined && tag !== null) {
    found++;
    if (typeof tag !== 'string') throw new InvalidParamsError('unmarshaling params (param: types.TipSetSelector): json: cannot unmarshal into Go struct field TipSetSelector.tag of type types.TipSetTag');
    out = { tag };
  }
  if (height !== undefined && height !== null) {
    found++;
    const h = height as Record<string, unknown>;
    const at = field(h, 'at');
    const hp = `${prefix}validating tipset height: `;
    if (at === undefined || at === null) throw new HandlerError(`${hp}invalid tipset height: at epoch must be specified`);
    if (typeof at !== 'number' || !Number.isSafeInteger(at)) throw new InvalidParamsError('unmarshaling params (param: types.TipSetSelector): json: cannot unmarshal into Go struct field TipSetHeight.height.at of type abi.ChainEpoch');
    if (at < 0) throw new HandlerError(`${hp}invalid tipset height: epoch cannot be less than zero`);
    const a = field(h, 'anchor') as Record<string, unknown> | null | undefined;
    let anchor: { tag: string } | { key: TipSetKey } | 'head' | 'finalized' = 'finalized';
    if (a !== undefined && a !== null) {
      const at2 = field(a, 'tag');
      const ak = field(a, 'key');
      if (at2 != null && ak != null) throw new HandlerError(`${hp}invalid tipset anchor: at most one of key or tag must be specified`);
      anchor = ak != null ? { key: keyOf(ak) } : at2 != null ? { tag: String(at2) } : 'head';
    }
    out = { height: { at, previous: field(h, 'previous') === true, anchor } };
  }
  if (found !== 1 || !out) throw new HandlerError(`${prefix}exactly one tipset selection criteria must be specified, found: ${found}`);
  return out;
}

const selectorParam = (name = 'tss') => P.object(name, 'types.TipSetSelector', { type: 'object', description: '{"tag":"latest"|"safe"|"finalized"} | {"key":[CID…]} | {"height":{"at":N,"previous":bool,"anchor":…}}' }, (v) => v);

/** The static EC-finalized tipset: the one at or below head − 900. */
const finalized = (ctx: MethodContext, head: TipSet): Promise<TipSet> => ctx.deps.heads.tipSetAtHeight(Math.max(0, head.height - CHAIN_FINALITY), head, true);

async function byTag(ctx: MethodContext, tag: string): Promise<TipSet> {
  const head = ctx.view.head();
  if (tag === 'latest') return head;
  if (tag === 'finalized') return finalized(ctx, head);
  if (tag === 'safe') {
    const safe = Math.max(0, head.height - SAFE_HEIGHT_DISTANCE);
    const f = await finalized(ctx, head);
    return f.height >= safe ? f : ctx.deps.heads.tipSetAtHeight(safe, head, true);
  }
  throw new HandlerError(`unknown tipset tag: ${tag}`);
}

/** Resolve a selector to a tipset (ChainModuleV2.ChainGetTipSet), with the method's lookback check. */
export async function selectTipSet(ctx: MethodContext, raw: unknown): Promise<TipSet> {
  const s = readSelector(raw);
  let ts: TipSet;
  if ('tag' in s) ts = await byTag(ctx, s.tag);
  else if ('key' in s) ts = await ctx.tipSetFromKey(s.key);
  else {
    const { at, previous, anchor } = s.height;
    let from: TipSet;
    if (anchor === 'head') from = ctx.view.head();
    else if (anchor === 'finalized') from = await finalized(ctx, ctx.view.head());
    else if ('key' in anchor) from = await ctx.tipSetFromKey(anchor.key);
    else from = await byTag(ctx, anchor.tag).catch((e: Error) => {
      throw new HandlerError(`getting anchor from tipset: ${e.message}`, e);
    });
    if (at > from.height) throw new HandlerError(`looking for tipset with height greater than start point, req: ${at}, head: ${from.height}`);
    ts = at === from.height ? from : await ctx.deps.heads.tipSetAtHeight(at, from, previous);
  }
  ctx.checkLookback(ts.height);
  return ts;
}

/** selectTipSet with Lotus's `getting tipset: ` prefix on its errors (StateGetActor, StateGetID). */
const gettingTipSet = (ctx: MethodContext, sel: unknown): Promise<TipSet> =>
  selectTipSet(ctx, sel).catch((e: Error) => {
    throw e instanceof HandlerError ? new HandlerError(`getting tipset: ${e.message}`, e) : e;
  });

const V2 = { versions: ['v2'], answer: 'served', lookback: 'tipset' } as const;

/** The v2 Filecoin methods (the eth methods are declared once, for v1 and v2). */
export const V2_METHODS: MethodDef[] = [
  method({
    ...V2,
    name: 'Filecoin.ChainGetTipSet',
    namespace: 'Chain',
    summary: 'The tipset a TipSetSelector names: a tag (latest, safe, finalized), a key, or a height from an anchor.',
    params: [selectorParam('tss')],
    result: S.TipSet,
    cost: 'light',
    source: 'index (canonical heights) + store',
    handler: async (ctx, [sel]) => ctx.deps.changes.render(await selectTipSet(ctx, sel)),
  }),
  method({
    ...V2,
    name: 'Filecoin.ChainGetTipSetFinalityStatus',
    namespace: 'Chain',
    summary: 'How final the chain is: the head and the finalized tipset (head − 900; no EC finality calculator or F3 here, so their fields are -1 and null, as Lotus reports them without).',
    params: [],
    result: { type: 'object' },
    lookback: 'none',
    cost: 'light',
    source: 'index (canonical heights) + store',
    handler: async (ctx) => {
      const head = ctx.view.head();
      const f = await finalized(ctx, head);
      return { ecFinalityThresholdDepth: -1, ecFinalizedTipSet: null, f3FinalizedTipSet: null, finalizedTipSet: ctx.deps.changes.render(f), head: ctx.deps.changes.render(head) };
    },
  }),
  method({
    ...V2,
    name: 'Filecoin.StateGetActor',
    namespace: 'State',
    summary: 'An actor at the parent state of the selected tipset (errors as v1: `actor not found`).',
    params: [P.address('actor'), selectorParam('tss')],
    result: S.object('Actor'),
    cost: 'standard',
    source: "store (state tree at the tipset's parent state root)",
    handler: async (ctx, [a, sel]) => {
      const ts = await gettingTipSet(ctx, sel);
      return read(async () => {
        const { actor } = await loadActor(ctx, a, ts);
        return actorJson(ctx, actor);
      });
    },
  }),
  method({
    ...V2,
    name: 'Filecoin.StateGetID',
    namespace: 'State',
    summary: "An address's ID address at the selected tipset.",
    params: [P.address('addr'), selectorParam('tss')],
    result: S.Address,
    cost: 'standard',
    source: "store (init actor at the tipset's parent state root)",
    handler: async (ctx, [a, sel]) => {
      const ts = await gettingTipSet(ctx, sel);
      return read(async () => {
        const id = await lookupId((c: CID) => ctx.view.block(c), ts.parentState, a);
        if (!id) throw new HandlerError('looking up ID: actor not found');
        return addressToString(id, ctx.view.prefix);
      });
    },
  }),
];
