/**
 * Expected-consensus arithmetic a follower can redo from headers and state:
 * the tipset weight (lotus chain/consensus/filcns/weight.go) and the drand beacon
 * schedule with the beacon round expected at an epoch (build/buildconstants drand.go,
 * chain/beacon/drand/drand.go MaxBeaconRoundForEpoch).
 */

/** Expected blocks per epoch and the weight ratio (build/buildconstants params_shared_vals.go). */
const BLOCKS_PER_EPOCH = 5n;
const W_RATIO_NUM = 1n;
const W_RATIO_DEN = 2n;

/** Total quality-adjusted power is not positive: Lotus's "All power in the net is gone" error. */
export class NoPowerError extends Error {
  constructor() {
    super('All power in the net is gone. You network might be disconnected, or the net is dead!');
  }
}

/**
 * A tipset's weight: `ParentWeight + (log2P << 8) + ((log2P × WRatioNum) << 8) × ΣWinCount / (BlocksPerEpoch × WRatioDen)`,
 * where log2P is the bit length − 1 of the network's quality-adjusted power (bytes)
 * at the tipset's parent state.
 * @throws NoPowerError when the power is 0
 */
export function tipSetWeight(parentWeight: bigint, totalQaPower: bigint, winCounts: number[]): bigint {
  if (totalQaPower <= 0n) throw new NoPowerError();
  const log2P = BigInt(totalQaPower.toString(2).length - 1);
  const wins = BigInt(winCounts.reduce((a, b) => a + b, 0));
  return parentWeight + (log2P << 8n) + (((log2P * W_RATIO_NUM) << 8n) * wins) / (BLOCKS_PER_EPOCH * W_RATIO_DEN);
}

/** A drand network: its genesis time (Unix seconds) and round period (seconds). */
interface DrandNetwork {
  genesis: number;
  period: number;
}
const INCENTINET: DrandNetwork = { genesis: 1595873820, period: 30 };
const DRAND_MAINNET: DrandNetwork = { genesis: 1595431050, period: 30 };
const QUICKNET: DrandNetwork = { genesis: 1692803367, period: 3 };

/** [from epoch, beacon] per Filecoin network (DrandSchedule of params_mainnet.go, params_calibnet.go; 2k: quicknet). */
const SCHEDULES: Record<string, Array<[number, DrandNetwork]>> = {
  mainnet: [[0, INCENTINET], [51000, DRAND_MAINNET], [3855480, QUICKNET]],
  calibnet: [[0, DRAND_MAINNET], [1428094, QUICKNET]],
};

/** The drand round whose randomness epoch `epoch` uses (MaxBeaconRoundForEpoch), given the chain's genesis timestamp and 30 s epochs. */
export function maxBeaconRoundForEpoch(network: string, nv: number, epoch: number, genesisTimestamp: number, blockDelaySecs = 30): number {
  const schedule = SCHEDULES[network === 'calibrationnet' ? 'calibnet' : network] ?? [[0, QUICKNET]];
  let beacon = schedule[0]![1];
  for (const [from, b] of schedule) if (from <= epoch) beacon = b;
  const latestTs = epoch * blockDelaySecs + genesisTimestamp - blockDelaySecs;
  if (nv <= 15) return Math.trunc((latestTs - beacon.genesis) / beacon.period);
  if (latestTs < beacon.genesis) return 1;
  return Math.trunc((latestTs - beacon.genesis) / beacon.period) + 1;
}
