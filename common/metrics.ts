/**
 * Prometheus metrics (prom-client): one factory creating every metric a process
 * exposes, with unit suffixes. Served as text at /debug/metrics.
 */
import client from 'prom-client';

/** Every metric of the gateway's processes; unused ones simply stay at zero. */
export interface Metrics {
  registry: client.Registry;
  rpcRequests: client.Counter<'method' | 'code'>;
  rpcDuration: client.Histogram<'method'>;
  rpcErrors: client.Counter<'method' | 'code'>;
  headHeight: client.Gauge;
  headChanges: client.Counter<'type'>;
  cacheHits: client.Counter<'cache'>;
  cacheMisses: client.Counter<'cache'>;
  storeReads: client.Counter<'op'>;
  blocksWritten: client.Counter;
  blocksFetched: client.Counter;
  bytesFetched: client.Counter;
  headLag: client.Gauge;
  bytesWritten: client.Counter;
  wsConnections: client.Gauge;
  subscribers: client.Gauge;
  upstreamUp: client.Gauge<'upstream'>;
  upstreamHead: client.Gauge<'upstream'>;
  proxied: client.Counter<'upstream' | 'outcome'>;
  corruptBlocks: client.Counter;
  rateLimited: client.Counter;
  slowClientsClosed: client.Counter;
}

/** Create a fresh registry with the default process metrics and the gateway's own. */
export function createMetrics(prefix = 'filfollower_'): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix });
  const r = [registry];
  return {
    registry,
    rpcRequests: new client.Counter({ name: `${prefix}rpc_requests_total`, help: 'JSON-RPC calls answered, by method and error code (0 = success)', labelNames: ['method', 'code'], registers: r }),
    rpcErrors: new client.Counter({ name: `${prefix}rpc_errors_total`, help: 'JSON-RPC calls that failed, by method and error code', labelNames: ['method', 'code'], registers: r }),
    rpcDuration: new client.Histogram({ name: `${prefix}rpc_duration_seconds`, help: 'JSON-RPC call handling time', labelNames: ['method'], buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5], registers: r }),
    headHeight: new client.Gauge({ name: `${prefix}head_height_epochs`, help: 'Height of the current head', registers: r }),
    headChanges: new client.Counter({ name: `${prefix}head_changes_total`, help: 'Head changes applied, by type (apply, revert)', labelNames: ['type'], registers: r }),
    cacheHits: new client.Counter({ name: `${prefix}cache_hits_total`, help: 'Cache hits by cache', labelNames: ['cache'], registers: r }),
    cacheMisses: new client.Counter({ name: `${prefix}cache_misses_total`, help: 'Cache misses by cache', labelNames: ['cache'], registers: r }),
    storeReads: new client.Counter({ name: `${prefix}store_reads_total`, help: 'Reads sent to the store, by operation', labelNames: ['op'], registers: r }),
    blocksWritten: new client.Counter({ name: `${prefix}blocks_written_total`, help: 'IPLD blocks written to the store', registers: r }),
    blocksFetched: new client.Counter({ name: `${prefix}blocks_fetched_total`, help: 'IPLD blocks fetched from the upstream', registers: r }),
    bytesFetched: new client.Counter({ name: `${prefix}block_bytes_fetched_total`, help: 'Bytes of IPLD blocks fetched from the upstream', registers: r }),
    headLag: new client.Gauge({ name: `${prefix}head_lag_epochs`, help: 'Upstream head height minus committed head height (leader) or store head minus own head (follower)', registers: r }),
    bytesWritten: new client.Counter({ name: `${prefix}block_bytes_written_total`, help: 'Bytes of IPLD blocks written to the store', registers: r }),
    wsConnections: new client.Gauge({ name: `${prefix}ws_connections`, help: 'Open WebSocket connections', registers: r }),
    subscribers: new client.Gauge({ name: `${prefix}chainnotify_subscribers`, help: 'Open ChainNotify channels', registers: r }),
    upstreamUp: new client.Gauge({ name: `${prefix}upstream_up`, help: '1 when an upstream (leader, follower) is reachable and ready', labelNames: ['upstream'], registers: r }),
    upstreamHead: new client.Gauge({ name: `${prefix}upstream_head_height_epochs`, help: 'Head height last reported by an upstream', labelNames: ['upstream'], registers: r }),
    slowClientsClosed: new client.Counter({ name: `${prefix}ws_slow_clients_closed_total`, help: 'WebSocket clients closed because they stopped reading (unread answers over WS_MAX_BUFFERED_BYTES)', registers: r }),
    rateLimited: new client.Counter({ name: `${prefix}rate_limited_total`, help: 'Requests and WebSocket frames refused by the per-IP rate limit (HTTP 429 / -32005)', registers: r }),
    corruptBlocks: new client.Counter({ name: `${prefix}corrupt_blocks_total`, help: 'Blocks read from the store whose bytes did not match their CID (refused, not served)', registers: r }),
    proxied: new client.Counter({ name: `${prefix}proxied_requests_total`, help: 'Requests forwarded by the balancer, by upstream and outcome', labelNames: ['upstream', 'outcome'], registers: r }),
  };
}
