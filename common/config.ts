/**
 * Every setting declared once, with a zod schema: environment variable, CLI flag,
 * default and description. Each role (leader, follower, lb, migrate, import, start)
 * reads the settings listed in {@link ROLES}, and gets them typed (`RoleConfig<'follower'>`)
 * from its own zod object schema. CLI flags override environment variables, which
 * override defaults. The README's configuration table is generated from this file
 * (`fil-follower config --markdown`). Secrets are redacted when printed, and `start`
 * hands settings to its children by environment ({@link childEnv}), never on argv.
 */
import { z } from 'zod';

/** How a setting is written on the command line: `int`/`string`/`list` take a value. */
type Kind = 'string' | 'int' | 'list' | 'enum';

/** One setting. `schema` parses the raw string (or undefined, giving the default). */
export interface Setting<S extends z.ZodType = z.ZodType> {
  env: string;
  /** Long CLI flag without dashes. */
  flag: string;
  kind: Kind;
  schema: S;
  description: string;
  secret?: boolean;
  /** Other environment variables accepted for compatibility. */
  aliases?: string[];
}

const int = (def: number) => z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(def);
const str = (def: string) => z.string().default(def);
const optional = () => z.string().min(1).optional();
const list = (def: string[]) =>
  z
    .string()
    .transform((raw) => raw.split(',').map((x) => x.trim()).filter(Boolean))
    .default(def);

function setting<S extends z.ZodType>(kind: Kind, env: string, flag: string, schema: S, description: string, extra: { secret?: boolean; aliases?: string[] } = {}): Setting<S> {
  return { env, flag, kind, schema, description, ...extra };
}

