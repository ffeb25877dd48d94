/**
 * Process plumbing shared by every subcommand: resolving the store (STORE_URL or
 * the embedded PostgreSQL), and clean shutdown on SIGINT/SIGTERM.
 */
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { resolveFromRoot } from './paths.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { type OpenStoreOptions, type Store, openStore } from './store.js';

/**
 * Open the configured store: `storeUrl` if set, else the embedded PostgreSQL
 * (started, or reused when already running).
 * @throws StoreUnavailableError naming the redacted URL.
 */
export async function openConfiguredStore(cfg: Config, log: Logger, opts: OpenStoreOptions = {}): Promise<Store & { stopEmbedded(): Promise<void> }> {
  let url = cfg.storeUrl as string | undefined;
  let stopEmbedded = async (): Promise<void> => undefined;
  if (!url) {
    const pg = await startEmbeddedPostgres({ dataDir: resolveFromRoot(cfg.embeddedPgDir as string), port: cfg.embeddedPgPort as number, log });
    url = pg.url;
    stopEmbedded = () => pg.stop();
  }
  const store = await openStore(url, opts);
  log.info({ store: store.redactedUrl, driver: store.driver }, 'store open');
  return { ...store, stopEmbedded };
}

/** Run `cleanup` once on SIGINT or SIGTERM, then exit 0 (1 if cleanup throws). */
export function onShutdown(log: Logger, cleanup: () => Promise<void>): void {
  let done = false;
  const handler = (sig: string): void => {
    if (done) return;
    done = true;
    log.info({ signal: sig }, 'shutting down');
    cleanup()
      .then(() => process.exit(0))
      .catch((e) => {
        log.error({ err: e }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
}

/** Sleep `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
