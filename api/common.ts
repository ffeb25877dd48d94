/**
 * The Common namespace: Version and Discover (the OpenRPC document of this endpoint,
 * as Lotus serves `Filecoin.Discover` with the alias `rpc.discover`; lotus
 * api/api_common.go, node/rpc.go).
 */
import { type MethodDef, method } from './registry.js';
import { S } from './schemas.js';
import { SOFTWARE_VERSION, apiVersionNumber } from './version.js';
import { openRpcDocument } from './docs.js';

/** The Common namespace. */
export const COMMON_METHODS: MethodDef[] = [
  method({
    name: 'Filecoin.Version',
    namespace: 'Common',
    summary: 'Version string, API version of the path, block delay (s).',
    params: [],
    result: S.object('Version'),
    answer: 'served',
    cost: 'light',
    source: 'this process',
    handler: async (ctx) => {
      await ctx.view.init();
      const net = ctx.view.networkInfo;
      return { Version: `${SOFTWARE_VERSION}+${net?.name ?? 'unknown'}+${ctx.deps.agent}`, APIVersion: apiVersionNumber(ctx.version), BlockDelay: net?.blockDelaySecs ?? 30, Agent: 'lotus' };
    },
  }),
  method({
    name: 'Filecoin.Discover',
    namespace: 'Common',
    aliases: ['rpc.discover'],
    summary: "The OpenRPC document of this path: every served, forwarded and refused method.",
    params: [],
    result: S.object('OpenRpcDocument'),
    answer: 'served',
    cost: 'standard',
    source: 'the method registry',
    handler: (ctx) => openRpcDocument(ctx.registry, ctx.version),
  }),
];
