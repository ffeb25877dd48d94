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

/** An eth quantity: `0x` + hex without leading zeros. */
export function ethQuantity(n: number): string {
  return `0x${n.toString(16)}`;
}

const FULLNODE = 'the full node at `FULLNODE_URL`';

/** The Eth namespace. */
export const ETH_METHODS: MethodDef[] = [
  method({
    name: 'Filecoin.EthChainId',
    namespace: 'Eth',
    aliases: ['eth_chainId'],
    summary: 'The eth chain id (314 mainnet, 314159 calibnet).',
    params: [],
    result: S.EthQuantity,
    answer: 'served',
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
    cost: 'light',
    source: "follower's head",
    handler: async (ctx) => {
      const head = ctx.view.head();
      if (head.height === 0) return '0x0';
      return ethQuantity((await ctx.deps.reader.parentOf(head)).height);
    },
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
