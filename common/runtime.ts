/**
 * Process plumbing shared by every subcommand: clean shutdown on SIGINT/SIGTERM, sleep, a
 * restart with V8 flags.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
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

/**
 * Run this same command again in a child node with V8 flag `--<flag>=<value>` (V8 reads heap
 * sizes only at start: `v8.setFlagsFromString` cannot grow the young generation later), when
 * neither node's own flags nor NODE_OPTIONS name `--<flag>`. The child inherits stdio and
 * the environment; SIGINT and SIGTERM are passed on to it; this process exits with its code
 * (128 + signal number when it was killed).
 * @returns false when the flag is set already, or `value` is 0 (nothing to set: the caller
 * carries on itself); otherwise never returns (the process exits when the child does)
 */
export function rerunWithV8Flag(flag: string, value: number): false | Promise<never> {
  if (value === 0) return false;
  // V8 takes `--max-semi-space-size` and `--max_semi_space_size` alike
  const spellings = [`--${flag}`, `--${flag.replaceAll('-', '_')}`];
  const named = (args: string): boolean => args.split(/\s+/).some((a) => spellings.some((f) => a === f || a.startsWith(`${f}=`)));
  if (named(process.execArgv.join(' ')) || named(process.env.NODE_OPTIONS ?? '')) return false;
  const child = spawn(process.execPath, [...process.execArgv, `--${flag}=${value}`, ...process.argv.slice(1)], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
  return new Promise<never>(() => {
    child.on('error', (e) => {
      process.stderr.write(`fil-follower: could not restart with --${flag}: ${e.message}\n`);
      process.exit(1);
    });
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + os.constants.signals[signal] : 1)));
  });
}
