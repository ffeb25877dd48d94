/**
 * The JSON-RPC-aware load balancer. It polls every follower's `/health/readyz`,
 * routes each HTTP request round-robin over the followers that are ready and not
 * more than `maxLagEpochs` behind the highest head, retries on another follower
 * when one refuses the connection, pins each WebSocket to one follower for its
 * lifetime, and sends methods that need execution or the mempool to a configured
 * full node (or answers -32601 with a clear message). Which methods are forwarded
 * comes from the method registry (api/), also inside batches (split and merged in
 * order) and on WebSockets (such frames are answered here, the rest pass through).
 * `Filecoin.ChainNotify` on a client WebSocket is served here from the balancer's own
 * subscription to the pinned follower (notify-fanout.ts): one subscription per
 * follower, however many clients subscribe.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import { Pool } from 'undici';
import { Gauge } from 'prom-client';
import { WebSocket } from 'ws';
import { RpcWsClient } from '../rpc/client.js';
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from '../common/logger.js';
import { createMetrics, type Metrics } from '../common/metrics.js';
import { MAX_JSON_DEPTH, dropSocket, errorResponse, nestedDeeperThan, serialize } from '../rpc/server.js';
import { InternalError, LimitExceededError, ParseError } from '../rpc/errors.js';
import { REGISTRY } from '../api/methods.js';
import { WAIT_MSG_TIMEOUT_MS } from '../api/state.js';
import { notServedError } from '../api/dispatch.js';
import type { ApiVersion, MethodDef } from '../api/registry.js';
import { type RoutePlan, Router, mergeSplit } from './routing.js';
import { registerCors } from '../rpc/cors.js';
import { RateLimiter } from '../api/rate-limit.js';
import { LOCAL_CHANNEL_BASE, MAX_SUBSCRIPTIONS, type LocalChannel, NotifyFanout } from './notify-fanout.js';
import { postRaw } from './upstream-post.js';
import { EdgeCache } from './edge-cache.js';
import { hash32, mix32 } from './affinity.js';
import { type Answer, Coalescer } from './coalescer.js';
import { singleCall } from './single-call.js';

/** Balancer options. */
export interface BalancerOptions {
  host: string;
  port: number;
  /**
   * Follower base URLs, e.g. `http://127.0.0.1:1240`. An entry `dns+http://name:port`
   * is re-resolved at every health poll and stands for every address the name has
   * (docker compose `--scale follower=N` gives one name many addresses).
   */
  upstreams: string[];
  maxLagEpochs: number;
  healthIntervalMs: number;
  /** Extra followers tried after a refused connection. */
  retries: number;
  maxRequestBytes: number;
  /** Full node HTTP URL for forwarded methods (`http://lotus:1234/rpc/v1`). */
  fullNodeUrl?: string;
  /** Bearer token sent to the full node (MpoolPush needs write permission). */
  fullNodeToken?: string;
  /** CORS origins (`['*']`, a list, or `['none']`; default none). */
  corsOrigins?: readonly string[];
  /** How long a read may wait for a follower to reach the highest head already served (ms, default 2000). */
  monotonicWaitMs?: number;
  /** Most open WebSocket connections per client IP (0: no limit). */
  maxWsPerIp?: number;
  /** Bytes of answers a WebSocket client may leave unread before it is closed (default 8 MiB). */
  wsMaxBufferedBytes?: number;
  /** Tokens per second per client IP, priced by cost class (0: no limit). */
  rateLimit?: number;
  /** Bucket size, in seconds of `rateLimit`. */
  rateBurstSeconds?: number;
  /** Idle client connections are closed after this long (ms, default 5000, Node's; announced as `Keep-Alive: timeout=`). */
  keepAliveTimeoutMs?: number;
  /** Bytes of answers the edge cache keeps (edge-cache.ts; 0, the default: no cache). */
  edgeCacheBytes?: number;
  /** Most single calls sent to a follower as one batch (coalescer.ts; 1: never batch; default 32). */
  coalesceMax?: number;
}

/** What the balancer knows of one follower. */
export interface UpstreamState {
  url: string;
  up: boolean;
  ready: boolean;
  height: number | null;
  lastError: string | null;
}