/** The registry of settings, by key. */
export const SETTINGS = {
  storeWaitMs: setting('int', 'STORE_WAIT_MS', 'store-wait-ms', int(0), 'How long a process waits for the store to answer at start, trying again every second (ms; 0: fail at once). For stores that start beside it (docker-compose).'),
  storeUrl: setting('string', 'STORE_URL', 'store-url', optional(), 'Shared store URL (`postgres://…`, `yugabyte://…`, `cassandra://…`, `ycql://…`; see Storage backends). Unset: the embedded PostgreSQL.', { secret: true, aliases: ['DATABASE_URL'] }),
  embeddedPgDir: setting('string', 'EMBEDDED_PG_DIR', 'embedded-pg-dir', str('.data/pg'), 'Data directory of the embedded PostgreSQL (relative to the project root).'),
  embeddedPgPort: setting('int', 'EMBEDDED_PG_PORT', 'embedded-pg-port', int(54329), 'Port of the embedded PostgreSQL on 127.0.0.1.'),
  car: setting('string', 'CAR', 'car', str('chain/mainnet-h0-341.car'), 'CAR file the leader replays (CARv1 or .car.zst); relative paths are under FIXTURES_DIR.'),
  epochMs: setting('int', 'EPOCH_MS', 'epoch-ms', int(500), 'Replay pace: ms between tipsets (0 = as fast as possible).'),
  fixturesDir: setting('string', 'FIXTURES_DIR', 'fixtures-dir', str('../shared/data'), 'Folder of real chain data (relative to the project root).'),
  upstreamUrl: setting('string', 'UPSTREAM_URL', 'upstream-url', optional(), 'WebSocket URL of a Lotus/Forest node (`ws://host:1234/rpc/v1`) the leader follows. Unset: the leader replays CAR.'),
  upstreamToken: setting('string', 'UPSTREAM_TOKEN', 'upstream-token', optional(), 'Bearer token for the upstream (read permission is enough). Prefer the environment variable: flags show in `ps`.', { secret: true }),
  backfillEpochs: setting('int', 'BACKFILL_EPOCHS', 'backfill-epochs', int(900), 'On an empty store, tipsets below the upstream head synced before following.'),
  fetchConcurrency: setting('int', 'FETCH_CONCURRENCY', 'fetch-concurrency', int(16), 'Concurrent ChainReadObj calls while fetching blocks from the upstream.'),
  leaderHost: setting('string', 'LEADER_HOST', 'leader-host', str('127.0.0.1'), 'Address the leader listens on.'),
  leaderPort: setting('int', 'LEADER_PORT', 'leader-port', int(1235), "Port of the leader's JSON-RPC (ChainNotify, ChainHead)."),
  leaderUrl: setting('string', 'LEADER_URL', 'leader-url', str('ws://127.0.0.1:1235/rpc/v1').transform((v): string | undefined => (v === 'none' ? undefined : v)), 'WebSocket URL of the leader a follower subscribes to (`none`: poll the head row only).'),
  followers: setting('int', 'FOLLOWERS', 'followers', int(2), 'Number of followers `start` runs.'),
  restartMs: setting('int', 'RESTART_MS', 'restart-ms', int(1000), '`start`: a role that dies is started again after this many ms, doubling while it keeps dying within 10 s of its start, up to 30 s (0: stop the whole cluster instead).'),
  followerHost: setting('string', 'FOLLOWER_HOST', 'host', str('127.0.0.1'), 'Address a follower listens on.'),
  followerPort: setting('int', 'FOLLOWER_PORT', 'port', int(1240), 'Follower port (`start` gives follower i the port FOLLOWER_PORT+i).'),
  headPollMs: setting('int', 'HEAD_POLL_MS', 'head-poll-ms', int(2000), "How often a follower polls the store's head row (ms), besides ChainNotify."),
  reconnectMaxMs: setting('int', 'RECONNECT_MAX_MS', 'reconnect-max-ms', int(10000), 'Longest backoff between reconnects (ms): a follower to the leader, the leader to its upstream.'),
  readyMaxLag: setting('int', 'READY_MAX_LAG', 'ready-max-lag', int(0), "A follower is ready when its head is at most this many epochs behind the store's head row."),
  importSemiSpaceMb: setting('int', 'IMPORT_SEMI_SPACE_MB', 'semi-space-mb', int(64), "V8 young-generation semi-space (MiB, Node's --max-semi-space-size) `import` runs with: it restarts itself with the flag unless NODE_OPTIONS or node's own flags set one; 0 keeps Node's default (16). 64 made a SYNTHETIC 2,000-epoch import 7–9 % faster (fewer scavenges of short-lived decode objects)."),
  blockCacheBytes: setting('int', 'BLOCK_CACHE_BYTES', 'block-cache-bytes', int(268435456), "Bytes a follower's block cache (LRU) may hold: block bytes plus 384 per block for its key and objects."),
  maxRequestBytes: setting('int', 'MAX_REQUEST_BYTES', 'max-request-bytes', int(1048576), 'Largest accepted request body or WebSocket frame (bytes).'),
  maxBatch: setting('int', 'MAX_BATCH', 'max-batch', int(100), 'Most requests in one JSON-RPC batch.'),
  lookbackEpochs: setting('int', 'LOOKBACK_EPOCHS', 'lookback-epochs', int(0), "Oldest epoch reachable below the head for height lookups (0 = unlimited), like lotus-gateway's lookback cap."),
  messageLookbackEpochs: setting('int', 'MESSAGE_LOOKBACK_EPOCHS', 'message-lookback-epochs', int(0), "How far below the head StateSearchMsg looks when the caller passes limit -1 (0 = unlimited), like lotus-gateway's message lookback."),
  ethMaxFilterHeightRange: setting('int', 'ETH_MAX_FILTER_HEIGHT_RANGE', 'eth-max-filter-height-range', int(2880), "Widest eth_getLogs / filter height range in epochs (Lotus Events.MaxFilterHeightRange); wider ranges get -32005."),
  ethMaxFilterResults: setting('int', 'ETH_MAX_FILTER_RESULTS', 'eth-max-filter-results', int(10000), 'Most logs eth_getLogs returns when they span more than one tipset (Lotus Events.MaxFilterResults).'),
  chainCacheBytes: setting('int', 'CHAIN_CACHE_BYTES', 'chain-cache-bytes', int(268435456), 'Bytes of decoded headers, tipsets and message lists a follower caches (LRU, sized by encoded bytes plus overhead).'),
  responseCacheBytes: setting('int', 'RESPONSE_CACHE_BYTES', 'response-cache-bytes', int(134217728), 'Bytes of JSON answers a follower caches (immutable ones only, keyed by CID or TipSetKey; answers over 1 MiB are not cached).'),
  lbHost: setting('string', 'LB_HOST', 'lb-host', str('127.0.0.1'), 'Address the load balancer listens on.'),
  lbPort: setting('int', 'LB_PORT', 'lb-port', int(1234), 'Port of the load balancer (`/rpc/v1`, `/rpc/v0`).'),
  upstreams: setting('list', 'UPSTREAMS', 'upstreams', list(['http://127.0.0.1:1240']), 'Comma-separated follower base URLs the balancer routes to (`dns+http://name:port` stands for every address the name has, looked up again every 200 ms).'),
  maxLagEpochs: setting('int', 'MAX_LAG_EPOCHS', 'max-lag-epochs', int(2), 'A WebSocket is pinned to a follower at most this many epochs behind the highest head, and a retried read may go to one (first choice for HTTP reads: a follower at the highest head).'),
  healthIntervalMs: setting('int', 'HEALTH_INTERVAL_MS', 'health-interval-ms', int(1000), "How often the balancer polls each ready follower's /health/readyz (ms); followers that are not ready (new, restarting) are polled every 200 ms."),
  monotonicWaitMs: setting('int', 'MONOTONIC_WAIT_MS', 'monotonic-wait-ms', int(2000), 'How long the balancer holds a read for a follower to reach the highest head it already served (ms), so clients never see the head go back; after that the best follower answers.'),
  rateLimit: setting('int', 'RATE_LIMIT', 'rate-limit', int(0), 'Per client IP, tokens per second the balancer (or a follower serving clients directly) admits; a call costs its method\'s class (light 1, standard 4, heavy 20; a batch the sum). Over it: HTTP 429 with Retry-After, JSON-RPC -32005. 0: no limit.'),
  rateBurstSeconds: setting('int', 'RATE_BURST_SECONDS', 'rate-burst-seconds', int(2), 'Seconds of RATE_LIMIT a client may spend at once (the token bucket\'s size).'),
  maxWsPerIp: setting('int', 'MAX_WS_PER_IP', 'max-ws-per-ip', int(0), 'Most open WebSocket connections the balancer accepts from one client IP; more are answered -32005 and closed (1008). 0: no limit.'),
  wsMaxBufferedBytes: setting('int', 'WS_MAX_BUFFERED_BYTES', 'ws-max-buffered-bytes', int(8388608), 'Bytes of answers and notifications a WebSocket client may leave unread before it is closed (a client that stops reading is dropped, as Lotus drops a slow subscriber); on followers and the leader a subscription whose unread values pass a quarter of this is closed (xrpc.ch.close).'),
  lbWorkers: setting('int', 'LB_WORKERS', 'lb-workers', z.coerce.number().int().min(1).max(64).default(1), 'Balancer processes sharing LB_PORT (node:cluster; the primary holds the socket and hands connections round-robin). With 2 or more, SIGHUP restarts them one at a time without failing a request, and a worker that dies is replaced. RATE_LIMIT and MAX_WS_PER_IP count per worker.'),
  keepAliveTimeoutMs: setting('int', 'KEEPALIVE_TIMEOUT_MS', 'keepalive-timeout-ms', int(5000), 'How long the balancer keeps an idle client connection open (ms; sent as `Keep-Alive: timeout=`). A draining balancer waits this long for idle connections to close from the client side. Behind a proxy with a longer idle timeout, set it above that proxy\'s.'),
  edgeCacheBytes: setting('int', 'EDGE_CACHE_BYTES', 'edge-cache-bytes', int(0), 'Bytes of answers the balancer keeps and serves again without asking a follower: answers by CID or TipSetKey until evicted, answers from the head until the next head change (reorg-safe; single requests with a plain id, results only). 0: no edge cache.'),
  coalesceMax: setting('int', 'LB_COALESCE_MAX', 'lb-coalesce-max', z.coerce.number().int().min(1).max(100).default(32), 'Most single calls the balancer sends to a follower as one JSON-RPC batch when they arrive together (the answers are cut back apart, byte for byte each call\'s own; heavy methods and StateWaitMsg always go alone). 1: never batch.'),
  drainTimeoutMs: setting('int', 'DRAIN_TIMEOUT_MS', 'drain-timeout-ms', int(30000), 'On SIGTERM or a rolling restart, how long a balancer process waits for requests in flight (a StateWaitMsg long-poll) before it closes what is left (ms).'),
  retries: setting('int', 'LB_RETRIES', 'retries', int(2), 'Extra followers the balancer tries when one refuses the connection.'),
  fullNodeUrl: setting('string', 'FULLNODE_URL', 'fullnode-url', optional(), 'HTTP URL of a full node for methods followers cannot serve (execution, mempool). Unset: those answer -32601.', { secret: true }),
  fullNodeToken: setting('string', 'FULLNODE_TOKEN', 'fullnode-token', optional(), 'Bearer token the balancer sends to FULLNODE_URL (write permission for MpoolPush). Prefer the environment variable: flags show in `ps`.', { secret: true }),
  verifyBlocks: setting('enum', 'VERIFY_BLOCKS', 'verify-blocks', z.enum(['true', 'false']).default('true').transform((v) => v === 'true'), 'A follower checks every block it reads from the store against its CID before serving or caching it (`false` turns the check off).'),
  corsOrigins: setting('list', 'CORS_ORIGINS', 'cors-origins', list(['*']), 'Origins browsers may call the JSON-RPC endpoints from (comma-separated; `*` any, as public read endpoints do; `none`: no CORS headers). Preflight `OPTIONS` is answered.'),
  logLevel: setting('enum', 'LOG_LEVEL', 'log-level', z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'), 'pino log level (trace, debug, info, warn, error, fatal, silent).'),
  logFormat: setting('enum', 'LOG_FORMAT', 'log-format', z.enum(['auto', 'json', 'pretty']).default('auto'), 'Log lines: `pretty` (readable), `json` (one object per line), `auto` (pretty on a terminal, JSON otherwise).'),
} as const;

/** A setting's key. */
export type SettingKey = keyof typeof SETTINGS;

const STORE = ['storeUrl', 'storeWaitMs', 'embeddedPgDir', 'embeddedPgPort'] as const;
const LOG = ['logLevel', 'logFormat'] as const;
const LEADER = [...STORE, 'car', 'epochMs', 'fixturesDir', 'upstreamUrl', 'upstreamToken', 'backfillEpochs', 'fetchConcurrency', 'leaderHost', 'leaderPort', 'reconnectMaxMs', 'maxRequestBytes', 'wsMaxBufferedBytes', ...LOG] as const;
const FOLLOWER = [...STORE, 'leaderUrl', 'followerHost', 'followerPort', 'headPollMs', 'reconnectMaxMs', 'readyMaxLag', 'blockCacheBytes', 'chainCacheBytes', 'maxRequestBytes', 'maxBatch', 'lookbackEpochs', 'messageLookbackEpochs', 'ethMaxFilterHeightRange', 'ethMaxFilterResults', 'responseCacheBytes', 'verifyBlocks', 'corsOrigins', 'rateLimit', 'rateBurstSeconds', 'wsMaxBufferedBytes', ...LOG] as const;
const LB = ['lbHost', 'lbPort', 'upstreams', 'maxLagEpochs', 'healthIntervalMs', 'monotonicWaitMs', 'rateLimit', 'rateBurstSeconds', 'maxWsPerIp', 'wsMaxBufferedBytes', 'retries', 'maxRequestBytes', 'fullNodeUrl', 'fullNodeToken', 'corsOrigins', 'lbWorkers', 'keepAliveTimeoutMs', 'edgeCacheBytes', 'coalesceMax', 'drainTimeoutMs', ...LOG] as const;

/**
 * The settings `start` derives for its children instead of reading them: the
 * leader's URL (from LEADER_HOST/LEADER_PORT) and the balancer's follower list.
 */
export const START_DERIVED = ['leaderUrl', 'upstreams'] as const;
/** Settings only `start` reads (how it runs its children). */
const START_ONLY = ['followers', 'restartMs'] as const;

/** Which settings each role reads. `start` reads every setting of its children but the derived ones. */
export const ROLES = {
  leader: LEADER,
  follower: FOLLOWER,
  lb: LB,
  migrate: [...STORE, ...LOG],
  import: [...STORE, 'importSemiSpaceMb', ...LOG],
  start: [...new Set([...LEADER, ...FOLLOWER, ...LB, ...START_ONLY])].filter((k) => !(START_DERIVED as readonly string[]).includes(k)) as Array<Exclude<(typeof LEADER)[number] | (typeof FOLLOWER)[number] | (typeof LB)[number] | (typeof START_ONLY)[number], (typeof START_DERIVED)[number]>>,
} as const;

/** A subcommand that reads settings. */
export type Role = keyof typeof ROLES;

/** The typed configuration of a role. */
export type RoleConfig<R extends Role> = { [K in (typeof ROLES)[R][number]]: z.output<(typeof SETTINGS)[K]['schema']> };

/** A setting has a value of the wrong type. The message names the env var or flag. */
export class ConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}

