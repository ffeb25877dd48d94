/**
 * Network upgrade schedules of mainnet and calibnet, and the network version in
 * force at an epoch as Lotus's `StateNetworkVersion` reports it.
 *
 * Heights transcribed from filecoin-project/lotus at commit
 * b835fab702ebce57abd7e6d0c3326bbd1e18c008:
 *  - `build/buildconstants/params_mainnet.go`, `params_calibnet.go`: the
 *    `Upgrade*Height` constants and `GenesisNetworkVersion` (network.Version0
 *    on both networks);
 *  - `chain/consensus/filcns/upgrades.go` `DefaultUpgradeSchedule`: the network
 *    version each upgrade introduces, in order. Upgrades with a negative height
 *    are disabled and dropped from the schedule (`if u.Height < 0 { continue }`),
 *    so they do not change the version: calibnet's Breeze, Smoke, Ignition,
 *    Refuel and Liftoff (-1…-5) never bump it, and calibnet reports nv0 up to
 *    epoch 30. Mainnet drops WatermelonFix, WatermelonFix2,
 *    CalibrationDragonFix and TockFix (calibnet-only fixes). Claus and Phoenix
 *    are not network upgrades (no schedule entry).
 *
 * Boundary rule, `chain/stmgr/stmgr.go`: `NewStateManager` records for every
 * upgrade `versionSpec{networkVersion: <version before it>, atOrBelow: upgrade.Height}`
 * and `GetNetworkVersion` returns the first spec with `height <= spec.atOrBelow`,
 * else the newest version ("The epochs here are the _last_ epoch for every
 * version"). So an upgrade at height H runs at the end of epoch H: epoch H still
 * has the old version and H+1 is the first epoch with the new one. This is the
 * same as `UpgradeSchedule.GetNtwkVersion` in `chain/stmgr/forks.go`
 * (`u.Height < e`).
 */

/** The upgrade schedule: [height, networkVersion] ascending, per network. */
export const UPGRADE_SCHEDULE: Readonly<Record<string, ReadonlyArray<readonly [number, number]>>> = {
  mainnet: [
    [41280, 1], // Breeze
    [51000, 2], // Smoke
    [94000, 3], // Ignition
    [130800, 3], // Refuel
    [138720, 4], // Assembly
    [140760, 5], // Tape
    [148888, 5], // Liftoff
    [170000, 6], // Kumquat
    [265200, 7], // Calico
    [272400, 8], // Persian = Calico + 60 h
    [336458, 9], // Orange
    [550321, 10], // Trust
    [665280, 11], // Norwegian
    [712320, 12], // Turbo
    [892800, 13], // Hyperdrive
    [1231620, 14], // Chocolate
    [1594680, 15], // OhSnap
    [1960320, 16], // Skyr
    [2383680, 17], // Shark
    [2683348, 18], // Hygge
    [2809800, 19], // Lightning
    [2870280, 20], // Thunder = Lightning + 21 days
    [3469380, 21], // Watermelon
    [3855360, 22], // Dragon
    [4154640, 23], // Waffle
    [4461240, 24], // Tuktuk
    [4878840, 25], // Teep
    [5138040, 26], // Tock = Teep + 90 days
    [5348280, 27], // GoldenWeek
    [6052800, 28], // FireHorse
    [9999999999, 29], // Xx (placeholder height, not scheduled)
  ],
  calibnet: [
    [30, 4], // Assembly
    [60, 5], // Tape
    [90, 6], // Kumquat
    [120, 7], // Calico
    [240, 8], // Persian = Calico + 1 h
    [300, 9], // Orange
    [330, 10], // Trust
    [360, 11], // Norwegian
    [390, 12], // Turbo
    [420, 13], // Hyperdrive
    [450, 14], // Chocolate
    [480, 15], // OhSnap
    [510, 16], // Skyr
    [16800, 17], // Shark
    [322354, 18], // Hygge
    [489094, 19], // Lightning
    [492214, 20], // Thunder = Lightning + 3120
    [1013134, 21], // Watermelon
    [1070494, 21], // WatermelonFix
    [1108174, 21], // WatermelonFix2
    [1427974, 22], // Dragon
    [1493854, 22], // CalibrationDragonFix
    [1779094, 23], // Waffle
    [2078794, 24], // Tuktuk
    [2523454, 25], // Teep
    [2543614, 26], // Tock = Teep + 7 days
    [2558014, 26], // TockFix
    [3007294, 27], // GoldenWeek
    [3694534, 28], // FireHorse
    [999999999999999, 29], // Xx (placeholder height, not scheduled)
  ],
};

/** `GenesisNetworkVersion` of both networks. */
const GENESIS_NETWORK_VERSION = 0;

/** Lotus's bundle name for calibnet, accepted as an alias. */
const ALIASES: Readonly<Record<string, string>> = { calibrationnet: 'calibnet' };

/**
 * The network version of a devnet: Lotus's 2k build (build/buildconstants/params_2k.go)
 * sets every upgrade to a negative height, so a devnet runs the newest version from
 * genesis: here the newest version mainnet has scheduled.
 */
export const DEVNET_NETWORK_VERSION = Math.max(...UPGRADE_SCHEDULE.mainnet!.filter(([h]) => h < 9_000_000_000).map(([, v]) => v));

/**
 * Network version at an epoch as Lotus's StateNetworkVersion reports it: on
 * mainnet and calibnet the version introduced by the last upgrade whose height is
 * strictly below `height`, or the genesis version (0) when there is none; on any
 * other network (a devnet, such as the SYNTHETIC test chain) the newest version.
 */
export function networkVersionAt(network: string, height: number): number {
  const name = Object.hasOwn(ALIASES, network) ? ALIASES[network]! : network;
  const schedule = Object.hasOwn(UPGRADE_SCHEDULE, name) ? UPGRADE_SCHEDULE[name] : undefined;
  if (!schedule) return DEVNET_NETWORK_VERSION;
  let version = GENESIS_NETWORK_VERSION;
  for (const [upgradeHeight, upgradeVersion] of schedule) {
    if (height <= upgradeHeight) return version;
    version = upgradeVersion;
  }
  return version;
}
