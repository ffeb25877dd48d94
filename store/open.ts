/**
 * Opening the shared store (blockstore + chain index) from one URL, `STORE_URL`
 * (`DATABASE_URL` is an alias):
 *   postgres://user:pass@host:5432/db     PostgreSQL (postgres dialect)
 *   yugabyte://user:pass@host:5433/db     YugabyteDB YSQL (yugabyte dialect: HASH/ASC
 *                                         sharding, pre-split tablets); uses the
 *                                         cluster-aware `@yugabytedb/pg` when installed
 *   cassandra://host:9042/keyspace?…      Apache Cassandra (see common/cql.ts)
 *   ycql://host:9042/keyspace?…           YugabyteDB YCQL
 * The URL's password is redacted whenever it is printed.
 */
import type pg from 'pg';
import type { Blockstore } from '../blockstore/types.js';
import type { ChainIndex } from '../indexer/types.js';
import type { SqlDialect } from '../migrations/migrate.js';
// each backend's modules (its driver among them) are imported when a URL selects it: a
// PostgreSQL process never loads cassandra-driver, nor a Cassandra one pg

/** The store a process works on. */
export interface Store {
  blockstore: Blockstore;
  index: ChainIndex;
  /** The URL with its password replaced by `***`. */
  redactedUrl: string;
  /** The driver package in use (`pg`, `@yugabytedb/pg`, `cassandra-driver`). */
  driver?: string;
  /** Apply pending schema migrations. @returns the versions applied. */
  migrate(): Promise<number[]>;
  /** The migration versions `openStore` applied (with `migrate: true`; else empty). */
  migratedAtOpen?: number[];
  close(): Promise<void>;
}

/** Options for {@link openStore}. */
export interface OpenStoreOptions {
  /** Pool size (connections), SQL backends. */
  poolSize?: number;
  /** Run migrations before returning. */
  migrate?: boolean;
  /** Give up connecting after this many ms (default 10000). */
  connectTimeoutMs?: number;
}

/** Replace the password in a URL with `***`. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]+):[^@]*@/, '$1:***@');
}

/** The store cannot be reached or used. The message names the (redacted) URL. */
export class StoreUnavailableError extends Error {
  constructor(url: string, cause: unknown) {
    super(`store ${redactUrl(url)} is unreachable: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'StoreUnavailableError';
  }
}

/** The backend a URL selects. */
export function backendOf(url: string): { kind: 'sql'; dialect: SqlDialect } | { kind: 'cql' } {
  const scheme = url.split(':')[0];
  if (scheme === 'postgres' || scheme === 'postgresql') return { kind: 'sql', dialect: 'postgres' };
  if (scheme === 'yugabyte' || scheme === 'ysql') return { kind: 'sql', dialect: 'yugabyte' };
  if (scheme === 'cassandra' || scheme === 'ycql') return { kind: 'cql' };
  throw new Error(`unsupported store URL scheme "${scheme}:" in ${redactUrl(url)} (supported: postgres://, yugabyte://, cassandra://, ycql://)`);
}

/** The `pg`-compatible driver: `@yugabytedb/pg` (cluster-aware) for YugabyteDB when installed, else `pg`. */
async function sqlDriver(dialect: SqlDialect): Promise<{ name: string; driver: typeof pg }> {
  if (dialect === 'yugabyte') {
    try {
      const name = '@yugabytedb/pg';
      return { name, driver: ((await import(name)) as { default: typeof pg }).default };
    } catch {
      /* optional dependency not installed */
    }
  }
  return { name: 'pg', driver: (await import('pg')).default };
}

/** Connections a SQL store opens at start and keeps open when idle. */
const WARM_CONNECTIONS = 4;

async function openSql(url: string, dialect: SqlDialect, opts: OpenStoreOptions): Promise<Store> {
  const [{ name, driver }, { PgBlockstore }, { PgChainIndex }, { migrate }] = await Promise.all([sqlDriver(dialect), import('../blockstore/postgres.js'), import('../indexer/postgres.js'), import('../migrations/migrate.js')]);
  const max = opts.poolSize ?? 10;
  // WARM_CONNECTIONS are opened at start and stay open however idle the process is, so a
  // head change's first reads after a quiet spell do not wait for a connection handshake
  // (tens of ms on a loaded host). The 250–400 ms head propagation outliers bench/run.ts saw
  // right after 8 followers started were not this (they stayed): they are start-up CPU
  // contention, and the bench reports those epochs apart as warm-up.
  const min = Math.min(WARM_CONNECTIONS, max);
  const pool = new driver.Pool({
    connectionString: url.replace(/^(yugabyte|ysql):/, 'postgres:'),
    max,
    min,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', () => undefined); // idle-client errors surface on the next query instead
  let migratedAtOpen: number[] = [];
  try {
    await pool.query('SELECT 1');
    const warm = await Promise.all(Array.from({ length: min - 1 }, () => pool.connect()));
    for (const c of warm) c.release();
    if (opts.migrate) migratedAtOpen = await migrate(pool, dialect);
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new StoreUnavailableError(url, e);
  }
  return {
    blockstore: new PgBlockstore(pool, { copy: dialect === 'postgres', orderedReads: dialect === 'postgres' }),
    index: new PgChainIndex(pool, { copy: dialect === 'postgres' }),
    redactedUrl: redactUrl(url),
    driver: name,
    migrate: () => migrate(pool, dialect),
    migratedAtOpen,
    close: () => pool.end(),
  };
}

async function openCql(url: string, opts: OpenStoreOptions): Promise<Store> {
  const [{ connectKeyspace, migrateCql, parseCqlUrl }, { CqlBlockstore }, { CqlChainIndex }] = await Promise.all([import('./cql.js'), import('../blockstore/cassandra.js'), import('../indexer/cassandra.js')]);
  let settings;
  try {
    settings = parseCqlUrl(url);
  } catch (e) {
    throw new Error(`invalid store URL ${redactUrl(url)}: ${(e as Error).message}`);
  }
  let migratedAtOpen: number[] = [];
  try {
    if (opts.migrate) migratedAtOpen = await migrateCql(settings);
  } catch (e) {
    throw new StoreUnavailableError(url, e);
  }
  let client;
  try {
    // waits for the keyspace only when this call's migration just created it
    client = await connectKeyspace(settings, { patienceMs: opts.migrate ? undefined : 0 });
  } catch (e) {
    throw new StoreUnavailableError(url, e);
  }
  try {
    await client.execute('SELECT mh FROM blocks LIMIT 1');
  } catch (e) {
    await client.shutdown().catch(() => undefined);
    throw new StoreUnavailableError(url, e);
  }
  return {
    blockstore: new CqlBlockstore(client),
    index: new CqlChainIndex(client),
    redactedUrl: redactUrl(url),
    driver: 'cassandra-driver',
    migrate: () => migrateCql(settings),
    migratedAtOpen,
    close: () => client.shutdown(),
  };
}

/**
 * Open the store at `url` and check it answers.
 * @throws StoreUnavailableError when it does not answer within the timeout;
 *   Error for an unsupported URL.
 */
export async function openStore(url: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const b = backendOf(url);
  return b.kind === 'sql' ? openSql(url, b.dialect, opts) : openCql(url, opts);
}
