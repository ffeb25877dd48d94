/**
 * The store a process is configured with: `STORE_URL` when set, else the embedded
 * PostgreSQL under `EMBEDDED_PG_DIR` (started, or reused when already running).
 */
import type { Logger } from '../common/logger.js';
import { resolveFromRoot } from '../common/paths.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { type OpenStoreOptions, type Store, openStore } from './open.js';

/** The settings that choose the store (a subset of every store-backed role's config). */
export interface StoreSettings {
  /** `postgres://…`, `yugabyte://…`, `cassandra://…`, `ycql://…`; unset: the embedded PostgreSQL. */
  storeUrl?: string;
  /** Data directory of the embedded PostgreSQL, relative to the project root. */
  embeddedPgDir: string;
  /** Port of the embedded PostgreSQL on 127.0.0.1. */
  embeddedPgPort: number;
}

/**
 * Open the configured store: `storeUrl` if set, else the embedded PostgreSQL
 * (started, or reused when already running).
 * @throws StoreUnavailableError naming the redacted URL.
 */
export async function openConfiguredStore(cfg: StoreSettings, log: Logger, opts: OpenStoreOptions = {}): Promise<Store & { stopEmbedded(): Promise<void> }> {
  let url = cfg.storeUrl;
  let stopEmbedded = async (): Promise<void> => undefined;
  if (!url) {
    const pg = await startEmbeddedPostgres({ dataDir: resolveFromRoot(cfg.embeddedPgDir), port: cfg.embeddedPgPort, log });
    url = pg.url;
    stopEmbedded = () => pg.stop();
  }
  const store = await openStore(url, opts);
  log.info({ store: store.redactedUrl, driver: store.driver }, 'store open');
  return { ...store, stopEmbedded };
}

