/**
 * The Chain namespace: reads of blocks, tipsets, messages, receipts and events from
 * the shared store, and ChainNotify. Each method matches Lotus's JSON and errors
 * (lotus node/impl/full/chain.go; api/api_full.go; wire facts in DESIGN.md §2).
 */
import type { TipSet } from '../chain/tipset.js';
import { blockHeaderJson, cidJson, eventJson, messageJson, receiptJson, signedMessageJson } from '../chain/json.js';
import { type CID, IDENTITY, linksOf } from '../chain/cid.js';
import { amtValues } from '../chain/amt.js';
import { type BlockHeader, eventFromCbor } from '../chain/types.js';
import type { ChainMessage } from '../blockstore/chain-reader.js';
import { HandlerError, LimitExceededError } from '../rpc/errors.js';
import { loadErr, readError } from './chain-view.js';
import type { MethodContext } from './dispatch.js';
import { P } from './params.js';
import { CHAIN_FINALITY } from './eth-block.js';
import { type MethodDef, method } from './registry.js';
import { S } from './schemas.js';

/** Longest ChainGetPath answered (epochs between the two tipsets); beyond: -32005. */
export const MAX_PATH_EPOCHS = 10_000;

/** Most blocks ChainStatObj walks before answering -32005. */
export const STAT_OBJ_MAX_BLOCKS = 1_000_000;

const STORE = 'store (blocks)';

/** ChainGetTipSetByHeight / …AfterHeight: the tipset at `h` on the chain of `tsk`, keyed by that chain. */
async function byHeight(ctx: MethodContext, h: number, from: TipSet, prev: boolean): Promise<Record<string, unknown>> {
  if (h < 0) throw new HandlerError(`height ${h} is negative`);
  if (h > from.height) throw new HandlerError(`looking for tipset with height greater than start point, req: ${h}, head: ${from.height}`);
  ctx.checkLookback(h, 'bad tipset height');
  // keyed by the tipset it was asked from: never "the head", so a revert cannot leak
  return ctx.cached(`${h}@${from.keyString}`, async () => ctx.deps.changes.render(await ctx.deps.heads.tipSetAtHeight(h, from, prev)));
}

/** Lotus's `[]api.Message` of a tipset (`null` when empty). */
function messagesJson(ctx: MethodContext, msgs: ChainMessage[]): unknown {
  return msgs.length === 0 ? null : msgs.map((x) => ({ Cid: cidJson(x.cid), Message: messageJson(x.message, ctx.view.prefix) }));
}

/** An answer about a block's parent tipset, cached by the block's CID; `null` for genesis (it has no parent). */
function ofParent(ctx: MethodContext, cid: CID, compute: (header: BlockHeader) => Promise<unknown>): Promise<unknown> {
  return ctx.cached(cid.toString(), async () => {
    const header = await ctx.view.header(cid);
    return header.height === 0 ? null : compute(header);
  });
}

/** Sector commitment codecs (fil-commitment-unsealed 0xf101, -sealed 0xf102): links Lotus's ChainStatObj neither fetches nor counts. */
const COMMITMENT_CODECS = new Set([0xf101, 0xf102]);

/**
 * ChainStatObj: blocks and bytes reachable from `obj`, minus those reachable from
 * `base` (Lotus node/impl/full/chain.go: every visited node counts once as a link,
 * the root included; sector commitments are skipped; identity CIDs, such as the
 * actors v0–v7 code CIDs, count with their inline bytes).
 */
async function statObj(ctx: MethodContext, obj: CID, base: CID | null): Promise<{ Size: number; Links: number }> {
  const walk = async (root: CID, skip: Set<string>, visit: (b: Uint8Array) => void): Promise<Set<string>> => {
    const seen = new Set<string>();
    const stack = [root];
    while (stack.length > 0) {
      const c = stack.pop()!;
      const k = c.toString();
      if (seen.has(k) || skip.has(k) || COMMITMENT_CODECS.has(c.code)) continue;
      seen.add(k);
      if (seen.size > STAT_OBJ_MAX_BLOCKS) throw new LimitExceededError(`ChainStatObj: more than ${STAT_OBJ_MAX_BLOCKS} blocks`);
      const b = c.multihash.code === IDENTITY ? c.multihash.digest : await ctx.view.block(c);
      if (!b) throw new HandlerError(`ipld: could not find ${k}`);
      visit(b);
      stack.push(...linksOf(c, b));
    }
    return seen;
  };
  const skip = base ? await walk(base, new Set(), () => undefined) : new Set<string>();
  let size = 0;
  let links = 0;
  await walk(obj, skip, (b) => {
    size += b.length;
    links++;
  });
  return { Size: size, Links: links };
}

