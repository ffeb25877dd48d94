/**
 * The Net and Web3 namespaces as the eth tooling uses them (`net_version`,
 * `net_listening`, `web3_clientVersion`; lotus node/impl/eth, api/eth_aliases.go).
 */
import { HandlerError } from '../rpc/errors.js';
import type { MethodContext } from './dispatch.js';
import { type MethodDef, method } from './registry.js';
import { SOFTWARE_VERSION } from './version.js';

/** The eth chain id of the store's network (314 mainnet, 314159 calibnet). @throws HandlerError before it is known */
export async function ethChainId(ctx: MethodContext): Promise<number> {
  await ctx.view.init();
  const net = ctx.view.networkInfo;
  if (!net) throw new HandlerError('network not known yet (no genesis or state in the store)');
  return net.ethChainId;
}

/** The Net/Web3 namespace. */
export const NET_METHODS: MethodDef[] = [
  method({
    name: 'Filecoin.NetVersion',
    namespace: 'Net/Web3',
    aliases: ['net_version'],
    summary: 'The eth chain id as a decimal string.',
    params: [],
    result: { type: 'string' },
    answer: 'served',
    cache: 'head',
    cost: 'light',
    source: 'follower (network of the store)',
    handler: async (ctx) => String(await ethChainId(ctx)),
  }),
  method({
    name: 'Filecoin.NetListening',
    namespace: 'Net/Web3',
    aliases: ['net_listening'],
    summary: 'Always true (Lotus answers true).',
    params: [],
    result: { type: 'boolean' },
    answer: 'served',
    cost: 'light',
    source: 'follower',
    handler: () => true,
  }),
  method({
    name: 'Filecoin.Web3ClientVersion',
    namespace: 'Net/Web3',
    aliases: ['web3_clientVersion'],
    summary: 'The client version string.',
    params: [],
    result: { type: 'string' },
    answer: 'served',
    cost: 'light',
    source: 'follower',
    handler: (ctx) => `${SOFTWARE_VERSION}+${ctx.view.networkInfo?.name ?? 'unknown'}+${ctx.deps.agent}`,
  }),
];