class Upstream implements UpstreamState {
  /** The `dns+` entry that discovered it (undefined for a static entry). */
  discoveredBy?: string;
  up = false;
  ready = false;
  /** Head height from the last health poll. */
  polled: number | null = null;
  /** Head height from the follower's own ChainNotify, while subscribed (learned as it changes). */
  notified: number | null = null;
  /** The ChainNotify subscription (null when not connected). */
  watcher: RpcWsClient | null = null;
  watching = false;
  /** A health poll of it is in flight (polls do not overlap). */
  checking = false;
  lastError: string | null = null;
  readonly pool: Pool;
  /** hash32 of the URL, for cache affinity. */
  readonly urlHash: number;
  /** ChainNotify for the clients pinned to this follower, served from `watcher`. */
  readonly fanout: NotifyFanout;
  constructor(
    readonly url: string,
    private readonly counter: Metrics['proxied'],
    onSlow: (ch: LocalChannel) => void,
    maxBufferedBytes?: number,
  ) {
    this.fanout = new NotifyFanout(onSlow, maxBufferedBytes);
    this.urlHash = hash32(url);
    this.pool = new Pool(url, { connections: 64, pipelining: 1, keepAliveTimeout: 30_000, connectTimeout: 2000 });
  }
  /** `proxied_requests_total` children of this upstream by HTTP status (label lookups cost per request). */
  private readonly byStatus = new Map<number, { inc(): void }>();
  /** The counter of answers with `status` from this upstream. */
  counted(status: number): { inc(): void } {
    let c = this.byStatus.get(status);
    if (!c) this.byStatus.set(status, (c = this.counter.labels({ upstream: this.url, outcome: String(status) })));
    return c;
  }
  /** The best known head height: the subscription's when live, else the poll's. */
  get height(): number | null {
    return this.notified ?? this.polled;
  }
}

/** How often followers that are not ready are polled, and `dns+` names re-resolved (ms). */
const FAST_POLL_MS = 200;

function isConnectError(e: unknown): boolean {
  const code = (e as { code?: string })?.code ?? '';
  return ['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CLOSED'].includes(code);
}

/** A running balancer. */
export interface BalancerHandle {
  app: FastifyInstance;
  url: string;
  upstreams(): UpstreamState[];
  /** Poll every upstream's health now. */
  refresh(): Promise<void>;
  /**
   * Stop taking connections but finish what the open ones ask: every answer from now on
   * carries `Connection: close`, idle keep-alive connections are left to time out (the
   * client closes them first: it is told `Keep-Alive: timeout=`), WebSocket clients are
   * closed with 1001 (going away, they reconnect). Resolves with the connections still
   * open when every connection has closed or `timeoutMs` passed; then call `stop`.
   * In a node:cluster worker the primary hands new connections to the other workers.
   */
  drain(timeoutMs: number): Promise<number>;
  stop(): Promise<void>;
  metrics: Metrics;
}

