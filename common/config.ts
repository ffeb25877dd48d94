/**
 * Every setting in one typed registry: environment variable, CLI flag, type,
 * default and description. CLI flags override environment variables, which
 * override defaults. The README's configuration table is generated from this
 * list (`fil-follower config --markdown`). Secrets are redacted when printed.
 */
import { z } from 'zod';

/** Which subcommands read a setting. */
export type Command = 'start' | 'leader' | 'follower' | 'lb' | 'migrate' | 'import';

/** One setting. */
export interface Setting {
  /** Key in the parsed config object. */
  key: string;
  env: string;
  /** Long CLI flag without dashes. */
  flag: string;
  type: 'string' | 'int' | 'bool' | 'list';
  default: string | number | boolean | string[] | undefined;
  description: string;
  commands: Command[];
  secret?: boolean;
  /** Other environment variables accepted for compatibility. */
  aliases?: string[];
}

const ALL: Command[] = ['start', 'leader', 'follower', 'lb', 'migrate', 'import'];

/** The registry. */
export const SETTINGS: Setting[] = [
  { key: 'storeUrl', env: 'STORE_URL', aliases: ['DATABASE_URL'], flag: 'store-url', type: 'string', default: undefined, secret: true, commands: ['start', 'leader', 'follower', 'migrate', 'import'], description: 'Shared store URL (`postgres://user:pass@host:port/db`, PostgreSQL or YugabyteDB YSQL). Unset: the embedded PostgreSQL.' },
  { key: 'embeddedPgDir', env: 'EMBEDDED_PG_DIR', flag: 'embedded-pg-dir', type: 'string', default: '.data/pg', commands: ['start', 'leader', 'follower', 'migrate', 'import'], description: 'Data directory of the embedded PostgreSQL (relative to the project root).' },
  { key: 'embeddedPgPort', env: 'EMBEDDED_PG_PORT', flag: 'embedded-pg-port', type: 'int', default: 54329, commands: ['start', 'leader', 'follower', 'migrate', 'import'], description: 'Port of the embedded PostgreSQL on 127.0.0.1.' },
  { key: 'car', env: 'CAR', flag: 'car', type: 'string', default: 'chain/mainnet-h0-341.car', commands: ['start', 'leader'], description: 'CAR file the leader replays (CARv1 or .car.zst); relative paths are under FIXTURES_DIR.' },
  { key: 'epochMs', env: 'EPOCH_MS', flag: 'epoch-ms', type: 'int', default: 500, commands: ['start', 'leader'], description: 'Replay pace: ms between tipsets (0 = as fast as possible).' },
  { key: 'fixturesDir', env: 'FIXTURES_DIR', flag: 'fixtures-dir', type: 'string', default: '../shared/data', commands: ['start', 'leader'], description: 'Folder of real chain data (relative to the project root).' },
  { key: 'upstreamUrl', env: 'UPSTREAM_URL', flag: 'upstream-url', type: 'string', default: undefined, commands: ['start', 'leader'], description: 'WebSocket URL of a Lotus/Forest node (`ws://host:1234/rpc/v1`) the leader follows. Unset: the leader replays CAR.' },
  { key: 'upstreamToken', env: 'UPSTREAM_TOKEN', flag: 'upstream-token', type: 'string', default: undefined, secret: true, commands: ['start', 'leader'], description: 'Bearer token for the upstream (read permission is enough).' },
  { key: 'backfillEpochs', env: 'BACKFILL_EPOCHS', flag: 'backfill-epochs', type: 'int', default: 900, commands: ['start', 'leader'], description: 'On an empty store, tipsets below the upstream head synced before following.' },
  { key: 'fetchConcurrency', env: 'FETCH_CONCURRENCY', flag: 'fetch-concurrency', type: 'int', default: 16, commands: ['start', 'leader'], description: 'Concurrent ChainReadObj calls while fetching blocks from the upstream.' },
  { key: 'leaderHost', env: 'LEADER_HOST', flag: 'leader-host', type: 'string', default: '127.0.0.1', commands: ['start', 'leader'], description: 'Address the leader listens on.' },
  { key: 'leaderPort', env: 'LEADER_PORT', flag: 'leader-port', type: 'int', default: 1235, commands: ['start', 'leader'], description: 'Port of the leader\'s JSON-RPC (ChainNotify, ChainHead).' },
  { key: 'leaderUrl', env: 'LEADER_URL', flag: 'leader-url', type: 'string', default: 'ws://127.0.0.1:1235/rpc/v1', commands: ['follower'], description: 'WebSocket URL of the leader a follower subscribes to.' },
  { key: 'followers', env: 'FOLLOWERS', flag: 'followers', type: 'int', default: 2, commands: ['start'], description: 'Number of followers `start` runs.' },
  { key: 'followerHost', env: 'FOLLOWER_HOST', flag: 'host', type: 'string', default: '127.0.0.1', commands: ['follower'], description: 'Address a follower listens on.' },
  { key: 'followerPort', env: 'FOLLOWER_PORT', flag: 'port', type: 'int', default: 1240, commands: ['start', 'follower'], description: 'Follower port (`start` gives follower i the port FOLLOWER_PORT+i).' },
  { key: 'headPollMs', env: 'HEAD_POLL_MS', flag: 'head-poll-ms', type: 'int', default: 2000, commands: ['start', 'follower'], description: 'How often a follower polls the store\'s head row (ms), besides ChainNotify.' },
  { key: 'reconnectMaxMs', env: 'RECONNECT_MAX_MS', flag: 'reconnect-max-ms', type: 'int', default: 10000, commands: ['start', 'follower'], description: 'Longest backoff between reconnects to the leader (ms).' },
  { key: 'readyMaxLag', env: 'READY_MAX_LAG', flag: 'ready-max-lag', type: 'int', default: 0, commands: ['start', 'follower'], description: 'A follower is ready when its head is at most this many epochs behind the store\'s head row.' },
  { key: 'blockCacheBytes', env: 'BLOCK_CACHE_BYTES', flag: 'block-cache-bytes', type: 'int', default: 268435456, commands: ['start', 'follower'], description: 'Bytes of raw blocks a follower caches (LRU).' },
  { key: 'maxRequestBytes', env: 'MAX_REQUEST_BYTES', flag: 'max-request-bytes', type: 'int', default: 1048576, commands: ['start', 'follower', 'lb', 'leader'], description: 'Largest accepted request body or WebSocket frame (bytes).' },
  { key: 'maxBatch', env: 'MAX_BATCH', flag: 'max-batch', type: 'int', default: 100, commands: ['start', 'follower', 'lb'], description: 'Most requests in one JSON-RPC batch.' },
  { key: 'lookbackEpochs', env: 'LOOKBACK_EPOCHS', flag: 'lookback-epochs', type: 'int', default: 0, commands: ['start', 'follower'], description: 'Oldest epoch reachable below the head for height lookups (0 = unlimited), like lotus-gateway\'s lookback cap.' },
  { key: 'messageLookbackEpochs', env: 'MESSAGE_LOOKBACK_EPOCHS', flag: 'message-lookback-epochs', type: 'int', default: 0, commands: ['start', 'follower'], description: 'How far below the head StateSearchMsg looks when the caller passes limit -1 (0 = unlimited), like lotus-gateway\'s message lookback.' },
  { key: 'responseCacheBytes', env: 'RESPONSE_CACHE_BYTES', flag: 'response-cache-bytes', type: 'int', default: 134217728, commands: ['start', 'follower'], description: 'Bytes of JSON answers a follower caches (immutable ones only, keyed by CID or TipSetKey; answers over 1 MiB are not cached).' },
  { key: 'lbHost', env: 'LB_HOST', flag: 'lb-host', type: 'string', default: '127.0.0.1', commands: ['start', 'lb'], description: 'Address the load balancer listens on.' },
  { key: 'lbPort', env: 'LB_PORT', flag: 'lb-port', type: 'int', default: 1234, commands: ['start', 'lb'], description: 'Port of the load balancer (`/rpc/v1`, `/rpc/v0`).' },
  { key: 'upstreams', env: 'UPSTREAMS', flag: 'upstreams', type: 'list', default: ['http://127.0.0.1:1240'], commands: ['lb'], description: 'Comma-separated follower base URLs the balancer routes to.' },
  { key: 'maxLagEpochs', env: 'MAX_LAG_EPOCHS', flag: 'max-lag-epochs', type: 'int', default: 2, commands: ['start', 'lb'], description: 'The balancer skips followers more than this many epochs behind the highest head.' },
  { key: 'healthIntervalMs', env: 'HEALTH_INTERVAL_MS', flag: 'health-interval-ms', type: 'int', default: 1000, commands: ['start', 'lb'], description: 'How often the balancer polls each follower\'s /health/readyz (ms).' },
  { key: 'retries', env: 'LB_RETRIES', flag: 'retries', type: 'int', default: 2, commands: ['start', 'lb'], description: 'Extra followers the balancer tries when one refuses the connection.' },
  { key: 'fullNodeUrl', env: 'FULLNODE_URL', flag: 'fullnode-url', type: 'string', default: undefined, secret: true, commands: ['start', 'lb'], description: 'HTTP URL of a full node for methods followers cannot serve (execution, mempool). Unset: those answer -32601.' },
  { key: 'fullNodeToken', env: 'FULLNODE_TOKEN', flag: 'fullnode-token', type: 'string', default: undefined, secret: true, commands: ['start', 'lb'], description: 'Bearer token the balancer sends to FULLNODE_URL (write permission for MpoolPush).' },
  { key: 'logLevel', env: 'LOG_LEVEL', flag: 'log-level', type: 'string', default: 'info', commands: ALL, description: 'pino log level (trace, debug, info, warn, error, silent).' },
];

