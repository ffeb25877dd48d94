/**
 * Eth blocks, transactions and receipts (Lotus node/impl/eth/transaction.go,
 * utils.go), from the executed tipsets of api/eth-exec.ts. By number, a null round is
 * code 12; by hash, any indexed tipset. A transaction or receipt that is not found,
 * not yet executed, or older than MESSAGE_LOOKBACK_EPOCHS (lotus-gateway: 20) is null.
 */
import { P } from './params.js';
import { type MethodDef, method } from './registry.js';
import { S } from './schemas.js';
import { ethHashToCid, tipSetByBlockNumberOrHash, tipSetByBlockParam, tipSetByEthHash } from './eth-block.js';
import { type EthTipSet, createdAddress, ethTipSet } from './eth-exec.js';
import { type EthReceiptJson, ethBlockJson, ethReceiptJson } from '../chain/eth/json.js';
import { tipSetKeyCid } from '../chain/tipset.js';
import { HandlerError } from '../rpc/errors.js';
import type { MethodContext } from './dispatch.js';

/** EthBlock of an executed tipset; `full`: transaction objects instead of hashes. */
export function blockOf(e: EthTipSet, full: boolean): Record<string, unknown> {
  return ethBlockJson({
    hash: e.hash,
    parentHash: tipSetKeyCid(e.ts.parents).multihash.digest,
    number: e.ts.height,
    timestamp: e.ts.blocks[0]!.header.timestamp,
    blocks: e.ts.blocks.length,
    gasUsed: e.gasUsed,
    baseFee: e.ts.blocks[0]!.header.parentBaseFee,
    hasMessages: e.messages.length > 0,
    bloom: e.bloom,
    transactions: full ? e.txs : e.txs.map((t) => t.hash),
  });
}

/** The receipt of message `i` of an executed tipset (newEthTxReceipt; base fee = the tipset's ParentBaseFee). */
function receiptOf(e: EthTipSet, i: number): EthReceiptJson {
  const r = e.receipts[i]!;
  const tx = e.txs[i]!;
  return ethReceiptJson(
    tx,
    { exitCode: r.exitCode, gasUsed: r.gasUsed, contractAddress: tx.to === null ? createdAddress(r) : null },
    e.ts.blocks[0]!.header.parentBaseFee,
    e.logs.filter((l) => l.transactionIndex === i),
  );
}

/**
 * Where the transaction a hash names was included and executed (Lotus: the eth_tx_hash
 * row, else the hash as a CID digest, then StateSearchMsg), or null.
 */
async function findTransaction(ctx: MethodContext, hash: Uint8Array): Promise<{ e: EthTipSet; index: number } | null> {
  const { index, reader } = ctx.deps;
  const cid = (await index.messageByEthTxHash(hash)) ?? ethHashToCid(hash);
  const head = ctx.view.head();
  const cap = ctx.messageLookbackEpochs;
  for (const inc of await index.messageInclusions(cid)) {
    if (inc.height >= head.height) continue; // not executed on the follower's chain yet
    const ts = await reader.loadTipSet(inc.key);
    let e: EthTipSet;
    try {
      e = await ethTipSet(ctx, ts);
    } catch (err) {
      if (err instanceof HandlerError) continue;
      throw err;
    }
    if (cap > 0 && head.height - e.child.height >= cap) return null;
    return { e, index: inc.index };
  }
  return null;
}

/** A transaction by position (getTransactionByTipsetAndIndex). */
function txAt(e: EthTipSet, i: number): unknown {
  if (i >= e.txs.length) throw new HandlerError(`index ${i} out of range: tipset contains ${e.txs.length} messages`);
  return e.txs[i];
}

const BLOCKS = 'store (messages, the child tipset\'s receipts) + index (events)';

