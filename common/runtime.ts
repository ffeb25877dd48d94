/**
 * Process plumbing shared by every subcommand: clean shutdown on SIGINT/SIGTERM, sleep.
 */
import type { Logger } from './logger.js';

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
