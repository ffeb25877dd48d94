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
  /**
   * Raw-byte power a miner needs to be eligible for block production (bytes): Lotus
   * sets it per build for every actors version (build/buildconstants params_*.go,
   * `ConsensusMinerMinPower`): 10 TiB on mainnet, 32 GiB on calibnet, 2048 on 2k devnets.
   */
  consensusMinerMinPower: bigint;
}

const MAINNET: NetworkInfo = { name: 'mainnet', prefix: 'f', ethChainId: 314, blockDelaySecs: 30, consensusMinerMinPower: 10n << 40n };
const CALIBNET: NetworkInfo = { name: 'calibnet', prefix: 't', ethChainId: 314159, blockDelaySecs: 30, consensusMinerMinPower: 32n << 30n };
/** A devnet (Lotus's 2k build parameters). */
const devnet = (name: string): NetworkInfo => ({ name, prefix: 't', ethChainId: 31415926, blockDelaySecs: 30, consensusMinerMinPower: 2048n });

const BY_GENESIS: Record<string, NetworkInfo> = {
  bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm2: MAINNET,
  bafy2bzacecyaggy24wol5ruvs6qm73gjibs2l2iyhcqmvi7r7a4ph7zx3yqd4: CALIBNET,
};

/**
 * The network of a genesis block CID; unknown genesis blocks are treated as a
 * testnet (`t` prefix), as Lotus does for devnets.
 */
export function networkForGenesis(genesisCid: string): NetworkInfo {
  return BY_GENESIS[genesisCid] ?? devnet('unknown');
}

/** The network whose init actor records `name` (mainnet's is "testnetnet"). */
export function networkForName(name: string): NetworkInfo {
  if (name === 'testnetnet' || name === 'mainnet') return MAINNET;
  if (name === 'calibrationnet') return CALIBNET;
  return devnet(name);
}