/** The settings a role reads, with their keys. */
export function settingsFor(role: Role): Array<[SettingKey, Setting]> {
  return (ROLES[role] as readonly SettingKey[]).map((k) => [k, SETTINGS[k]]);
}

/** The roles that read a setting (for the README table). */
function rolesOf(key: SettingKey): Role[] {
  return (Object.keys(ROLES) as Role[]).filter((r) => (ROLES[r] as readonly string[]).includes(key));
}

/** commander's option key for a flag (`--head-poll-ms` → `headPollMs`). */
export function flagKey(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The zod object schema of a role's configuration. */
export function roleSchema<R extends Role>(role: R): z.ZodObject {
  return z.object(Object.fromEntries(settingsFor(role).map(([k, s]) => [k, s.schema])));
}

/**
 * Resolve a role's configuration: flag > env > default, each value parsed by its
 * setting's schema.
 * @param flags commander's parsed options (camelCase of the flag names), raw strings.
 * @throws ConfigError for a value that does not parse, naming the flag or variable.
 */
export function loadConfig<R extends Role>(role: R, flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): RoleConfig<R> {
  const raw: Record<string, string | undefined> = {};
  const source: Record<string, string> = {};
  for (const [k, s] of settingsFor(role)) {
    const fv = flags[flagKey(s.flag)];
    if (fv !== undefined) {
      raw[k] = String(fv);
      source[k] = `--${s.flag}`;
      continue;
    }
    const name = [s.env, ...(s.aliases ?? [])].find((n) => env[n] !== undefined && env[n] !== '');
    if (name) {
      raw[k] = env[name]!;
      source[k] = name;
    }
  }
  const r = roleSchema(role).safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const k = String(issue.path[0]);
    const s = SETTINGS[k as SettingKey];
    const expected = s.kind === 'int' ? 'a non-negative integer' : s.kind === 'enum' ? issue.message.replace(/^Invalid option: expected /, '') : 'a value';
    throw new ConfigError(`${source[k] ?? s.env}: expected ${expected}, got ${JSON.stringify(raw[k])}`);
  }
  return r.data as RoleConfig<R>;
}

