/**
 * A follower process: opens the store read-only (it never writes), tracks the head,
 * and serves the read-only API on HTTP and WebSocket.
 */
import type { FastifyInstance } from 'fastify';
import type { RoleConfig } from '../common/config.js';
import type { Logger } from '../common/logger.js';
import { createMetrics } from '../common/metrics.js';
import { HeadNotifier } from '../rpc/chain-notify.js';
import { RpcServer } from '../rpc/server.js';
import { createRpcHttpServer } from '../rpc/http.js';
import type { Store } from '../store/open.js';
import { ChainReader } from '../blockstore/chain-reader.js';
import { CachedBlockstore } from '../blockstore/cached.js';
import { VerifiedBlockstore } from '../blockstore/verified.js';
import { HeadTracker } from './head-tracker.js';
import { ResponseCache } from './response-cache.js';
import { ChainView } from '../api/chain-view.js';
import { methodTable } from '../api/dispatch.js';
import { REGISTRY } from '../api/methods.js';
import { RateLimiter } from '../api/rate-limit.js';

/** A running follower. */
export interface FollowerHandle {
  app: FastifyInstance;
  tracker: HeadTracker;
  /** `http://host:port`. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Start a follower on an open store.
 * @param cfg follower settings (followerHost, followerPort, leaderUrl, headPollMs, …)
 */
export async function runFollower(cfg: RoleConfig<'follower'>, store: Store, log: Logger): Promise<FollowerHandle> {
  const metrics = createMetrics();
  // verified below the cache: nothing unverified is cached or served
  const source = cfg.verifyBlocks ? new VerifiedBlockstore(store.blockstore, metrics) : store.blockstore;
  const blockstore = new CachedBlockstore(source, cfg.blockCacheBytes, metrics);
  const reader = new ChainReader(blockstore, { cacheBytes: cfg.chainCacheBytes });
  let view: ChainView | null = null;
  const notifier = new HeadNotifier(() => view?.prefix ?? 't');
  const tracker = new HeadTracker(
    { leaderUrl: cfg.leaderUrl, headPollMs: cfg.headPollMs, reconnectMaxMs: cfg.reconnectMaxMs },
    { reader, index: store.index, notifier, log: log.child({ component: 'head' }), metrics, beforeFirstHead: () => view!.init() },
  );
  const cache = new ResponseCache(cfg.responseCacheBytes, metrics);
  view = new ChainView({
    reader,
    index: store.index,
    heads: tracker,
    changes: notifier,
    cache,
    limits: { lookbackEpochs: cfg.lookbackEpochs, messageLookbackEpochs: cfg.messageLookbackEpochs, ethMaxFilterHeightRange: cfg.ethMaxFilterHeightRange, ethMaxFilterResults: cfg.ethMaxFilterResults },
    agent: 'fil-follower',
  });
  const rpcOpts = { log, metrics, maxBatch: cfg.maxBatch, maxBufferedBytes: cfg.wsMaxBufferedBytes };
  const rateLimiter = new RateLimiter(REGISTRY, { ratePerSecond: cfg.rateLimit, burstSeconds: cfg.rateBurstSeconds }, undefined, metrics);
  const v1 = new RpcServer(methodTable(REGISTRY, 'v1', view), rpcOpts);
  const v0 = new RpcServer(methodTable(REGISTRY, 'v0', view), rpcOpts);
  const v2 = new RpcServer(methodTable(REGISTRY, 'v2', view), rpcOpts);
  const readyLag = cfg.readyMaxLag;
  const app = await createRpcHttpServer({
    rpc: { v1, v0, v2 },
    log,
    metrics,
    maxRequestBytes: cfg.maxRequestBytes,
    corsOrigins: cfg.corsOrigins,
    // a follower can be the public endpoint on its own: the same per-IP limits as the balancer
    admit: rateLimiter.enabled ? (ip, body) => rateLimiter.refusal(ip, body) : undefined,
    livez: () => ({ ok: true }),
    readyz: async () => {
      const head = tracker.head;
      let storeHeight: number | null = null;
      let storeError: string | undefined;
      try {
        storeHeight = (await store.index.getHead())?.height ?? null;
      } catch (e) {
        storeError = (e as Error).message;
      }
      const lag = head && storeHeight !== null ? storeHeight - head.height : null;
      return {
        ok: !!head && lag !== null && lag <= readyLag && !storeError,
        height: head?.height ?? null,
        storeHeight,
        lag,
        leaderConnected: tracker.leaderConnected,
        lastError: tracker.lastError ?? storeError ?? null,
      };
    },
  });
  // the network may become known only later (e.g. once the state is stored)
  notifier.onChange(() => void view!.init());
  await tracker.start();
  const address = await app.listen({ host: cfg.followerHost, port: cfg.followerPort });
  log.info({ url: address, head: tracker.head?.height ?? null }, 'follower listening');
  return {
    app,
    tracker,
    url: address,
    stop: async () => {
      await tracker.stop();
      await app.close();
    },
  };
}
