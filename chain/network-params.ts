/**
 * Network constants Lotus reports in StateGetNetworkParams (api/types.go
 * NetworkParams, ForkUpgradeParams) and uses for the circulating supply: the named
 * upgrade heights, the pre-commit challenge delay, and the initial FIL reserve.
 * Transcribed from filecoin-project/lotus at b835fab702ebce57abd7e6d0c3326bbd1e18c008,
 * `build/buildconstants/params_mainnet.go`, `params_calibnet.go`, `params_2k.go`.
 * Data, not code.
 */

/** ForkUpgradeParams field names, in Lotus's order. */
export const FORK_UPGRADE_FIELDS = [
  'UpgradeSmokeHeight', 'UpgradeBreezeHeight', 'UpgradeIgnitionHeight', 'UpgradeLiftoffHeight', 'UpgradeAssemblyHeight',
  'UpgradeRefuelHeight', 'UpgradeTapeHeight', 'UpgradeKumquatHeight', 'BreezeGasTampingDuration', 'UpgradeCalicoHeight',
  'UpgradePersianHeight', 'UpgradeOrangeHeight', 'UpgradeClausHeight', 'UpgradeTrustHeight', 'UpgradeNorwegianHeight',
  'UpgradeTurboHeight', 'UpgradeHyperdriveHeight', 'UpgradeChocolateHeight', 'UpgradeOhSnapHeight', 'UpgradeSkyrHeight',
  'UpgradeSharkHeight', 'UpgradeHyggeHeight', 'UpgradeLightningHeight', 'UpgradeThunderHeight', 'UpgradeWatermelonHeight',
  'UpgradeDragonHeight', 'UpgradePhoenixHeight', 'UpgradeWaffleHeight', 'UpgradeTuktukHeight', 'UpgradeTeepHeight',
  'UpgradeTockHeight', 'UpgradeGoldenWeekHeight', 'UpgradeFireHorseHeight', 'UpgradeXxHeight',
] as const;
export type ForkUpgradeField = (typeof FORK_UPGRADE_FIELDS)[number];

const MAINNET = [51000, 41280, 94000, 148888, 138720, 130800, 140760, 170000, 120, 265200, 272400, 336458, 343200, 550321, 665280, 712320, 892800, 1231620, 1594680, 1960320, 2383680, 2683348, 2809800, 2870280, 3469380, 3855360, 3855480, 4154640, 4461240, 4878840, 5138040, 5348280, 6052800, 9999999999];
const CALIBNET = [-2, -1, -3, -5, 30, -4, 60, 90, 120, 120, 240, 300, 270, 330, 360, 390, 420, 450, 480, 510, 16800, 322354, 489094, 492214, 1013134, 1427974, 1428094, 1779094, 2078794, 2523454, 2543614, 3007294, 3694534, 999999999999999];
/** Lotus's 2k devnet build: every upgrade before genesis (params_2k.go: -1 … -N; here -1), gas tamping 0. */
const DEVNET = FORK_UPGRADE_FIELDS.map((f) => (f === 'BreezeGasTampingDuration' ? 0 : -1));

/** A network's constants. */
export interface NetworkParams {
  /** Upgrade heights (epochs) by ForkUpgradeParams field. */
  upgrades: Readonly<Record<ForkUpgradeField, number>>;
  /** PreCommitChallengeDelay (epochs). */
  preCommitChallengeDelay: number;
  /** InitialFilReserved (attoFIL), and the value from network version 25 (FIP-0100 `UpgradeTeepInitialFilReserved`). */
  initialFilReserved: bigint;
  initialFilReservedTeep: bigint;
}

const FIL = 10n ** 18n;
const record = (heights: number[]): Record<ForkUpgradeField, number> => Object.fromEntries(FORK_UPGRADE_FIELDS.map((f, i) => [f, heights[i]!])) as Record<ForkUpgradeField, number>;

/** The constants of `network` (`mainnet`, `calibnet`/`calibrationnet`; anything else: a 2k devnet). */
export function networkParams(network: string): NetworkParams {
  if (network === 'mainnet') return { upgrades: record(MAINNET), preCommitChallengeDelay: 150, initialFilReserved: 300_000_000n * FIL, initialFilReservedTeep: 300_000_000n * FIL };
  if (network === 'calibnet' || network === 'calibrationnet') return { upgrades: record(CALIBNET), preCommitChallengeDelay: 150, initialFilReserved: 300_000_000n * FIL, initialFilReservedTeep: 1_200_000_000n * FIL };
  return { upgrades: record(DEVNET), preCommitChallengeDelay: 10, initialFilReserved: 300_000_000n * FIL, initialFilReservedTeep: 300_000_000n * FIL };
}
