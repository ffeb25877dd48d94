/**
 * Every namespace's declarations, in one registry. Adding a method is one
 * declaration in its namespace's file; it then appears in the follower's method
 * tables, the balancer's routing, the README table, `rpc.discover` and the metrics.
 */
import { ACTOR_EVENT_METHODS } from './actor-events.js';
import { CHAIN_METHODS } from './chain.js';
import { CONSENSUS_METHODS } from './consensus.js';
import { COMMON_METHODS } from './common.js';
import { ETH_METHODS } from './eth.js';
import { EXECUTION_METHODS } from './execution.js';
import { ETH_BLOCK_METHODS } from './eth-blocks.js';
import { ETH_GAS_METHODS } from './eth-gas.js';
import { ETH_LOG_METHODS } from './eth-logs.js';
import { ETH_STATE_METHODS } from './eth-state.js';
import { ETH_SUBSCRIBE_METHODS } from './eth-subscribe.js';
import { GAS_METHODS } from './gas.js';
import { MARKET_METHODS } from './market.js';
import { MINER_METHODS } from './miner.js';
import { MSIG_METHODS } from './msig.js';
import { NETWORK_PARAMS_METHODS } from './network-params.js';
import { SUPPLY_METHODS } from './supply.js';
import { MPOOL_METHODS } from './mpool.js';
import { NET_METHODS } from './net.js';
import { Registry } from './registry.js';
import { STATE_METHODS } from './state.js';
import { V2_METHODS } from './v2.js';
import { WALLET_METHODS } from './wallet.js';
import type { MethodDef } from './registry.js';

/**
 * Lotus's v2 API (api/v2api) has the eth methods of v1 with the same signatures, the
 * Net/Web3 reads and Discover; its Filecoin methods are declared in api/v2.ts.
 */
const alsoV2 = (defs: MethodDef[]): MethodDef[] => defs.map((d) => (d.versions.includes('v1') ? { ...d, versions: [...d.versions, 'v2'] } : d));
const V2_SHARED = new Set(['Filecoin.NetVersion', 'Filecoin.NetListening', 'Filecoin.Web3ClientVersion', 'Filecoin.Discover', 'Filecoin.FilecoinAddressToEthAddress', 'Filecoin.EthAddressToFilecoinAddress']);
const sharedWithV2 = (defs: MethodDef[]): MethodDef[] => defs.map((d) => (d.name.startsWith('Filecoin.Eth') || V2_SHARED.has(d.name) ? alsoV2([d])[0]! : d));

/** The registry of every method this gateway knows. */
export const REGISTRY = new Registry(sharedWithV2([...CHAIN_METHODS, ...CONSENSUS_METHODS, ...ACTOR_EVENT_METHODS, ...STATE_METHODS, ...MINER_METHODS, ...MARKET_METHODS, ...MSIG_METHODS, ...SUPPLY_METHODS, ...NETWORK_PARAMS_METHODS, ...WALLET_METHODS, ...GAS_METHODS, ...MPOOL_METHODS, ...ETH_METHODS, ...ETH_BLOCK_METHODS, ...ETH_STATE_METHODS, ...ETH_LOG_METHODS, ...ETH_GAS_METHODS, ...ETH_SUBSCRIBE_METHODS, ...NET_METHODS, ...COMMON_METHODS, ...EXECUTION_METHODS, ...V2_METHODS]));
