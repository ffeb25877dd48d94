/**
 * JSON schemas of the Lotus types methods take and return, for the OpenRPC document
 * (`components.schemas`). Shapes follow Lotus's JSON (chain/types/*.go MarshalJSON,
 * DESIGN.md §2); objects whose fields we do not spell out are `type: object`.
 */
import type { JsonSchema } from './params.js';

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** Named object types without a spelled-out schema (referenced by name). */
const OBJECTS = ['BlockMessages', 'Message', 'SignedMessage', 'MessageReceipt', 'Event', 'HeadChange', 'ObjStat', 'Actor', 'ActorState', 'MsgLookup', 'Version', 'InvocResult', 'EthBlock', 'EthCall', 'EthSyncing', 'EthTx', 'EthTxReceipt', 'EthLog', 'EthFeeHistory', 'EthFilterSpec', 'ActorEvent', 'MessageSendSpec', 'OpenRpcDocument', 'MinerInfo', 'MinerPower', 'MinerSectors', 'Deadline', 'DeadlineInfo', 'SectorOnChainInfo', 'MsigTransaction', 'MsigVesting', 'MarketBalance', 'MarketDeal', 'DealCollateralBounds', 'Allocation', 'Claim', 'NetworkParams', 'CirculatingSupply'] as const;

/** Every schema of `components.schemas`. */
export const COMPONENT_SCHEMAS: Record<string, JsonSchema> = {
  Cid: { type: 'object', properties: { '/': { type: 'string', description: 'CID, base32 (bafy…)' } }, required: ['/'] },
  TipSetKey: { type: 'array', items: ref('Cid'), description: 'block CIDs; [] or null: the head where Lotus says so' },
  Address: { type: 'string', pattern: '^[ft][0-4]', description: 'Filecoin address, network prefix f (mainnet) or t' },
  BigInt: { type: 'string', pattern: '^-?[0-9]+$', description: 'decimal integer (attoFIL for amounts)' },
  EthQuantity: { type: 'string', pattern: '^0x(0|[1-9a-f][0-9a-f]*)$' },
  EthAddress: { type: 'string', pattern: '^0x[0-9a-f]{40}$', description: 'Ethereum address, lowercase hex' },
  EthHash: { type: 'string', pattern: '^0x[0-9a-f]{64}$', description: 'eth block or transaction hash, lowercase hex' },
  TipSet: {
    type: 'object',
    properties: { Cids: { type: 'array', items: ref('Cid') }, Blocks: { type: 'array', items: ref('BlockHeader') }, Height: { type: 'integer' } },
    required: ['Cids', 'Blocks', 'Height'],
  },
  BlockHeader: {
    type: 'object',
    properties: {
      Miner: ref('Address'),
      Parents: { type: 'array', items: ref('Cid') },
      ParentWeight: ref('BigInt'),
      Height: { type: 'integer' },
      ParentStateRoot: ref('Cid'),
      ParentMessageReceipts: ref('Cid'),
      Messages: ref('Cid'),
      Timestamp: { type: 'integer' },
      ParentBaseFee: ref('BigInt'),
    },
  },
  ...Object.fromEntries(OBJECTS.map((n) => [n, { type: 'object', title: n }])),
};

/** Schema references for method results. */
export const S = {
  TipSet: ref('TipSet'),
  BlockHeader: ref('BlockHeader'),
  Cid: ref('Cid'),
  Address: ref('Address'),
  BigInt: ref('BigInt'),
  EthQuantity: ref('EthQuantity'),
  EthAddress: ref('EthAddress'),
  EthHash: ref('EthHash'),
  /** A named object type of {@link COMPONENT_SCHEMAS}. */
  object: (name: (typeof OBJECTS)[number]): JsonSchema => ref(name),
  nullable: (s: JsonSchema): JsonSchema => ({ oneOf: [s, { type: 'null' }] }),
};
