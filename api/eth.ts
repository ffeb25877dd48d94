/**
 * The Eth namespace (lotus node/impl/eth, chain/types/ethtypes): what is served from
 * the follower's head, and what goes to the full node (execution, the mempool).
 * Quantities are `0x` hex without leading zeros. `latest` is head−1 (the newest
 * executed tipset).
 */
import { P } from './params.js';
import { type MethodDef, method } from './registry.js';
import { S } from './schemas.js';
import { ethChainId } from './net.js';
import { addressToString } from '../chain/address.js';
import { lookupId } from '../chain/state.js';
import { NotAnEthAddressError, ethAddressFromFilecoin, ethAddressString, ethAddressToFilecoin } from '../chain/eth/address.js';
import { HandlerError, RpcError } from '../rpc/errors.js';
import { ethHashToCid, tipSetByBlockParam, tipSetByEthHash } from './eth-block.js';
import type { CID } from '../chain/cid.js';
import { cidJson } from '../chain/json.js';
import { DecodeError, SigType, type SignedMessage, decodeChainMessage } from '../chain/types.js';
import type { MethodContext } from './dispatch.js';
import type { TipSet } from '../chain/tipset.js';
import { loadErr, readError } from './chain-view.js';
import { networkVersionAt } from '../chain/upgrades.js';
import { ethTransactionFromSignedMessage, ethTransactionHash } from '../chain/eth/transaction.js';

/** An eth quantity: `0x` + hex without leading zeros. */
export function ethQuantity(n: number): string {
  return `0x${n.toString(16)}`;
}

const FULLNODE = 'the full node at `FULLNODE_URL`';

/** `0x` + hex of a 32-byte eth hash. */
const ethHashString = (h: Uint8Array): string => `0x${Buffer.from(h).toString('hex')}`;

/**
 * A message stored under `c` (signed or not), or null when the store has no block
 * there or the block is not a message (Lotus GetSignedMessage, then GetMessage).
 */
async function storedMessage(ctx: MethodContext, c: CID): Promise<{ signed: SignedMessage | null } | null> {
  let bytes: Uint8Array | null;
  try {
    bytes = await ctx.view.block(c);
  } catch (e) {
    throw readError(e, loadErr(e));
  }
  if (!bytes) return null;
  try {
    return decodeChainMessage(bytes);
  } catch (e) {
    if (e instanceof DecodeError) return null;
    throw e;
  }
}

/** BLS + secp messages of every block of a tipset, not de-duplicated (Lotus countTipsetMsgs). */
async function countTipSetMessages(ctx: MethodContext, ts: TipSet): Promise<number> {
  let count = 0;
  try {
    for (const b of ts.blocks) {
      const m = await ctx.deps.reader.messagesForBlock(b.header);
      count += m.bls.length + m.secpk.length;
    }
  } catch (e) {
    throw readError(e, `error loading messages for tipset: ${ts.keyString}: ${loadErr(e)}`);
  }
  return count;
}

/** Lotus's message when an f1/f2/f3 address has no actor at the block param (node/impl/eth/filecoin.go). */
const lookupFailed = (addr: string, blkParam: string, cause: string): string =>
  `failed to lookup ID address for given Filecoin address ${addr} (ensure that the address has been instantiated on-chain and sufficient epochs have passed since instantiation to confirm to the given 'blkParam': "${blkParam}"): ${cause}`;

