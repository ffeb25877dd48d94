/**
 * A leader process replaying a CAR snapshot as a live chain: from genesis (or the
 * committed head, after a restart) upwards, one tipset per `epochMs`. It serves
 * `Filecoin.ChainNotify`, `ChainHead` and `Version` on `/rpc/v1` for followers.
 */
import { isAbsolute, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { RoleConfig } from '../common/config.js';
import type { Logger } from '../common/logger.js';
import { createMetrics } from '../common/metrics.js';
import { HeadNotifier } from '../rpc/chain-notify.js';
import { RpcServer } from '../rpc/server.js';
import { createRpcHttpServer } from '../rpc/http.js';
import { isRetryable } from '../rpc/errors.js';
import type { Store } from '../store/open.js';
import { resolveFromRoot } from '../common/paths.js';
import { sleep } from '../common/runtime.js';
import { networkForGenesis } from '../chain/network.js';
import { Leader } from './leader.js';
import { CarReplaySource } from './car-source.js';
import { UpstreamSync } from './upstream-source.js';
import { ChainView, canonicalHeads } from '../api/chain-view.js';
import { methodTable } from '../api/dispatch.js';
import { REGISTRY } from '../api/methods.js';
import { ChainReader } from '../blockstore/chain-reader.js';

/** A running leader. */
export interface LeaderHandle {
  app: FastifyInstance;
  leader: Leader;
  url: string;
  /** Resolves when the replay has reached the CAR's last tipset (immediately in upstream mode). */
  replayed: Promise<void>;
  /** The upstream follower, in upstream mode. */
  sync?: UpstreamSync;
  stop(): Promise<void>;
}

/** The CAR path: absolute, or relative to FIXTURES_DIR. */
export function resolveCarPath(cfg: { car: string; fixturesDir: string }): string {
  const car = cfg.car;
  return isAbsolute(car) ? car : join(resolveFromRoot(cfg.fixturesDir), car);
}

/**
 * Start the leader: load and verify the CAR (before anything is written), resume
 * from the committed head, serve, and replay.
 * @throws CarFormatError for a malformed CAR (nothing written).
 */
export async function runLeader(cfg: RoleConfig<'leader'>, store: Store, log: Logger): Promise<LeaderHandle> {
  const metrics = createMetrics();
  const upstreamUrl = cfg.upstreamUrl;
  const carPath = upstreamUrl ? null : resolveCarPath(cfg);
  const source = carPath ? await CarReplaySource.open(carPath) : null;
  const steps = source ? source.steps() : [];
  let network = source ? networkForGenesis(source.tipsets[0]!.key[0]!.toString()) : networkForGenesis('');
  const notifier = new HeadNotifier(() => network.prefix);
  const leader = new Leader({ store, notifier, log: log.child({ component: 'leader' }), metrics });
  const resumed = await leader.resume();
  const learnNetwork = async (): Promise<void> => {
    // upstream mode: the network follows from the store's genesis, when it has one
    const g = await store.index.canonicalAt(0, 'after').catch(() => null);
    if (g && g.height === 0) network = networkForGenesis(g.key[0]!.toString());
  };
  if (!source) await learnNetwork();

  // the leader serves three declared methods for followers, from its own head
  const reader = new ChainReader(store.blockstore);
  // the leader's head is the canonical chain of the index
  const heads = canonicalHeads(store.index, reader, () => leader.currentHead);
  const view = new ChainView({
    reader,
    index: store.index,
    heads,
    changes: notifier,
    cache: { get: (_m, _k, compute) => compute() },
    limits: { lookbackEpochs: 0, messageLookbackEpochs: 0 },
    agent: 'fil-follower-leader',
  });
  const methods = methodTable(REGISTRY, 'v1', view, ['Filecoin.ChainNotify', 'Filecoin.ChainHead', 'Filecoin.Version']);
  let fatal: Error | null = null;
  let sync: UpstreamSync | undefined;
  const rpc = new RpcServer(methods, { log, metrics, maxBufferedBytes: cfg.wsMaxBufferedBytes });
  const app = await createRpcHttpServer({
    rpc: { v1: rpc },
    log,
    metrics,
    maxRequestBytes: cfg.maxRequestBytes,
    livez: () => ({ ok: true }),
    readyz: () => {
      const err = fatal ?? sync?.fatalError ?? null;
      return { ok: !!leader.currentHead && !err, height: leader.currentHead?.height ?? null, fatalError: err?.message ?? null };
    },
  });
  const url = await app.listen({ host: cfg.leaderHost, port: cfg.leaderPort });
  log.info({ url, car: carPath, upstream: upstreamUrl ?? null, tipsets: steps.length, resumedAt: resumed?.height ?? null }, 'leader listening');

  if (upstreamUrl) {
    const unfinished = await store.index.unfinishedImports();
    if (unfinished.length > 0) {
      await app.close();
      throw new Error(`an import of ${unfinished[0]} did not finish: run \`fil-follower import ${unfinished[0]}\` again before syncing`);
    }
    const up = new UpstreamSync(
      {
        url: upstreamUrl,
        token: cfg.upstreamToken,
        backfillEpochs: cfg.backfillEpochs,
        concurrency: cfg.fetchConcurrency,
        reconnectMaxMs: cfg.reconnectMaxMs,
      },
      { leader, store, log: log.child({ component: 'upstream' }), metrics },
    );
    sync = up;
    notifier.onChange(() => {
      if (up.upstreamHeight !== null && leader.currentHead) metrics.headLag.set(up.upstreamHeight - leader.currentHead.height);
      if (network.name === 'unknown') void learnNetwork();
    });
    up.start();
    return {
      app,
      leader,
      url,
      sync: up,
      replayed: Promise.resolve(),
      stop: async () => {
        await up.stop();
        notifier.closeAll();
        await app.close();
      },
    };
  }

  let stopped = false;
  const epochMs = cfg.epochMs;
  // resume after the committed head when it is on this CAR's chain
  let start = 0;
  if (resumed) {
    const i = steps.findIndex((s) => s.tipset.keyString === resumed.keyString);
    if (i >= 0) start = i + 1;
    else log.warn({ head: resumed.height }, 'committed head is not on the CAR chain: replay moves the head with a reorg');
  }
  const replayed = (async () => {
    let last = Date.now();
    for (let i = start; i < steps.length && !stopped; i++) {
      const step = steps[i]!;
      if (i > start && epochMs > 0) {
        const wait = epochMs - (Date.now() - last);
        if (wait > 0) await sleep(wait);
      }
      last = Date.now();
      for (let attempt = 0; !stopped; attempt++) {
        try {
          await leader.advance(step.tipset, step.blocks);
          break;
        } catch (e) {
          if (!isRetryable(e)) {
            fatal = e as Error;
            log.fatal({ height: step.tipset.height, err: e }, 'replay stopped: this tipset cannot be written, and retrying will not change that');
            stopped = true;
            break;
          }
          log.warn({ height: step.tipset.height, attempt, err: (e as Error).message }, 'write failed; retrying');
          await sleep(Math.min(5000, 100 * 2 ** attempt));
        }
      }
      if (step.tipset.height % 50 === 0 || i === steps.length - 1) log.info({ height: step.tipset.height, of: steps[steps.length - 1]!.tipset.height }, 'replay progress');
    }
    if (!stopped) log.info({ height: leader.currentHead?.height }, 'replay complete; serving the last head');
  })();

  return {
    app,
    leader,
    url,
    replayed,
    stop: async () => {
      stopped = true;
      notifier.closeAll();
      await replayed.catch(() => undefined);
      await app.close();
    },
  };
}
