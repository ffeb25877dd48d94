/**
 * The Mpool namespace: the mempool lives in the full node, so reads and pushes go
 * there; pushing an unsigned message needs the node's wallet and is refused
 * (lotus api/api_gateway.go serves MpoolGetNonce, MpoolPending, MpoolPush).
 */
import { P } from './params.js';
import { type MethodDecl, type MethodDef, method } from './registry.js';
import { S } from './schemas.js';

const forwarded = { namespace: 'Mpool', answer: 'forwarded', source: 'the full node at `FULLNODE_URL`' } as const satisfies Partial<MethodDecl>;

/** The Mpool namespace. */
export const MPOOL_METHODS: MethodDef[] = [
  method({ ...forwarded, name: 'Filecoin.MpoolPush', summary: 'Add a signed message to the mempool.', params: [P.opaque('smsg', '*types.SignedMessage', S.object('SignedMessage'))], result: S.Cid, cost: 'heavy' }),
  method({ ...forwarded, name: 'Filecoin.MpoolPending', summary: 'Pending messages.', params: [P.tipSetKey('tsk')], result: { type: 'array', items: S.object('SignedMessage') }, cost: 'heavy' }),
  method({ ...forwarded, name: 'Filecoin.MpoolGetNonce', summary: "An address's next nonce, mempool included.", params: [P.address('address')], result: { type: 'integer' }, cost: 'standard' }),
  method({
    name: 'Filecoin.MpoolPushMessage',
    namespace: 'Mpool',
    summary: 'Sign a message with the node\'s wallet and push it.',
    params: [P.opaque('msg', '*types.Message', S.object('Message')), P.opaque('spec', '*api.MessageSendSpec', S.object('MessageSendSpec'))],
    result: S.object('SignedMessage'),
    answer: { refused: 'the gateway holds no keys; sign on the client (GasEstimateMessageGas, then sign) and send it with Filecoin.MpoolPush' },
    cost: 'light',
    source: 'refused',
  }),
];