/** Blocks, transactions, receipts. */
export const ETH_BLOCK_METHODS: MethodDef[] = [
  method({
    name: 'Filecoin.EthGetBlockByNumber',
    namespace: 'Eth',
    aliases: ['eth_getBlockByNumber'],
    summary: 'The eth block of the tipset at a number or tag (`latest` = head−1); with `fullTxInfo` the transactions as objects. A null round is code 12; the head (`pending`) is not executed yet.',
    params: [P.blockParam('blkParam'), P.bool('fullTxInfo')],
    result: S.object('EthBlock'),
    answer: 'served',
    cache: 'head',
    cost: 'standard',
    source: BLOCKS,
    handler: async (ctx, [blkParam, full]) => blockOf(await ethTipSet(ctx, await tipSetByBlockParam(ctx, blkParam, true)), full),
  }),
  method({
    name: 'Filecoin.EthGetBlockByHash',
    namespace: 'Eth',
    aliases: ['eth_getBlockByHash'],
    summary: 'The eth block of the tipset an eth block hash names (canonical or not, once executed).',
    params: [P.ethHash('blkHash'), P.bool('fullTxInfo')],
    result: S.object('EthBlock'),
    answer: 'served',
    cost: 'standard',
    source: BLOCKS,
    handler: async (ctx, [hash, full]) => blockOf(await ethTipSet(ctx, await tipSetByEthHash(ctx, hash)), full),
  }),
  method({
    name: 'Filecoin.EthGetTransactionByHash',
    namespace: 'Eth',
    aliases: ['eth_getTransactionByHash'],
    summary: 'A transaction by eth hash (delegated: keccak of the signed RLP; native: the CID digest); null when unknown, not executed yet, or past the message lookback.',
    params: [P.nullableEthHash('txHash')],
    result: S.nullable(S.object('EthTx')),
    answer: 'served',
    lookback: 'message',
    cost: 'standard',
    source: 'index (eth_tx_hashes, message inclusions) + store',
    handler: async (ctx, [hash]) => {
      if (!hash) return null;
      const found = await findTransaction(ctx, hash);
      return found ? found.e.txs[found.index] : null;
    },
  }),
  method({
    name: 'Filecoin.EthGetTransactionByBlockHashAndIndex',
    namespace: 'Eth',
    aliases: ['eth_getTransactionByBlockHashAndIndex'],
    summary: 'The transaction at an index of the tipset an eth block hash names; an index past the end is an error (as Lotus).',
    params: [P.ethHash('blkHash'), P.ethUint64('txIndex')],
    result: S.object('EthTx'),
    answer: 'served',
    cost: 'standard',
    source: BLOCKS,
    handler: async (ctx, [hash, i]) => txAt(await ethTipSet(ctx, await tipSetByEthHash(ctx, hash)), i),
  }),
  method({
    name: 'Filecoin.EthGetTransactionByBlockNumberAndIndex',
    namespace: 'Eth',
    aliases: ['eth_getTransactionByBlockNumberAndIndex'],
    summary: 'The transaction at an index of the tipset at a number or tag; a null round is code 12.',
    params: [P.blockParam('blkParam'), P.ethUint64('txIndex')],
    result: S.object('EthTx'),
    answer: 'served',
    cost: 'standard',
    source: BLOCKS,
    handler: async (ctx, [blkParam, i]) => txAt(await ethTipSet(ctx, await tipSetByBlockParam(ctx, blkParam, true)), i),
  }),
  method({
    name: 'Filecoin.EthGetTransactionReceipt',
    namespace: 'Eth',
    aliases: ['eth_getTransactionReceipt'],
    summary: 'The receipt of a transaction (status, gas, effective gas price, created contract, logs and bloom); null when not found or not executed yet.',
    params: [P.ethHash('txHash')],
    result: S.nullable(S.object('EthTxReceipt')),
    answer: 'served',
    lookback: 'message',
    cost: 'standard',
    source: 'index (eth_tx_hashes, inclusions, events) + store (receipts)',
    handler: async (ctx, [hash]) => {
      const found = await findTransaction(ctx, hash);
      return found ? receiptOf(found.e, found.index) : null;
    },
  }),
  method({
    name: 'Filecoin.EthGetBlockReceipts',
    namespace: 'Eth',
    aliases: ['eth_getBlockReceipts'],
    summary: 'Every receipt of a block, in transaction order; a null round is code 12.',
    params: [P.blockNumberOrHash('blkParam')],
    result: { type: 'array', items: S.object('EthTxReceipt') },
    answer: 'served',
    cost: 'heavy',
    source: BLOCKS,
    handler: async (ctx, [blk]) => {
      const e = await ethTipSet(ctx, await tipSetByBlockNumberOrHash(ctx, blk, true));
      return e.txs.map((_, i) => receiptOf(e, i));
    },
  }),
];
