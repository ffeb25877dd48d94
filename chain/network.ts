/**
 * Known Filecoin networks, recognised by their genesis block CID.
 * Sources: lotus build/genesis (mainnet.car, calibnet.car), build/params_*.go.
 */
import type { NetworkPrefix } from './address.js';

/** Parameters the gateway needs per network. */
export interface NetworkInfo {
  /** Human name: mainnet, calibnet, or `unknown`. */
  name: string;
  /** Address string prefix. */
  prefix: NetworkPrefix;
  /** EIP-155 chain id. */
  ethChainId: number;
  /** Seconds between epochs. */
  blockDelaySecs: number;
}

const MAINNET: NetworkInfo = { name: 'mainnet', prefix: 'f', ethChainId: 314, blockDelaySecs: 30 };
const CALIBNET: NetworkInfo = { name: 'calibnet', prefix: 't', ethChainId: 314159, blockDelaySecs: 30 };

const BY_GENESIS: Record<string, NetworkInfo> = {
  bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm2: MAINNET,
  bafy2bzacecyaggy24wol5ruvs6qm73gjibs2l2iyhcqmvi7r7a4ph7zx3yqd4: CALIBNET,
};

/**
 * The network of a genesis block CID; unknown genesis blocks are treated as a
 * testnet (`t` prefix), as Lotus does for devnets.
 */
export function networkForGenesis(genesisCid: string): NetworkInfo {
  return BY_GENESIS[genesisCid] ?? { name: 'unknown', prefix: 't', ethChainId: 31415926, blockDelaySecs: 30 };
}

/** The network whose init actor records `name` (mainnet's is "testnetnet"). */
export function networkForName(name: string): NetworkInfo {
  if (name === 'testnetnet' || name === 'mainnet') return MAINNET;
  if (name === 'calibrationnet') return CALIBNET;
  return { name, prefix: 't', ethChainId: 31415926, blockDelaySecs: 30 };
}
