/**
 * Decoding a message's params the way Lotus's StateDecodeParams does for the common
 * builtin-actor methods: the param type of (actor kind, method number), CBOR-decoded
 * and rendered as Lotus's JSON of that Go type. Method numbers and param types from
 * go-state-types `builtin/vN/<actor>/methods.go` and `<actor>_types.go`, and
 * specs-actors v0–v7 (`Exports()`); Send (method 0) takes no params in every actor.
 */
import { decodeCbor } from '../cid.js';
import type { NetworkPrefix } from '../address.js';
import { type Field, type Kind, render } from './state-json.js';

/** How a method's params decode: a CBOR tuple struct, a single value (an address, bytes, a big integer), or none (EmptyValue: `{}` whatever the bytes). */
type ParamType = { struct: Field[] } | { value: Kind } | 'empty';

const PARTITION_SECTORS: Field[] = [['Deadline', 'int'], ['Partition', 'int'], ['Sectors', 'bitfield']];
const bytesOrNull: Kind = 'bytes';

/** actor kind → method number → param type (methods with the same shape in every actors version, unless `v0` overrides). */
const METHODS: Record<string, Record<number, ParamType>> = {
  account: { 1: { value: 'addr' }, 2: 'empty', 3: { struct: [['Signature', bytesOrNull], ['Message', bytesOrNull]] } },
  init: { 1: { struct: [['NetworkName', 'string']] }, 2: { struct: [['CodeCID', 'cid'], ['ConstructorParams', bytesOrNull]] }, 3: { struct: [['CodeCID', 'cid'], ['ConstructorParams', bytesOrNull], ['SubAddress', bytesOrNull]] } },
  multisig: {
    1: { struct: [['Signers', 'addrs'], ['NumApprovalsThreshold', 'int'], ['UnlockDuration', 'int'], ['StartEpoch', 'int']] },
    2: { struct: [['To', 'addr'], ['Value', 'big'], ['Method', 'int'], ['Params', bytesOrNull]] },
    3: { struct: [['ID', 'int'], ['ProposalHash', bytesOrNull]] },
    4: { struct: [['ID', 'int'], ['ProposalHash', bytesOrNull]] },
    5: { struct: [['Signer', 'addr'], ['Increase', 'bool']] },
    6: { struct: [['Signer', 'addr'], ['Decrease', 'bool']] },
    7: { struct: [['From', 'addr'], ['To', 'addr']] },
    8: { struct: [['NewThreshold', 'int']] },
    9: { struct: [['StartEpoch', 'int'], ['UnlockDuration', 'int'], ['Amount', 'big']] },
  },
  storagemarket: { 2: { value: 'addr' }, 3: { struct: [['ProviderOrClientAddress', 'addr'], ['Amount', 'big']] } },
  storagepower: { 2: { struct: [['Owner', 'addr'], ['Worker', 'addr'], ['WindowPoStProofType', 'int'], ['Peer', bytesOrNull], ['Multiaddrs', 'bytesList']] } },
  storageminer: {
    2: 'empty',
    3: { struct: [['NewWorker', 'addr'], ['NewControlAddrs', 'addrs']] },
    4: { struct: [['NewID', bytesOrNull]] },
    10: { struct: [['Faults', { list: PARTITION_SECTORS }]] },
    11: { struct: [['Recoveries', { list: PARTITION_SECTORS }]] },
    16: { struct: [['AmountRequested', 'big']] },
    21: 'empty',
    22: 'empty',
    23: { value: 'addr' },
    30: { struct: [['NewBeneficiary', 'addr'], ['NewQuota', 'big'], ['NewExpiration', 'int']] },
  },
  verifiedregistry: { 2: { struct: [['Address', 'addr'], ['Allowance', 'big']] }, 3: { value: 'addr' }, 4: { struct: [['Address', 'addr'], ['Allowance', 'big']] } },
  evm: { 3844450837: { value: 'bytes' } },
  eam: { 4: { value: 'bytes' } },
};
/** specs-actors v0 differences: the multisig constructor has no StartEpoch; CreateMiner names the seal proof. */
const V0: Record<string, Record<number, ParamType>> = {
  multisig: { 1: { struct: [['Signers', 'addrs'], ['NumApprovalsThreshold', 'int'], ['UnlockDuration', 'int']] } },
  storagepower: { 2: { struct: [['Owner', 'addr'], ['Worker', 'addr'], ['SealProofType', 'int'], ['Peer', bytesOrNull], ['Multiaddrs', 'bytesList']] } },
};

/** Every method number some actor's params are decoded for (the rest go to the full node). */
export const DECODED_METHOD_NUMBERS: ReadonlySet<number> = new Set([0, ...Object.values(METHODS).flatMap((m) => Object.keys(m).map(Number))]);

/** Params that do not decode as the method's type (cbor-gen's error text). */
export class ParamsDecodeError extends Error {}

/**
 * Lotus's JSON of a method's decoded params, or undefined when this table does not
 * know (kind, method).
 * @throws ParamsDecodeError with cbor-gen's texts (`cbor input should be of type array`, `cbor input had wrong number of fields`, `EOF`)
 */
export function decodeMethodParams(kind: string, version: number, methodNum: number, params: Uint8Array, prefix: NetworkPrefix): unknown {
  if (methodNum === 0) return {};
  const t = (version < 2 ? V0[kind]?.[methodNum] : undefined) ?? METHODS[kind]?.[methodNum];
  if (t === undefined) return undefined;
  if (t === 'empty') return {};
  if (params.length === 0) throw new ParamsDecodeError('EOF');
  let v: unknown;
  try {
    v = decodeCbor(params);
  } catch (e) {
    throw new ParamsDecodeError((e as Error).message);
  }
  if ('value' in t) return render(t.value, v, prefix);
  if (!Array.isArray(v)) throw new ParamsDecodeError('cbor input should be of type array');
  if (v.length !== t.struct.length) throw new ParamsDecodeError('cbor input had wrong number of fields');
  try {
    return render({ struct: t.struct }, v, prefix);
  } catch (e) {
    throw new ParamsDecodeError((e as Error).message);
  }
}