/** Configuration values by key. */
export type Config = Record<string, string | number | boolean | string[] | undefined>;

/** A setting has a value of the wrong type. The message names the env var or flag. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

function parseValue(s: Setting, raw: string, source: string): string | number | boolean | string[] {
  switch (s.type) {
    case 'int': {
      const r = z.coerce.number().int().min(0).safeParse(raw.trim());
      if (!r.success || raw.trim() === '') throw new ConfigError(`${source}: expected a non-negative integer, got ${JSON.stringify(raw)}`);
      return r.data;
    }
    case 'bool':
      if (!/^(true|false|1|0)$/i.test(raw)) throw new ConfigError(`${source}: expected true or false, got ${JSON.stringify(raw)}`);
      return /^(true|1)$/i.test(raw);
    case 'list':
      return raw.split(',').map((x) => x.trim()).filter(Boolean);
    default:
      return raw;
  }
}

/** The settings a command reads. */
export function settingsFor(cmd: Command): Setting[] {
  return SETTINGS.filter((s) => s.commands.includes(cmd));
}

/**
 * Resolve a command's configuration: flag > env > default.
 * @param flags commander's parsed options (camelCase of the flag names), raw strings.
 * @throws ConfigError for a value that does not parse.
 */
export function loadConfig(cmd: Command, flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Config {
  const out: Config = {};
  for (const s of settingsFor(cmd)) {
    const flagKey = s.flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const fv = flags[flagKey];
    if (fv !== undefined) {
      out[s.key] = parseValue(s, String(fv), `--${s.flag}`);
      continue;
    }
    const envName = [s.env, ...(s.aliases ?? [])].find((n) => env[n] !== undefined && env[n] !== '');
    out[s.key] = envName ? parseValue(s, env[envName]!, envName) : s.default;
  }
  return out;
}

/** A printable copy of a config with secrets redacted. */
export function redactConfig(cfg: Config): Config {
  const out: Config = { ...cfg };
  for (const s of SETTINGS) {
    const v = out[s.key];
    if (s.secret && typeof v === 'string') out[s.key] = v.replace(/:\/\/([^:/@]+):[^@]*@/, '://$1:***@');
  }
  return out;
}

/** The README table of every setting. */
export function settingsMarkdown(): string {
  const rows = SETTINGS.map((s) => {
    const def = s.default === undefined ? '(unset)' : Array.isArray(s.default) ? s.default.join(',') : String(s.default);
    const env = [s.env, ...(s.aliases ?? [])].map((e) => `\`${e}\``).join(', ');
    return `| ${env} | \`--${s.flag}\` | \`${def}\` | ${s.commands.join(', ')} | ${s.description} |`;
  });
  return ['| Environment | Flag | Default | Commands | Meaning |', '|---|---|---|---|---|', ...rows].join('\n');
}
