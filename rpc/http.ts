/**
 * The HTTP face shared by the leader and followers: `POST /rpc/v1`, `/rpc/v0` (and `/rpc/v2` on followers)
 * (JSON-RPC, single or batch), the same paths upgraded to WebSocket, health at
 * `/health/livez` and `/health/readyz`, and Prometheus text at `/debug/metrics`.
 * Bodies are read as text so that malformed JSON reaches the JSON-RPC layer and
 * gets -32700; a body over the limit gets a JSON-RPC error, not a crash.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import type { Logger } from '../common/logger.js';
import type { Metrics } from '../common/metrics.js';
import { type Admit, type RpcServer, errorResponse, serialize } from './server.js';
import { ParseError } from './errors.js';
import { registerCors } from './cors.js';

/** Health report: `ok` decides the HTTP status (200 or 503); the rest is returned as JSON. */
export type HealthCheck = () => Promise<{ ok: boolean; [k: string]: unknown }> | { ok: boolean; [k: string]: unknown };

/** Options for {@link createRpcHttpServer}. */
export interface RpcHttpServerOptions {
  /** Per API version path: `v1`, `v0` (served by v1 when missing) and `v2` (mounted only when given). */
  rpc: { v1: RpcServer; v0?: RpcServer; v2?: RpcServer };
  log: Logger;
  metrics: Metrics;
  /** Largest body / WebSocket frame, bytes. */
  maxRequestBytes: number;
  /** CORS origins (`['*']`, a list, or `['none']`; default none). */
  corsOrigins?: readonly string[];
  /** Rate limits: refused bodies get HTTP 429 with Retry-After (and the answer on a WebSocket). */
  admit?: Admit;
  livez?: HealthCheck;
  readyz?: HealthCheck;
}

/** Build (not start) the fastify app. */
export async function createRpcHttpServer(opts: RpcHttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: opts.log.child({ component: 'http' }, { level: 'warn' }) as FastifyBaseLogger, bodyLimit: opts.maxRequestBytes });
  await registerCors(app, opts.corsOrigins ?? []);
  await app.register(websocket, { options: { maxPayload: opts.maxRequestBytes } });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: { code?: string; statusCode?: number; message: string }, _req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // go-jsonrpc: HTTP 500, -32700 "request bigger than maximum N allowed"
      void reply
        .code(500)
        .header('content-type', 'application/json')
        .send(serialize(errorResponse(null, ParseError.code, `request bigger than maximum ${opts.maxRequestBytes} allowed`)));
      return;
    }
    void reply.code(err.statusCode && err.statusCode >= 400 ? err.statusCode : 500).send({ error: err.message });
  });

  for (const version of ['v1', 'v0', 'v2'] as const) {
    if (version === 'v2' && !opts.rpc.v2) continue;
    const rpc = opts.rpc[version] ?? opts.rpc.v1;
    app.post(`/rpc/${version}`, async (req, reply) => {
      const body = typeof req.body === 'string' ? req.body : '';
      const refused = opts.admit?.(req.ip, body);
      if (refused) return reply.code(429).header('retry-after', String(refused.retryAfterSeconds)).header('content-type', 'application/json').send(refused.body);
      const out = await rpc.handleHttp(body, { remote: req.ip });
      return reply.code(out.status).header('content-type', 'application/json').send(out.body);
    });
    // the same path upgrades to a WebSocket (GET + Connection: upgrade); a plain GET is
    // answered as go-jsonrpc answers an empty body
    app.route({
      method: 'GET',
      url: `/rpc/${version}`,
      handler: async (_req, reply) => reply.code(400).header('content-type', 'application/json').send(serialize(errorResponse(null, -32600, 'Invalid request'))),
      wsHandler: (socket, req) => rpc.attachWebSocket(socket, req.ip, opts.admit),
    });
  }

  const health = (check?: HealthCheck) => async (_req: unknown, reply: { code(n: number): { send(b: unknown): unknown } }) => {
    const r = check ? await check() : { ok: true };
    return reply.code(r.ok ? 200 : 503).send(r);
  };
  app.get('/health/livez', health(opts.livez));
  app.get('/health/readyz', health(opts.readyz));
  app.get('/debug/metrics', async (_req, reply) => reply.header('content-type', opts.metrics.registry.contentType).send(await opts.metrics.registry.metrics()));
  return app;
}
