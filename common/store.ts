/**
 * Opening the shared store (blockstore + chain index) from one URL.
 * `postgres://…` (PostgreSQL or YugabyteDB YSQL) today; the URL's password is
 * redacted whenever it is printed.
 */
import pg from 'pg';
import type { Blockstore } from '../blockstore/types.js';
import { PgBlockstore } from '../blockstore/postgres.js';
import type { ChainIndex } from '../indexer/types.js';
import { PgChainIndex } from '../indexer/postgres.js';
import { migrate } from '../migrations/migrate.js';

/** The store a process works on. */
export interface Store {
  blockstore: Blockstore;
  index: ChainIndex;
  /** The URL with its password replaced by `***`. */
  redactedUrl: string;
  /** Apply pending schema migrations. @returns the versions applied. */
  migrate(): Promise<number[]>;
  close(): Promise<void>;
}

/** Options for {@link openStore}. */
export interface OpenStoreOptions {
  /** Pool size (connections). */
  poolSize?: number;
  /** Run migrations before returning. */
  migrate?: boolean;
  /** Give up connecting after this many ms (default 10000). */
  connectTimeoutMs?: number;
}

/** Replace the password in a URL with `***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:\/\/([^:/@]+):[^@]*@/, '://$1:***@');
  }
}

/** The store cannot be reached or used. The message names the (redacted) URL. */
export class StoreUnavailableError extends Error {
  constructor(url: string, cause: unknown) {
    super(`store ${redactUrl(url)} is unreachable: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'StoreUnavailableError';
  }
}

/**
 * Open the store at `url` and check it answers.
 * @throws StoreUnavailableError when it does not answer within the timeout;
 *   Error for an unsupported URL scheme.
 */
export async function openStore(url: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const scheme = url.split(':')[0];
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    throw new Error(`unsupported store URL scheme "${scheme}:" in ${redactUrl(url)} (supported: postgres://)`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on('error', () => undefined); // idle-client errors surface on the next query instead
  try {
    await pool.query('SELECT 1');
    if (opts.migrate) await migrate(pool, 'postgres');
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new StoreUnavailableError(url, e);
  }
  return {
    blockstore: new PgBlockstore(pool),
    index: new PgChainIndex(pool),
    redactedUrl: redactUrl(url),
    migrate: () => migrate(pool, 'postgres'),
    close: () => pool.end(),
  };
}