/** The Chain namespace. */
export const CHAIN_METHODS: MethodDef[] = [
  method({
    name: 'Filecoin.ChainHead',
    namespace: 'Chain',
    summary: 'The tipset the follower serves as its head.',
    params: [],
    result: S.TipSet,
    answer: 'served',
    cache: 'head',
    cost: 'light',
    source: "follower's head (leader's ChainNotify + the store's head row)",
    handler: (ctx) => ctx.deps.changes.render(ctx.view.head()),
  }),
  method({
    name: 'Filecoin.ChainNotify',
    namespace: 'Chain',
    summary: 'Head changes on a go-jsonrpc channel: one `current`, then every revert/apply (WebSocket only).',
    params: [],
    result: { type: 'integer', description: 'channel id; values arrive as xrpc.ch.val' },
    answer: 'served',
    cost: 'standard',
    channel: true,
    source: "follower's head (leader's ChainNotify + the store's head row)",
    handler: (ctx, _p, call) => {
      const ch = call.openChannel!();
      ctx.deps.changes.subscribe(ch);
      return ch.id;
    },
  }),
  method({
    name: 'Filecoin.ChainGetGenesis',
    namespace: 'Chain',
    summary: 'The genesis tipset.',
    params: [],
    result: S.TipSet,
    answer: 'served',
    cache: 'immutable',
    cost: 'light',
    source: 'index (canonical heights) + store',
    handler: async (ctx) => ctx.deps.changes.render(await ctx.view.getGenesis()),
  }),
  method({
    name: 'Filecoin.ChainGetFinalizedTipSet',
    namespace: 'Chain',
    versions: ['v1'],
    summary: 'The EC-finalized tipset: 900 epochs (policy.ChainFinality) below the head, or the one below a null round there; genesis on a younger chain. No F3 certificate is known to a follower, so Lotus\'s F3 answer is not given.',
    params: [],
    result: S.TipSet,
    answer: 'served',
    cost: 'light',
    source: 'index (canonical heights) + store',
    handler: async (ctx) => {
      const head = ctx.view.head();
      return ctx.deps.changes.render(await ctx.deps.heads.tipSetAtHeight(Math.max(0, head.height - CHAIN_FINALITY), head, true));
    },
  }),
  method({
    name: 'Filecoin.ChainGetTipSet',
    namespace: 'Chain',
    summary: 'A tipset by its key (the empty key is an error, as in Lotus).',
    params: [P.tipSetKey('tsk')],
    result: S.TipSet,
    answer: 'served',
    cache: 'immutable',
    cost: 'light',
    source: STORE,
    handler: async (ctx, [tsk]) => ctx.deps.changes.render(await ctx.view.loadTipSet(tsk)),
  }),
  method({
    name: 'Filecoin.ChainGetTipSetByHeight',
    namespace: 'Chain',
    summary: 'The tipset at a height on the chain of `tsk` (the one below, for a null round).',
    params: [P.epoch('height'), P.tipSetKey('tsk')],
    result: S.TipSet,
    answer: 'served',
    cache: 'head-relative',
    lookback: 'tipset',
    cost: 'standard',
    source: "follower's own chain for the last 900 epochs, index (canonical heights) below",
    handler: async (ctx, [h, tsk]) => byHeight(ctx, h, await ctx.tipSetFromKey(tsk), true),
  }),
  method({
    name: 'Filecoin.ChainGetTipSetAfterHeight',
    namespace: 'Chain',
    summary: 'The tipset at a height on the chain of `tsk` (the one above, for a null round).',
    params: [P.epoch('height'), P.tipSetKey('tsk')],
    result: S.TipSet,
    answer: 'served',
    cache: 'head-relative',
    lookback: 'tipset',
    cost: 'standard',
    source: "follower's own chain for the last 900 epochs, index (canonical heights) below",
    handler: async (ctx, [h, tsk]) => byHeight(ctx, h, await ctx.tipSetFromKey(tsk), false),
  }),
  method({
    name: 'Filecoin.ChainGetBlock',
    namespace: 'Chain',
    summary: 'A block header by CID.',
    params: [P.cid('blockCid')],
    result: S.BlockHeader,
    answer: 'served',
    cache: 'immutable',
    cost: 'light',
    source: STORE,
    handler: (ctx, [cid]) => ctx.cached(cid.toString(), async () => blockHeaderJson(await ctx.view.header(cid), ctx.view.prefix)),
  }),
  method({
    name: 'Filecoin.ChainGetBlockMessages',
    namespace: 'Chain',
    summary: "A block's BLS and secp messages and their CIDs.",
    params: [P.cid('blockCid')],
    result: S.object('BlockMessages'),
    answer: 'served',
    cache: 'immutable',
    cost: 'standard',
    source: STORE,
    handler: (ctx, [cid]) =>
      ctx.cached(cid.toString(), async () => {
        const header = await ctx.view.header(cid);
        let msgs;
        try {
          msgs = await ctx.deps.reader.messagesForBlock(header);
        } catch (e) {
          throw readError(e, `failed to load msgmeta (${header.messages.toString()}): ${loadErr(e)}`);
        }
        const prefix = ctx.view.prefix;
        return {
          BlsMessages: msgs.bls.map((x) => messageJson(x.message, prefix, x.cid)),
          SecpkMessages: msgs.secpk.map((x) => signedMessageJson(x.signed, prefix, x.cid)),
          Cids: [...msgs.bls.map((x) => cidJson(x.cid)), ...msgs.secpk.map((x) => cidJson(x.cid))],
        };
      }),
  }),
  method({
    name: 'Filecoin.ChainGetMessage',
    namespace: 'Chain',
    summary: 'A message by CID (a secp CID answers with the inner unsigned message).',
    params: [P.cid('messageCid')],
    result: S.object('Message'),
    answer: 'served',
    cache: 'immutable',
    cost: 'light',
    source: STORE,
    handler: async (ctx, [cid]) => {
      let msg;
      try {
        msg = await ctx.deps.reader.getMessage(cid);
      } catch (e) {
        throw readError(e, loadErr(e));
      }
      return messageJson(msg.message, ctx.view.prefix, msg.signed ? undefined : cid);
    },
  }),
  method({
    name: 'Filecoin.ChainReadObj',
    namespace: 'Chain',
    summary: 'The raw bytes of an IPLD block, base64.',
    params: [P.cid('obj')],
    result: { type: 'string', contentEncoding: 'base64' },
    answer: 'served',
    cache: 'immutable',
    cost: 'light',
    source: STORE,
    handler: async (ctx, [cid]) => {
      const b = await ctx.view.block(cid);
      if (!b) throw new HandlerError(`blockstore get: ipld: could not find ${cid.toString()}`);
      return Buffer.from(b).toString('base64');
    },
  }),
  method({
    name: 'Filecoin.ChainHasObj',
    namespace: 'Chain',
    summary: 'Whether the store has an IPLD block.',
    params: [P.cid('obj')],
    result: { type: 'boolean' },
    answer: 'served',
    cost: 'light',
    source: STORE,
    handler: (ctx, [cid]) => ctx.deps.reader.blockstore.has(cid),
  }),
  method({
    name: 'Filecoin.ChainStatObj',
    namespace: 'Chain',
    summary: 'Blocks and bytes reachable from `obj` and not from `base` (at most a million blocks).',
    params: [P.cid('obj'), P.cidOrNull('base')],
    result: S.object('ObjStat'),
    answer: 'served',
    cache: 'immutable',
    cost: 'heavy',
    source: STORE,
    handler: (ctx, [obj, base]) => ctx.cached(`${obj}/${base ?? ''}`, () => statObj(ctx, obj, base)),
  }),
  method({
    name: 'Filecoin.ChainGetPath',
    namespace: 'Chain',
    summary: 'The head changes (reverts, then applies) from one tipset to another (at most 10,000 epochs).',
    params: [P.tipSetKey('from'), P.tipSetKey('to')],
    result: { type: 'array', items: S.object('HeadChange') },
    answer: 'served',
    lookback: 'tipset',
    cost: 'heavy',
    source: STORE,
    handler: async (ctx, [fromKey, toKey]) => {
      const from = await ctx.view.loadTipSet(fromKey);
      const to = await ctx.view.loadTipSet(toKey);
      ctx.checkLookback(from.height);
      ctx.checkLookback(to.height);
      const span = Math.abs(from.height - to.height);
      if (span > MAX_PATH_EPOCHS) throw new LimitExceededError(`ChainGetPath spans ${span} epochs, more than the limit of ${MAX_PATH_EPOCHS}`);
      const path = await ctx.deps.reader.path(from, to);
      return path.map((c) => ({ Type: c.type, Val: ctx.deps.changes.render(c.tipset) }));
    },
  }),
  method({
    name: 'Filecoin.ChainGetParentMessages',
    namespace: 'Chain',
    summary: "The messages of a block's parent tipset, in execution order.",
    params: [P.cid('blockCid')],
    result: { oneOf: [{ type: 'array', items: S.object('Message') }, { type: 'null' }] },
    answer: 'served',
    cache: 'immutable',
    cost: 'standard',
    source: 'store (TxMeta, message AMTs, messages; Lotus\'s per-sender nonce selection)',
    handler: (ctx, [cid]) => ofParent(ctx, cid, async (h) => messagesJson(ctx, await ctx.view.tipSetMessages(await ctx.view.loadTipSet(h.parents)))),
  }),
  method({
    name: 'Filecoin.ChainGetParentReceipts',
    namespace: 'Chain',
    summary: "The receipts of a block's parent tipset's messages.",
    params: [P.cid('blockCid')],
    result: { oneOf: [{ type: 'array', items: S.object('MessageReceipt') }, { type: 'null' }] },
    answer: 'served',
    cache: 'immutable',
    cost: 'standard',
    source: 'store (receipts AMT of the child header)',
    handler: (ctx, [cid]) => ofParent(ctx, cid, async (h) => (await ctx.view.receipts(h.parentMessageReceipts)).map(receiptJson)),
  }),
  method({
    name: 'Filecoin.ChainGetMessagesInTipset',
    namespace: 'Chain',
    summary: "A tipset's messages, in execution order.",
    params: [P.tipSetKey('tsk')],
    result: { oneOf: [{ type: 'array', items: S.object('Message') }, { type: 'null' }] },
    answer: 'served',
    cache: 'immutable',
    lookback: 'tipset',
    cost: 'standard',
    source: 'store (TxMeta, message AMTs, messages)',
    handler: async (ctx, [tsk]) => {
      // Lotus returns GetTipSetFromKey's error unwrapped here
      const ts = await ctx.tipSetFromKey(tsk, false);
      return ctx.cached(ts.keyString, async () => (ts.height === 0 ? null : messagesJson(ctx, await ctx.view.tipSetMessages(ts))));
    },
  }),
  method({
    name: 'Filecoin.ChainGetEvents',
    namespace: 'Chain',
    summary: 'The actor events of an events AMT root (a receipt\'s EventsRoot).',
    params: [P.cid('eventsRoot')],
    result: { type: 'array', items: S.object('Event') },
    answer: 'served',
    cache: 'immutable',
    cost: 'standard',
    source: 'store (events AMTs)',
    handler: (ctx, [root]) =>
      ctx.cached(root.toString(), async () => {
        try {
          return (await amtValues((c) => ctx.view.block(c), root)).map((v) => eventJson(eventFromCbor(v)));
        } catch (e) {
          throw readError(e, `load events amt: ${loadErr(e)}`);
        }
      }),
  }),
];
