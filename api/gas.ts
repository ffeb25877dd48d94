/**
 * The Gas namespace: estimates need the VM and the mempool, so every method goes to
 * the full node (lotus node/impl/full/gas.go).
 */
import { P } from './params.js';
import { type MethodDef, type MethodDecl, method } from './registry.js';
import { S } from './schemas.js';

const MSG = P.opaque('msg', '*types.Message', S.object('Message'));
const forwarded = { namespace: 'Gas', answer: 'forwarded', cost: 'heavy', source: 'the full node at `FULLNODE_URL`' } as const satisfies Partial<MethodDecl>;

/** The Gas namespace. */
export const GAS_METHODS: MethodDef[] = [
  method({ ...forwarded, name: 'Filecoin.GasEstimateMessageGas', summary: 'Fill in a message\'s gas limit, fee cap and premium.', params: [MSG, P.opaque('spec', '*api.MessageSendSpec', S.object('MessageSendSpec')), P.tipSetKey('tsk')], result: S.object('Message') }),
  method({ ...forwarded, name: 'Filecoin.GasEstimateGasLimit', summary: 'Estimate the gas a message uses.', params: [MSG, P.tipSetKey('tsk')], result: { type: 'integer' } }),
  method({ ...forwarded, name: 'Filecoin.GasEstimateFeeCap', summary: 'Estimate a fee cap, attoFIL.', params: [MSG, P.opaque('maxqueueblks', 'int64', { type: 'integer' }), P.tipSetKey('tsk')], result: S.BigInt }),
  method({ ...forwarded, name: 'Filecoin.GasEstimateGasPremium', summary: 'Estimate a gas premium, attoFIL.', params: [P.opaque('nblocksincl', 'uint64', { type: 'integer' }), P.address('sender'), P.opaque('gaslimit', 'int64', { type: 'integer' }), P.tipSetKey('tsk')], result: S.BigInt }),
];
