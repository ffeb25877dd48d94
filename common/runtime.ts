/**
 * Process plumbing shared by every subcommand: clean shutdown on SIGINT/SIGTERM, sleep.
 */
import type { Logger } from './logger.js';

/** How a process may also be asked to stop gracefully (see {@link onShutdown}). */
export interface GracefulStop {
  /** Run on SIGTERM (and on a matching IPC message) instead of `cleanup`: a drain, then the cleanup. */
  graceful: () => Promise<void>;
  /** An IPC message from the parent (node:cluster primary) that means the same as SIGTERM. */
  drainWhen?: (message: unknown) => boolean;
}

/**
 * Run `cleanup` once on SIGINT or SIGTERM, then exit 0 (1 if cleanup throws). With
 * `stop.graceful`, SIGTERM (and an IPC message `stop.drainWhen` accepts) runs that
 * instead, and SIGINT still runs `cleanup`; a second signal during either is ignored.
 */
export function onShutdown(log: Logger, cleanup: () => Promise<void>, stop?: GracefulStop): void {
  let done = false;
  const handler = (sig: string, run: () => Promise<void>): void => {
    if (done) return;
    done = true;
    log.info({ signal: sig }, 'shutting down');
    run()
      .then(() => process.exit(0))
      .catch((e) => {
        log.error({ err: e }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGINT', () => handler('SIGINT', cleanup));
  process.on('SIGTERM', () => handler('SIGTERM', stop?.graceful ?? cleanup));
  if (stop?.drainWhen) process.on('message', (m) => stop.drainWhen!(m) && handler('drain', stop.graceful));
}

/** Sleep `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