/** Start the balancer. */
export async function runBalancer(opts: BalancerOptions, log: Logger): Promise<BalancerHandle> {
  const metrics = createMetrics();
  /** A client that left CHANNEL_BUFFER head changes unwritten: dropped, with its connection. */
  // a dropped client is CLOSING at once, so its other channels are not reported again
  const onSlowSubscriber = (ch: LocalChannel): void => {
    metrics.slowClientsClosed.inc();
    log.info({ channel: ch.id, bufferedBytes: ch.ws.bufferedAmount }, 'closing a WebSocket client that stopped reading its ChainNotify');
    dropSocket(ch.ws);
  };
  const ups: Upstream[] = opts.upstreams.filter((u) => !u.startsWith('dns+')).map((u) => new Upstream(u.replace(/\/+$/, ''), metrics.proxied, onSlowSubscriber, opts.wsMaxBufferedBytes));
  const discovered = opts.upstreams.filter((u) => u.startsWith('dns+'));
  /** Add upstreams for new addresses of each `dns+` entry; drop the entry's own that vanished. */
  const discover = async (): Promise<void> => {
    for (const entry of discovered) {
      const d = new URL(entry.slice(4));
      const addrs = await lookup(d.hostname, { all: true, family: 4 }).catch(() => null);
      if (!addrs) continue; // a failed lookup keeps what we have
      const want = new Set(addrs.map((a) => `${d.protocol}//${a.address}:${d.port || 80}`));
      for (const url of want) {
        if (ups.some((u) => u.url === url)) continue;
        const u = new Upstream(url, metrics.proxied, onSlowSubscriber, opts.wsMaxBufferedBytes);
        u.discoveredBy = entry;
        ups.push(u);
      }
      for (let i = ups.length - 1; i >= 0; i--) {
        const u = ups[i]!;
        if (u.discoveredBy === entry && !want.has(u.url)) {
          ups.splice(i, 1);
          u.watcher?.close();
          void u.pool.close();
        }
      }
    }
  };
  let stopped = false;
  const edge = new EdgeCache(opts.edgeCacheBytes ?? 0);
  const fullNode = opts.fullNodeUrl ? new Pool(new URL(opts.fullNodeUrl).origin, { connections: 16 }) : null;
  let rr = 0;

  const checkOne = async (u: Upstream): Promise<void> => {
    if (u.checking) return;
    u.checking = true;
    const [wasReady, wasPolled] = [u.ready, u.polled];
    try {
      const res = await u.pool.request({ path: '/health/readyz', method: 'GET', headersTimeout: 2000, bodyTimeout: 2000 });
      const body = (await res.body.json()) as { ok?: boolean; height?: number | null; lastError?: string | null };
      u.up = true;
      // a follower with a head can answer reads, even lagging or with its store away (cached
      // reads): routing decides on heights; `ok` (caught up) is for orchestrators
      u.polled = typeof body.height === 'number' ? body.height : null;
      u.ready = u.polled !== null;
      u.lastError = u.ready ? (body.ok === true ? null : body.lastError ?? `behind the store (HTTP ${res.statusCode})`) : `no head yet (HTTP ${res.statusCode})`;
    } catch (e) {
      u.up = false;
      u.ready = false;
      u.lastError = (e as Error).message;
    } finally {
      u.checking = false;
    }
    if (u.ready !== wasReady || u.polled !== wasPolled) edge.headMoved();
    if (u.up) watch(u);
    metrics.upstreamUp.set({ upstream: u.url }, u.ready ? 1 : 0);
    if (u.height !== null) metrics.upstreamHead.set({ upstream: u.url }, u.height);
  };
  /** Subscribe to a follower's ChainNotify, so its head is known the moment it moves (not at the next poll). */
  const watch = (u: Upstream): void => {
    if (u.watcher || u.watching || stopped) return;
    u.watching = true;
    void (async () => {
      let client: RpcWsClient | null = null;
      try {
        client = await RpcWsClient.connect(`${u.url.replace(/^http/, 'ws')}/rpc/v1`, { timeoutMs: 2000 });
        client.onClose(() => {
          u.watcher = null;
          u.notified = null;
          u.fanout.closeAll();
        });
        await client.subscribe(
          'Filecoin.ChainNotify',
          [],
          (v) => {
            const last = Array.isArray(v) ? (v[v.length - 1] as { Type?: string; Val?: { Height?: unknown } } | undefined) : undefined;
            const h = last?.Val?.Height;
            if (typeof h !== 'number') return;
            u.fanout.publish(v as unknown[]);
            // after a revert-only change the head is the reverted tipset's parent, below it
            u.notified = last!.Type === 'revert' ? h - 1 : h;
            edge.headMoved();
            metrics.upstreamHead.set({ upstream: u.url }, u.notified);
          },
          () => client?.close(),
        );
        if (stopped) client.close();
        else u.watcher = client;
      } catch (e) {
        // a follower without WebSocket (or restarting): its polled height is used meanwhile;
        // a connection whose subscription failed is closed, not kept
        client?.close();
        log.debug({ upstream: u.url, err: (e as Error).message }, 'cannot subscribe to follower head');
      } finally {
        u.watching = false;
      }
    })();
  };

  const refresh = async (): Promise<void> => {
    if (discovered.length > 0) await discover();
    await Promise.all(ups.map(checkOne));
  };
  await refresh();
  const timer = setInterval(() => {
    if (!stopped) void refresh();
  }, opts.healthIntervalMs);
  // a follower that is not ready (a new replica, one restarting) is polled, and the
  // `dns+` names re-resolved, every FAST_POLL_MS: one that comes up takes traffic that soon
  const fastTimer = setInterval(() => {
    if (stopped) return;
    void (async () => {
      if (discovered.length > 0) await discover();
      await Promise.all(ups.filter((u) => !u.ready).map(checkOne));
    })();
  }, Math.min(FAST_POLL_MS, opts.healthIntervalMs));

  /** Followers with a head within `lag` epochs of the highest (in configuration order). */
  const withinLag = (lag: number): Upstream[] => {
    const ready = ups.filter((u) => u.up && u.ready && u.height !== null);
    const best = Math.max(...ready.map((u) => u.height!), -1);
    return ready.filter((u) => u.height! >= best - lag);
  };
  /** The list rotated by one more step of the round-robin (one step per routing decision). */
  const rotate = (list: Upstream[]): Upstream[] => {
    if (list.length === 0) return list;
    const start = rr++ % list.length;
    return [...list.slice(start), ...list.slice(0, start)];
  };
  /**
   * Cache affinity (rendezvous hashing): a call for immutable content (by CID or TipSetKey)
   * goes to the follower at the head with the highest score for its key, so each follower's
   * caches hold a share of the chain instead of every follower caching everything; with N
   * followers the caches add up. Only the order among followers at the head changes:
   * monotonic reads and retries are as for any read.
   */
  const score = (key: number, u: Upstream): number => mix32(key ^ u.urlHash);
  /** The follower a key prefers now ('' when none is at the head). */
  const preferred = (key: number): string => {
    let best: Upstream | null = null;
    for (const u of withinLag(0)) if (!best || score(key, u) > score(key, best)) best = u;
    return best?.url ?? '';
  };
  /** Followers within MAX_LAG_EPOCHS of the highest head, round-robin (WebSocket pins). */
  const eligible = (): Upstream[] => rotate(withinLag(opts.maxLagEpochs));

  /**
   * Monotonic reads: the highest head any HTTP read was routed to. A read goes to a
   * follower at the highest head, and never to one below this floor while one may
   * reach it within `monotonicWaitMs` (a follower at the floor died, the others are a
   * moment behind); after that, availability wins and the floor comes down.
   */
  let floor = -1;
  const readTargets = async (affinity?: number): Promise<Upstream[]> => {
    const deadline = Date.now() + (opts.monotonicWaitMs ?? 2000);
    for (;;) {
      const at = withinLag(0);
      const best = at[0]?.height ?? -1;
      if (best >= floor || Date.now() >= deadline) {
        if (at.length > 0) floor = best;
        // the followers at the head first (round-robin, or by affinity), then the rest within the lag bound, for retries
        const first = affinity === undefined ? rotate(at) : [...at].sort((a, b) => score(affinity, b) - score(affinity, a));
        return [...first, ...withinLag(opts.maxLagEpochs).filter((u) => !at.includes(u))];
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  // return503OnClosing: a draining balancer answers the connections it still has, it does not refuse them
  // the JSON-RPC POST hot path is answered on node:http before fastify (rpcPost below);
  // fastify serves the rest: WebSockets, health, metrics, CORS requests
  let rpcPost: (req: IncomingMessage, res: ServerResponse) => boolean = () => false;
  const app = Fastify({
    loggerInstance: log.child({ component: 'lb' }, { level: 'warn' }) as FastifyBaseLogger,
    bodyLimit: opts.maxRequestBytes,
    return503OnClosing: false,
    serverFactory: (handler) => {
      const server = http.createServer((req, res) => {
        if (!rpcPost(req, res)) handler(req, res);
      });
      server.keepAliveTimeout = opts.keepAliveTimeoutMs ?? 5000;
      return server;
    },
  });
  let draining = false;
  app.addHook('onRequest', (_req, reply, done) => {
    if (draining) void reply.header('connection', 'close');
    done();
  });
  await registerCors(app, opts.corsOrigins ?? []);
  await app.register(websocket, { options: { maxPayload: opts.maxRequestBytes } });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err: { code?: string; message: string; statusCode?: number }, _req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      void reply.code(500).header('content-type', 'application/json').send(serialize(errorResponse(null, ParseError.code, `request bigger than maximum ${opts.maxRequestBytes} allowed`)));
      return;
    }
    void reply.code(err.statusCode && err.statusCode >= 400 ? err.statusCode : 500).send({ error: err.message });
  });

  const router = new Router(REGISTRY, { fullNode: !!fullNode });
  /** Open WebSocket connections per client IP. */
  const wsPerIp = new Map<string, number>();
  const limiter = new RateLimiter(REGISTRY, { ratePerSecond: opts.rateLimit ?? 0, burstSeconds: opts.rateBurstSeconds ?? 1 }, undefined, metrics);

  /** POST a body to the full node (FULLNODE_URL's path when it names one), with FULLNODE_TOKEN. */
  const toFullNode = async (path: string, body: string): Promise<{ status: number; body: string }> => {
    const fnPath = new URL(opts.fullNodeUrl!).pathname;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (opts.fullNodeToken) headers.authorization = `Bearer ${opts.fullNodeToken}`;
    try {
      // the full node's own path when the URL names one (http://lotus:1234/rpc/v1), else the request's
      const res = await fullNode!.request({ path: fnPath && fnPath !== '/' ? fnPath : path, method: 'POST', body, headers, headersTimeout: 60_000, bodyTimeout: 60_000 });
      metrics.proxied.inc({ upstream: 'fullnode', outcome: String(res.statusCode) });
      return { status: res.statusCode, body: await res.body.text() };
    } catch (e) {
      metrics.proxied.inc({ upstream: 'fullnode', outcome: 'error' });
      return { status: 503, body: serialize(errorResponse(null, InternalError.code, `full node unreachable: ${(e as Error).message}`)) };
    }
  };
  /** The -32601 answer of a forwarded method when no full node is configured. */
  const noFullNode = (method: string, id: string | number | null): unknown => {
    const err = notServedError((REGISTRY.lookup(method) ?? REGISTRY.lookup(method, 'v0'))!, method);
    return errorResponse(id, err.code, err.message);
  };

  /** POST a body to a ready follower (or `pinned`), retrying on another when one refuses the connection. */
  const toFollower = async (path: string, body: Buffer | string, pinned?: Upstream, affinity?: number): Promise<Answer> => {
    const candidates = pinned ? [pinned] : (await readTargets(affinity)).slice(0, opts.retries + 1);
    let lastErr: unknown = null;
    // a StateWaitMsg long poll may take as long as its wait bound; anything else has a minute
    const timeout = body.includes('StateWaitMsg') ? WAIT_MSG_TIMEOUT_MS + 30_000 : 60_000;
    for (const u of candidates) {
      try {
        const res = await postRaw(u.pool, path, body, timeout);
        u.counted(res.status).inc();
        // a follower that could not answer (no head yet, its store away for an uncached read) is not
        // the last word when another may: reads are idempotent, so the next one is asked
        if (res.status >= 500 && res.body.includes('"code":-32603') && u !== candidates[candidates.length - 1]) {
          lastErr = new Error(`follower ${u.url} could not answer: ${res.body.subarray(0, 200).toString()}`);
          continue;
        }
        return { status: res.status, body: res.body, upstream: u.url };
      } catch (e) {
        lastErr = e;
        metrics.proxied.inc({ upstream: u.url, outcome: 'error' });
        if (!isConnectError(e)) break; // the request may have run: do not send it twice
        u.up = false;
        u.ready = false;
        u.lastError = (e as Error).message;
        log.warn({ upstream: u.url, err: (e as Error).message }, 'upstream refused; trying another');
      }
    }
    const why = candidates.length === 0 ? 'no follower is ready and caught up' : `upstream failed: ${(lastErr as Error)?.message}`;
    return { status: 503, upstream: 'none', body: serialize(errorResponse(null, InternalError.code, why)) };
  };

  const parseOr = (text: string): unknown => {
    try {
      return text.trim() === '' ? [] : JSON.parse(text);
    } catch {
      return null;
    }
  };

  /** Answer a body whose plan is not "follower": one forwarded request, or a split batch. */
  const answerPlanned = async (plan: Exclude<RoutePlan, { kind: 'follower' }>, path: string, body: string, pinned?: Upstream): Promise<Answer> => {
    if (plan.kind === 'fullnode') {
      if (!fullNode) return { status: 500, upstream: 'none', body: serialize(noFullNode(plan.method, plan.id)) };
      return { ...(await toFullNode(path, body)), upstream: 'fullnode' };
    }
    const fwd = plan.items.filter((_, i) => plan.toFullNode[i]);
    const rest = plan.items.filter((_, i) => !plan.toFullNode[i]);
    const [fn, fo] = await Promise.all([
      fullNode
        ? toFullNode(path, JSON.stringify(fwd)).then((r) => parseOr(r.body))
        : Promise.resolve(fwd.filter((x) => (x as { id?: unknown }).id !== undefined).map((x) => noFullNode((x as { method: string }).method, (x as { id: string | number }).id ?? null))),
      rest.length > 0 ? toFollower(path, JSON.stringify(rest), pinned).then((r) => parseOr(String(r.body))) : Promise.resolve([]),
    ]);
    const merged = mergeSplit(plan, { fullnode: fn, follower: fo });
    return { status: 200, upstream: fullNode ? 'fullnode+follower' : 'follower', body: merged.length === 0 ? '' : `[${merged.map(serialize).join(',')}]` };
  };

  /** The fastify route's (CORS requests): one body, planned, relayed as is. */
  const forward = async (path: string, version: ApiVersion, body: string): Promise<Answer> => {
    const plan = router.plan(body, version);
    if (plan.kind !== 'follower') return answerPlanned(plan, path, body);
    return toFollower(path, body);
  };

  const EDGE_HIT = { 'x-upstream': 'edge-cache' };
  const coalescer = (opts.coalesceMax ?? 32) > 1 ? new Coalescer((path, body, affinity) => toFollower(path, body, undefined, affinity), opts.coalesceMax ?? 32) : null;
  // the edge cache's and the coalescer's counts, read at scrape time
  const counts: Array<[string, string, () => number]> = [
    ['lb_edge_cache_hits', 'Answers the balancer served from its edge cache', () => edge.stats.hits],
    ['lb_edge_cache_misses', 'Cacheable calls the edge cache did not hold', () => edge.stats.misses],
    ['lb_coalesced_batches', 'Batches the balancer made of single calls that arrived together', () => coalescer?.stats.batches ?? 0],
    ['lb_coalesced_calls', 'Single calls that travelled to a follower inside such a batch', () => coalescer?.stats.calls ?? 0],
  ];
  for (const [name, help, read] of counts) {
    new Gauge({ name: `filfollower_${name}`, help, registers: [metrics.registry], collect() { this.set(read()); } });
  }
  /** Whether a served method may share a batch: not heavy, not a long poll. */
  const coalescable = (def: MethodDef | undefined): boolean => !!def && def.cost !== 'heavy' && !def.name.includes('WaitMsg');
  /** Paths of the JSON-RPC endpoints and the API version each serves. */
  const RPC_PATHS = new Map<string, ApiVersion>([['/rpc/v0', 'v0'], ['/rpc/v1', 'v1'], ['/rpc/v2', 'v2']]);
  /** Write a whole answer (status, JSON body) on the hot path. */
  const send = (res: ServerResponse, status: number, body: Buffer | string, extra?: Record<string, string>): void => {
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...extra };
    if (draining) headers.connection = 'close';
    res.writeHead(status, headers);
    res.end(body);
  };
  /**
   * The hot path: a JSON-RPC POST without an Origin header (CORS requests take the
   * fastify route, which adds the CORS headers), answered on node:http with no
   * framework in between: the body is read as bytes, priced by the rate limiter, planned
   * by the router, and the follower's answer bytes are written back unchanged. Same
   * answers and errors as the fastify route. Returns false when the request is not one.
   */
  rpcPost = (req, res) => {
    if (req.method !== 'POST' || req.headers.origin !== undefined) return false;
    const version = RPC_PATHS.get(req.url ?? '');
    if (!version) return false;
    const path = req.url!;
    const max = opts.maxRequestBytes;
    const tooLarge = (): void => {
      send(res, 500, serialize(errorResponse(null, ParseError.code, `request bigger than maximum ${max} allowed`)), { connection: 'close' });
      res.once('finish', () => req.destroy());
    };
    if (Number(req.headers['content-length'] ?? 0) > max) {
      tooLarge();
      return true;
    }
    let first: Buffer | null = null;
    let more: Buffer[] | null = null;
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > max) {
        over = true;
        tooLarge();
      } else if (first === null) first = chunk;
      else (more ??= [first]).push(chunk);
    });
    req.on('error', () => req.destroy());
    req.on('end', () => {
      if (over) return;
      const bytes = more ? Buffer.concat(more, size) : (first ?? Buffer.alloc(0));
      const body = bytes.toString();
      const refused = limiter.refusal(req.socket.remoteAddress ?? '', body);
      if (refused) return send(res, 429, refused.body, { 'retry-after': String(refused.retryAfterSeconds) });
      const call = singleCall(body);
      const def = call ? REGISTRY.lookup(call.method, version) : undefined;
      const c = edge.cacheable(call, def, version);
      const hit = c && edge.get(c);
      if (hit) return send(res, 200, hit, EDGE_HIT);
      const gen = edge.generation;
      const plan = router.plan(body, version);
      const affinity = call && def?.cache === 'immutable' ? hash32(call.paramsText) : undefined;
      const answer =
        plan.kind !== 'follower' ? answerPlanned(plan, path, body)
        : coalescer && coalescable(def) ? coalescer.submit(path, bytes, affinity === undefined ? '' : preferred(affinity), affinity)
        : toFollower(path, bytes, undefined, affinity);
      answer.then(
        (out) => {
          if (c && typeof out.body !== 'string') edge.put(c, gen, out.status, out.body);
          send(res, out.status, out.body, { 'x-upstream': out.upstream });
        },
        (e: Error) => send(res, 500, serialize(errorResponse(null, InternalError.code, e.message))),
      );
    });
    return true;
  };

  for (const version of ['v0', 'v1', 'v2'] as const) {
    const path = `/rpc/${version}`;
    app.post(path, async (req, reply) => {
      const body = typeof req.body === 'string' ? req.body : '';
      const refused = limiter.refusal(req.ip, body);
      if (refused) return reply.code(429).header('retry-after', String(refused.retryAfterSeconds)).header('content-type', 'application/json').send(refused.body);
      const out = await forward(path, version, body);
      return reply.code(out.status).header('content-type', 'application/json').header('x-upstream', out.upstream).send(out.body);
    });
    app.route({
      method: 'GET',
      url: path,
      handler: async (_req, reply) => reply.code(400).header('content-type', 'application/json').send(serialize(errorResponse(null, -32600, 'Invalid request'))),
      wsHandler: (client, req) => pinWebSocket(client, path, version, req.ip),
    });
  }

  /**
   * Pin a client WebSocket to one follower; frames pass through untouched in both
   * directions, except frames naming a forwarded method, which are answered here
   * (full node over HTTP; a mixed batch's reads from the pinned follower over HTTP),
   * and ChainNotify, served here from the follower's head changes. The connection to
   * the follower opens with the first frame that needs it.
   */
  const pinWebSocket = (client: WebSocket, path: string, version: ApiVersion, remote: string): void => {
    const cap = opts.maxWsPerIp ?? 0;
    const open = wsPerIp.get(remote) ?? 0;
    if (cap > 0 && open >= cap) {
      metrics.rateLimited.inc();
      client.send(serialize(errorResponse(null, LimitExceededError.code, `too many WebSocket connections from ${remote} (limit ${cap})`)));
      client.close(1008, 'too many connections');
      return;
    }
    wsPerIp.set(remote, open + 1);
    const release = (): void => {
      const n = (wsPerIp.get(remote) ?? 1) - 1;
      if (n <= 0) wsPerIp.delete(remote);
      else wsPerIp.set(remote, n);
    };
    const target = eligible()[0];
    if (!target) {
      release();
      client.send(serialize(errorResponse(null, InternalError.code, 'no follower is ready and caught up')));
      client.close(1013, 'no upstream');
      return;
    }
    metrics.wsConnections.inc();
    const maxBuffered = opts.wsMaxBufferedBytes ?? 8 << 20;
    // the follower connection is opened on the first frame it must answer: a client that only
    // subscribes to ChainNotify (served here) costs the follower nothing
    let upstream: WebSocket | null = null;
    const early: Array<{ data: unknown; binary: boolean }> = [];
    // ChainNotify subscriptions served here from the follower's own (notify-fanout.ts), by request id
    const locals = new Map<string, LocalChannel>();
    let nextLocal = LOCAL_CHANNEL_BASE;
    /** Answer a ChainNotify or cancel one of ours; false when the frame is not for us. */
    const serveLocally = (text: string): boolean => {
      if (!text.includes('ChainNotify') && !(locals.size > 0 && text.includes('xrpc.cancel'))) return false;
      if (nestedDeeperThan(text, MAX_JSON_DEPTH)) return false;
      let req: { id?: unknown; method?: unknown; params?: unknown };
      try {
        req = JSON.parse(text);
      } catch {
        return false;
      }
      if (!req || typeof req !== 'object' || Array.isArray(req)) return false;
      if (req.method === 'xrpc.cancel') {
        const key = JSON.stringify(Array.isArray(req.params) ? req.params[0] : undefined);
        const ch = locals.get(key);
        if (!ch) return false;
        locals.delete(key);
        target.fanout.close(ch, true);
        return true;
      }
      const id = req.id;
      const plainId = typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
      const noParams = req.params === undefined || req.params === null || (Array.isArray(req.params) && req.params.length === 0);
      if (req.method !== 'Filecoin.ChainNotify' || !plainId || !noParams) return false;
      const key = JSON.stringify(id);
      // channels the fan-out ended (its follower subscription dropped) free their place
      for (const [k, c] of locals) if (c.closed) locals.delete(k);
      if (locals.has(key)) return false; // a repeated request id: the follower answers as it would
      if (locals.size >= MAX_SUBSCRIPTIONS) {
        // lotus-gateway caps subscriptions per connection (16), as followers do
        client.send(serialize(errorResponse(id as string | number, LimitExceededError.code, `too many subscriptions on this connection (limit ${MAX_SUBSCRIPTIONS})`)));
        return true;
      }
      const ch = target.fanout.open(client, nextLocal, key);
      if (!ch) return false; // the head is not known here yet: the follower serves it
      nextLocal++;
      locals.set(key, ch);
      client.send(serialize({ id, jsonrpc: '2.0', result: ch.id }));
      target.fanout.start(ch);
      return true;
    };
    client.on('message', (data, binary) => {
      const refused = binary ? null : limiter.refusal(remote, String(data));
      if (refused) {
        if (client.readyState === WebSocket.OPEN) client.send(refused.body);
        return;
      }
      if (!binary && serveLocally(String(data))) return;
      const plan = binary ? ({ kind: 'follower' } as const) : router.plan(String(data), version);
      if (plan.kind !== 'follower') {
        void answerPlanned(plan, path, String(data), target).then((out) => {
          if (client.readyState === WebSocket.OPEN && out.body !== '') client.send(out.body);
        });
        return;
      }
      const up = upstream ?? connectUpstream();
      if (up.readyState === WebSocket.OPEN) up.send(data as Buffer, { binary });
      else early.push({ data, binary });
    });
    const connectUpstream = (): WebSocket => {
      const up = new WebSocket(target.url.replace(/^http/, 'ws') + path, { maxPayload: 256 << 20 });
      upstream = up;
      up.on('open', () => {
        for (const m of early) up.send(m.data as Buffer, { binary: m.binary });
        early.length = 0;
      });
      up.on('message', (data, binary) => forward(data as Buffer, binary));
      up.on('close', onClose);
      up.on('error', (e) => {
        log.warn({ upstream: target.url, err: e.message }, 'websocket upstream error');
        onClose();
      });
      return up;
    };
    const forward = (data: Buffer, binary: boolean): void => {
      if (client.readyState !== WebSocket.OPEN) return;
      // a client that stops reading is closed, not buffered for without end (Lotus drops a slow subscriber)
      if (client.bufferedAmount > maxBuffered) {
        metrics.slowClientsClosed.inc();
        log.info({ upstream: target.url, bufferedBytes: client.bufferedAmount }, 'closing a WebSocket client that stopped reading');
        dropSocket(client);
        return;
      }
      client.send(data, { binary });
    };
    const closeBoth = (): void => {
      if (client.readyState === WebSocket.OPEN || client.readyState === WebSocket.CONNECTING) client.close();
      if (upstream && (upstream.readyState === WebSocket.OPEN || upstream.readyState === WebSocket.CONNECTING)) upstream.terminate();
    };
    let closed = false;
    const onClose = (): void => {
      if (closed) return;
      closed = true;
      release();
      for (const ch of locals.values()) target.fanout.close(ch, false);
      locals.clear();
      metrics.wsConnections.dec();
      closeBoth();
    };
    client.on('close', onClose);
    client.on('error', onClose);
  };

  app.get('/health/livez', async () => ({ ok: true }));
  app.get('/health/readyz', async (_req, reply) => {
    const ok = eligible().length > 0;
    return reply.code(ok ? 200 : 503).send({ ok, upstreams: ups.map(({ url, up, ready, height, lastError }) => ({ url, up, ready, height, lastError })) });
  });
  app.get('/debug/metrics', async (_req, reply) => reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()));

  const url = await app.listen({ host: opts.host, port: opts.port });
  log.info({ url, upstreams: opts.upstreams }, 'load balancer listening');
  return {
    app,
    url,
    metrics,
    upstreams: () => ups.map(({ url, up, ready, height, lastError }) => ({ url, up, ready, height, lastError })),
    refresh,
    drain: async (timeoutMs) => {
      draining = true;
      for (const ws of app.websocketServer?.clients ?? []) ws.close(1001, 'balancer restarting');
      // net.Server's close, not http.Server's: that one also drops idle keep-alive
      // connections at once, racing a client that is sending on one right then
      const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(app.server, () => resolve()));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
      clearTimeout(timer);
      return new Promise<number>((resolve) => app.server.getConnections((_e, n) => resolve(n ?? 0)));
    },
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      clearInterval(fastTimer);
      for (const u of ups) u.watcher?.close();
      // after a drain: whatever outlived it is cut now
      if (draining) app.server.closeAllConnections();
      await app.close();
      await Promise.all(ups.map((u) => u.pool.close()));
      await fullNode?.close();
    },
  };
}