/** A setting's value as an environment variable's text. */
function envText(v: unknown): string {
  return Array.isArray(v) ? v.join(',') : String(v);
}

/**
 * The environment a child of `start` runs with: the parent's environment, with every
 * setting of `role` set from `cfg` (or `overrides`), so that each child reads exactly
 * what `start` resolved, secrets included, without anything on argv. A setting that
 * is unset is removed (aliases too), so the child does not read a stale value.
 */
export function childEnv<R extends Exclude<Role, 'start'>>(role: R, cfg: Partial<Record<SettingKey, unknown>>, overrides: Partial<RoleConfig<R>> = {}, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const [k, s] of settingsFor(role)) {
    const v = k in overrides ? (overrides as Record<string, unknown>)[k] : cfg[k];
    for (const a of s.aliases ?? []) delete env[a];
    if (v === undefined) delete env[s.env];
    else env[s.env] = envText(v);
  }
  return env;
}

/** A printable copy of a config with secrets redacted (passwords in URLs, tokens). */
export function redactConfig<T extends Record<string, unknown>>(cfg: T): T {
  const out: Record<string, unknown> = { ...cfg };
  for (const [k, v] of Object.entries(out)) {
    const s = SETTINGS[k as SettingKey];
    if (!s || !('secret' in s) || !s.secret || typeof v !== 'string') continue;
    out[k] = /token/i.test(s.env) ? '***' : v.replace(/:\/\/([^:/@]+):[^@]*@/, '://$1:***@');
  }
  return out as T;
}

/** A setting's default as text (`(unset)` when there is none). */
export function defaultText(s: Setting): string {
  const d = s.schema.safeParse(undefined);
  return d.success && d.data !== undefined ? envText(d.data) : '(unset)';
}

/** The README table of every setting. */
export function settingsMarkdown(): string {
  const rows = (Object.entries(SETTINGS) as Array<[SettingKey, Setting]>).map(([k, s]) => {
    const env = [s.env, ...(s.aliases ?? [])].map((e) => `\`${e}\``).join(', ');
    return `| ${env} | \`--${s.flag}\` | \`${defaultText(s)}\` | ${rolesOf(k).join(', ')} | ${s.description} |`;
  });
  return ['| Environment | Flag | Default | Commands | Meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}
