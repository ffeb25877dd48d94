/**
 * StateGetNetworkParams: the network's constants as Lotus's build reports them
 * (node/impl/full/state.go; api/types.go NetworkParams, ForkUpgradeParams, at Lotus
 * b835fab7: no SupportedProofTypes since v1.32.0, GenesisTimestamp since then).
 */
import { FORK_UPGRADE_FIELDS, networkParams } from '../chain/network-params.js';
import { networkName } from '../chain/state.js';
import type { CID } from '../chain/cid.js';
import { readError, loadErr } from './chain-view.js';
import { type MethodDef, method } from './registry.js';
import { S } from './schemas.js';

/** StateGetNetworkParams. */
export const NETWORK_PARAMS_METHODS: MethodDef[] = [
  method({
    name: 'Filecoin.StateGetNetworkParams',
    namespace: 'State',
    summary: "The network's name (the init actor's at the head), block delay, consensus minimum power, pre-commit challenge delay, upgrade heights, EIP-155 chain ID and genesis timestamp.",
    params: [],
    result: S.object('NetworkParams'),
    answer: 'served',
    cache: 'head-relative',
    cost: 'light',
    source: "upgrade schedule and constants of the network (`chain/network-params.ts`) + store (init actor at the head's parent state, genesis header)",
    handler: async (ctx) => {
      const head = ctx.view.head();
      return ctx.cached(head.keyString, async () => {
        const info = ctx.view.networkInfo;
        const p = networkParams(info?.name ?? 'unknown');
        const genesis = await ctx.view.getGenesis();
        let name: string;
        try {
          name = await networkName((c: CID) => ctx.view.block(c), head.parentState).catch(() => networkName((c: CID) => ctx.view.block(c), genesis.parentState));
        } catch (e) {
          throw readError(e, loadErr(e));
        }
        return {
          NetworkName: name,
          BlockDelaySecs: info?.blockDelaySecs ?? 30,
          ConsensusMinerMinPower: (info?.consensusMinerMinPower ?? 2048n).toString(),
          PreCommitChallengeDelay: p.preCommitChallengeDelay,
          ForkUpgradeParams: Object.fromEntries(FORK_UPGRADE_FIELDS.map((f) => [f, p.upgrades[f]])),
          Eip155ChainID: info?.ethChainId ?? 31415926,
          GenesisTimestamp: genesis.blocks[0]!.header.timestamp,
        };
      });
    },
  }),
];