/** The Eth namespace. */
export const ETH_METHODS: MethodDef[] = [
  method({
    name: 'Filecoin.EthProtocolVersion',
    namespace: 'Eth',
    aliases: ['eth_protocolVersion'],
    summary: "The network version at the head's height, as an eth quantity (Lotus EthProtocolVersion).",
    params: [],
    result: S.EthQuantity,
    answer: 'served',
    cost: 'light',
    source: 'upgrade schedule of the network (`chain/upgrades.ts`)',
    handler: async (ctx) => {
      const head = ctx.view.head();
      try {
        return ethQuantity(networkVersionAt(ctx.view.networkInfo?.name ?? 'unknown', head.height));
      } catch (e) {
        throw readError(e, (e as Error).message);
      }
    },
  }),
  method({
    name: 'Filecoin.EthAccounts',
    namespace: 'Eth',
    aliases: ['eth_accounts'],
    summary: 'Always `[]`: the gateway holds no accounts (as Lotus).',
    params: [],
    result: { type: 'array', items: S.EthAddress, maxItems: 0 },
    answer: 'served',
    cost: 'light',
    source: 'constant',
    handler: async () => [],
  }),
  method({
    name: 'Filecoin.EthGetBlockTransactionCountByNumber',
    namespace: 'Eth',
    aliases: ['eth_getBlockTransactionCountByNumber'],
    summary: "The number of messages the tipset's blocks include (BLS + secp per block, not de-duplicated, as Lotus counts them); a null round is code 12.",
    params: [P.blockParam('blkParam')],
    result: S.EthQuantity,
    answer: 'served',
    cost: 'standard',
    source: 'store (TxMeta and message AMTs of each block)',
    handler: async (ctx, [blkParam]) => ethQuantity(await countTipSetMessages(ctx, await tipSetByBlockParam(ctx, blkParam, true))),
  }),
  method({
    name: 'Filecoin.EthGetBlockTransactionCountByHash',
    namespace: 'Eth',
    aliases: ['eth_getBlockTransactionCountByHash'],
    summary: 'The same count for the tipset an eth block hash names (the digest of its TipSetKey CID), canonical or not.',
    params: [P.ethHash('blkHash')],
    result: S.EthQuantity,
    answer: 'served',
    cost: 'standard',
    source: 'index (tipsets by key CID) + store (message AMTs)',
    handler: async (ctx, [hash]) => ethQuantity(await countTipSetMessages(ctx, await tipSetByEthHash(ctx, hash))),
  }),
  method({
    name: 'Filecoin.EthGetTransactionHashByCid',
    namespace: 'Eth',
    aliases: ['eth_getTransactionHashByCid'],
    summary: "The eth transaction hash of a stored message: keccak-256 of its eth form (EIP-1559 or legacy) for a delegated signature, else the digest of its CID (secp: the signed message's; BLS: the message's); null when no such message is stored.",
    params: [P.cid('cid')],
    result: S.nullable(S.EthHash),
    answer: 'served',
    cost: 'light',
    source: 'store (the message block)',
    handler: async (ctx, [c]) => {
      const m = await storedMessage(ctx, c);
      if (!m) return null;
      // delegated: keccak of the eth form (EIP-1559 or legacy); secp: the signed CID's digest; BLS: the message CID's (Lotus ethTxHashFromSignedMessage)
      if (m.signed?.signature.type === SigType.Delegated) {
        try {
          return ethHashString(ethTransactionHash(ethTransactionFromSignedMessage(m.signed, await ethChainId(ctx))));
        } catch (e) {
          throw new HandlerError(`failed to convert from signed message: ${(e as Error).message}`, e);
        }
      }
      return ethHashString(c.multihash.digest);
    },
  }),
  method({
    name: 'Filecoin.EthGetMessageCidByTransactionHash',
    namespace: 'Eth',
    aliases: ['eth_getMessageCidByTransactionHash'],
    summary: 'The CID of the message an eth transaction hash names: from the index for EIP-1559 transactions, else the hash as a blake2b-256 CID digest of a stored message; null when none.',
    params: [P.ethHash('txHash')],
    result: S.nullable(S.Cid),
    answer: 'served',
    cost: 'light',
    source: 'index (eth_tx_hashes) + store (the message block)',
    handler: async (ctx, [hash]) => {
      const indexed = await ctx.deps.index.messageByEthTxHash(hash);
      if (indexed) return cidJson(indexed);
      const c = ethHashToCid(hash);
      return (await storedMessage(ctx, c)) ? cidJson(c) : null;
    },
  }),
  method({
    name: 'Filecoin.EthAddressToFilecoinAddress',
    namespace: 'Eth',
    summary: 'The Filecoin address an Ethereum address stands for: f0<id> for a masked ID (0xff…), else its f410 address.',
    params: [P.ethAddress('ethAddress')],
    result: S.Address,
    answer: 'served',
    cost: 'light',
    source: 'computed (no state)',
    handler: async (ctx, [ea]) => addressToString(ethAddressToFilecoin(ea), ctx.view.prefix),
  }),
  method({
    name: 'Filecoin.FilecoinAddressToEthAddress',
    namespace: 'Eth',
    summary: "An address's Ethereum form: f0 and f410 directly; f1/f2/f3 through their actor ID at the block param (default `finalized`), as a masked ID.",
    params: [P.address('filecoinAddress'), P.optionalBlockParam('blkParam')],
    result: S.EthAddress,
    answer: 'served',
    cost: 'standard',
    source: 'computed; f1/f2/f3: state tree (init actor) at the block param',
    handler: async (ctx, [fa, blkParam]) => {
      const text = addressToString(fa, ctx.view.prefix);
      try {
        return ethAddressString(ethAddressFromFilecoin(fa, text));
      } catch (e) {
        if (!(e instanceof NotAnEthAddressError)) throw new HandlerError(`error converting filecoin address to eth address: ${(e as Error).message}`);
      }
      if (![1, 2, 3].includes(fa[0]!)) throw new HandlerError(`invalid filecoin address protocol: ${text}`);
      const param = blkParam ?? 'finalized';
      const ts = await tipSetByBlockParam(ctx, param, false);
      let id: Uint8Array | null;
      try {
        id = await lookupId((c) => ctx.view.block(c), ts.parentState, fa);
      } catch (e) {
        if (e instanceof RpcError) throw e;
        throw new HandlerError(lookupFailed(text, param, loadErr(e)), e);
      }
      if (!id) throw new HandlerError(lookupFailed(text, param, `resolution lookup failed (${text}): resolve address ${text}: actor not found`));
      return ethAddressString(ethAddressFromFilecoin(id, addressToString(id, ctx.view.prefix)));
    },
  }),
  method({
    name: 'Filecoin.EthChainId',
    namespace: 'Eth',
    aliases: ['eth_chainId'],
    summary: 'The eth chain id (314 mainnet, 314159 calibnet).',
    params: [],
    result: S.EthQuantity,
    answer: 'served',
    cache: 'head',
    cost: 'light',
    source: 'follower (network of the store)',
    handler: async (ctx) => ethQuantity(await ethChainId(ctx)),
  }),
  method({
    name: 'Filecoin.EthBlockNumber',
    namespace: 'Eth',
    aliases: ['eth_blockNumber'],
    summary: 'The height of the newest executed tipset (the head\'s parent).',
    params: [],
    result: S.EthQuantity,
    answer: 'served',
    cache: 'head',
    cost: 'light',
    source: "follower's head",
    handler: async (ctx) => ethQuantity((await tipSetByBlockParam(ctx, 'latest', false)).height),
  }),
  method({
    name: 'Filecoin.EthSyncing',
    namespace: 'Eth',
    aliases: ['eth_syncing'],
    summary: "false when the follower's head is the store's head; else {startingBlock, currentBlock, highestBlock}.",
    params: [],
    result: { oneOf: [{ const: false }, S.object('EthSyncing')] },
    answer: 'served',
    cost: 'light',
    source: "follower's head and the store's head row",
    handler: async (ctx) => {
      // lotus EthSyncing: DoneSync marshals as `false`; otherwise the sync's base, current and target heights
      const head = ctx.view.head();
      const row = await ctx.deps.index.getHead();
      if (!row || row.height <= head.height) return false;
      return { startingBlock: ethQuantity(head.height), currentBlock: ethQuantity(head.height), highestBlock: ethQuantity(row.height) };
    },
  }),
  method({
    name: 'Filecoin.EthCall',
    namespace: 'Eth',
    aliases: ['eth_call'],
    summary: 'Execute a call on the EVM without a transaction.',
    params: [P.opaque('tx', 'ethtypes.EthCall', S.object('EthCall')), P.opaque('blkParam', 'ethtypes.EthBlockNumberOrHash', {})],
    result: { type: 'string' },
    answer: 'forwarded',
    cost: 'heavy',
    source: FULLNODE,
  }),
  method({
    name: 'Filecoin.EthEstimateGas',
    namespace: 'Eth',
    aliases: ['eth_estimateGas'],
    summary: 'Estimate the gas of an EVM call.',
    params: [P.opaque('tx', 'ethtypes.EthCall', S.object('EthCall')), P.opaque('blkParam', 'ethtypes.EthBlockNumberOrHash', {}, true)],
    result: S.EthQuantity,
    answer: 'forwarded',
    cost: 'heavy',
    source: FULLNODE,
  }),
  ...(
    [
      ['Filecoin.EthTraceBlock', 'trace_block', 'Parity-style traces of every transaction of a block (needs execution).', [P.opaque('blkNum', 'string', { type: 'string' })]],
      ['Filecoin.EthTraceReplayBlockTransactions', 'trace_replayBlockTransactions', 'Replay a block and trace its transactions (needs execution).', [P.opaque('blkNum', 'string', { type: 'string' }), P.opaque('traceTypes', '[]string', { type: 'array' })]],
      ['Filecoin.EthTraceTransaction', 'trace_transaction', 'Traces of one transaction (needs execution).', [P.opaque('txHash', 'string', { type: 'string' })]],
      ['Filecoin.EthTraceFilter', 'trace_filter', 'Traces matching a filter (needs execution).', [P.opaque('filter', 'ethtypes.EthTraceFilterCriteria', { type: 'object' })]],
    ] as const
  ).map(([name, alias, summary, params]) =>
    method({ name, namespace: 'Eth', aliases: [alias], summary, params, result: { type: 'array' }, answer: 'forwarded', cost: 'heavy', source: FULLNODE }),
  ),
  method({
    name: 'Filecoin.EthSendRawTransaction',
    namespace: 'Eth',
    aliases: ['eth_sendRawTransaction'],
    summary: 'Submit a signed eth transaction to the mempool.',
    params: [P.opaque('rawTx', 'ethtypes.EthBytes', { type: 'string' })],
    result: { type: 'string' },
    answer: 'forwarded',
    cost: 'heavy',
    source: FULLNODE,
  }),
];
