/**
 * An in-process leader + follower over a real embedded PostgreSQL, for tests that
 * drive the leader directly (replays, synthetic forks) and query the follower over
 * real HTTP.
 */
import { join } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../store/embedded-postgres.js';
import { openStore, type Store } from '../../store/open.js';
import { silentLogger } from '../../common/logger.js';
import { createMetrics } from '../../common/metrics.js';
import { HeadNotifier } from '../../rpc/chain-notify.js';
import { loadConfig } from '../../common/config.js';
import { Leader } from '../../leader/leader.js';
import { CarReplaySource } from '../../leader/car-source.js';
import { runFollower, type FollowerHandle } from '../../follower/main.js';
import { freePort } from './cluster.js';
import { scratchDir } from './tmp.js';

/** The running pieces. */
export interface InProcess {
  pg: EmbeddedPostgresHandle;
  leaderStore: Store;
  followerStore: Store;
  leader: Leader;
  source: CarReplaySource;
  follower: FollowerHandle;
  /** `http://127.0.0.1:port/rpc/v1` of the follower. */
  url: string;
  stop(): Promise<void>;
}

/** Start PostgreSQL, replay `car` completely through a Leader, and start a poll-only follower. */
export async function startInProcess(car: string, followerFlags: Record<string, string> = {}): Promise<InProcess> {
  const dir = scratchDir('ip');
  const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort(), log: silentLogger() });
  const leaderStore = await openStore(pg.url, { migrate: true });
  const source = await CarReplaySource.open(car);
  const notifier = new HeadNotifier(() => 'f');
  const leader = new Leader({ store: leaderStore, notifier, log: silentLogger(), metrics: createMetrics() });
  for (const step of source.steps()) await leader.advance(step.tipset, step.blocks);
  const followerStore = await openStore(pg.url);
  const port = await freePort();
  const cfg = loadConfig('follower', { port: String(port), headPollMs: '100', ...followerFlags }, {});
  cfg.leaderUrl = undefined; // poll-only: the head row drives it
  const follower = await runFollower(cfg, followerStore, silentLogger());
  return {
    pg,
    leaderStore,
    followerStore,
    leader,
    source,
    follower,
    url: `http://127.0.0.1:${port}/rpc/v1`,
    stop: async () => {
      await follower.stop();
      await followerStore.close();
      await leaderStore.close();
      await pg.stop();
    },
  };
}
