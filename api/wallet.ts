/**
 * The Wallet namespace: balances from the state tree. The gateway holds no keys, so
 * signing is refused with the way to do it instead (lotus api/api_gateway.go serves
 * WalletBalance only).
 */
import { P } from './params.js';
import { type MethodDef, method } from './registry.js';
import { S } from './schemas.js';
import { ActorMissingError, addr, loadActor, read } from './state.js';

/** The Wallet namespace. */
export const WALLET_METHODS: MethodDef[] = [
  method({
    name: 'Filecoin.WalletBalance',
    namespace: 'Wallet',
    summary: "An address's balance at the head, attoFIL ('0' for an address with no actor).",
    params: [P.address('address')],
    result: S.BigInt,
    answer: 'served',
    cache: 'head-relative',
    cost: 'standard',
    source: "store (state tree at the head's parent state root)",
    handler: async (ctx, [a]) => {
      const ts = ctx.view.head();
      return ctx.cached(`${addr(ctx, a)}@${ts.keyString}`, () =>
        read(async () => {
          try {
            return (await loadActor(ctx, a, ts)).actor.balance.toString();
          } catch (e) {
            if (e instanceof ActorMissingError) return '0';
            throw e;
          }
        }),
      );
    },
  }),
  method({
    name: 'Filecoin.WalletSign',
    namespace: 'Wallet',
    summary: 'Sign bytes with a wallet key.',
    params: [P.address('address'), P.opaque('data', '[]byte', { type: 'string', contentEncoding: 'base64' })],
    result: { type: 'object' },
    answer: { refused: 'the gateway holds no keys; sign on the client and send the signed message with Filecoin.MpoolPush' },
    cost: 'light',
    source: 'refused',
  }),
];
