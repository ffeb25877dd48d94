/**
 * The balancer pair (or more) behind one port: `LB_WORKERS` balancer processes under a
 * node:cluster primary. The primary only holds the listening socket, hands each new
 * connection round-robin to a worker, and supervises:
 * - SIGHUP: rolling restart. For each worker in turn, a replacement is forked and
 *   listening before the old one is told to drain (balancer.ts `drain`: it takes no new
 *   connection, answers what its open connections ask with `Connection: close`, and
 *   exits), so some worker always accepts and no request fails.
 * - A worker that dies unasked is replaced (the others keep serving): at once, or after
 *   1 s when it died within a second of being forked, so a worker that cannot start is
 *   not re-forked in a tight loop.
 * - SIGTERM: every worker drains, then the primary exits. SIGINT: every worker stops at once.
 * The drain is asked over the cluster IPC channel (`{ cmd: 'drain' }`), not by signal,
 * so a worker's SIGTERM (docker stop, Ctrl-C of a single process) means the same drain.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../common/logger.js';

/** The message the primary sends a worker to make it drain and exit. */
export const DRAIN_MESSAGE = { cmd: 'drain' } as const;

/** Is `m` the primary's drain request? */
export function isDrainMessage(m: unknown): boolean {
  return typeof m === 'object' && m !== null && (m as { cmd?: unknown }).cmd === DRAIN_MESSAGE.cmd;
}

/** A worker that dies within this long of its start is replaced only after this long (ms). */
const CRASH_LOOP_MS = 1000;

/** Options of {@link runBalancerPrimary}. */
export interface PrimaryOptions {
  /** How many workers to keep running (≥ 1). */
  workers: number;
  /** How long a worker may take to drain before it is killed (ms): its drain timeout plus a margin. */
  drainKillMs: number;
}

/** What a running primary exposes (for tests and the CLI). */
export interface PrimaryHandle {
  /** Restart every worker, one at a time. Resolves when the last replacement listens and its predecessor exited. */
  rollingRestart(): Promise<void>;
  /** Drain every worker (`graceful`) or stop them at once (SIGINT), then resolve. */
  stop(graceful: boolean): Promise<void>;
}

/**
 * Run the cluster primary: fork `workers` workers (each re-runs this CLI, where
 * `cluster.isWorker` makes it a balancer) and supervise them as described above.
 * Resolves once every first worker listens. @throws Error when a first worker exits before it listens.
 */
export async function runBalancerPrimary(o: PrimaryOptions, log: Logger): Promise<PrimaryHandle> {
  let stopping = false;
  /** Workers that are meant to go (draining): their exit is not a crash. */
  const leaving = new Set<number>();
  const listening = (w: Worker): Promise<void> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null, signal: string | null): void => reject(new Error(`balancer worker ${w.process.pid} exited (${signal ?? code}) before it listened`));
      w.once('exit', onExit);
      w.once('listening', () => {
        w.off('exit', onExit);
        resolve();
      });
    });
  const exited = (w: Worker): Promise<void> => new Promise((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve())));
  const fork = (): Worker => {
    const w = cluster.fork();
    const startedAt = Date.now();
    w.on('exit', (code, signal) => {
      if (leaving.delete(w.id) || stopping) return;
      // one that dies young (it cannot start) is replaced after a pause, not in a tight loop
      const delayMs = Date.now() - startedAt < CRASH_LOOP_MS ? CRASH_LOOP_MS : 0;
      log.error({ worker: w.process.pid, code, signal, restartInMs: delayMs }, 'balancer worker died; starting another');
      setTimeout(() => {
        if (stopping) return;
        listening(fork()).catch((e: Error) => log.error({ err: e }, 'replacement balancer worker failed to start'));
      }, delayMs);
    });
    return w;
  };
  /** Tell `w` to drain; kill it if it is still there after drainKillMs. */
  const retire = async (w: Worker): Promise<void> => {
    leaving.add(w.id);
    const gone = exited(w);
    if (w.isConnected()) w.send(DRAIN_MESSAGE);
    const killer = setTimeout(() => {
      log.warn({ worker: w.process.pid }, 'balancer worker did not drain in time; killing it');
      w.process.kill('SIGKILL');
    }, o.drainKillMs);
    await gone;
    clearTimeout(killer);
  };

  const first = Array.from({ length: o.workers }, () => fork());
  await Promise.all(first.map(listening));
  log.info({ workers: first.map((w) => w.process.pid) }, 'balancer workers listening');

  let restarting: Promise<void> | null = null;
  const rollingRestart = (): Promise<void> =>
    (restarting ??= (async () => {
      const t0 = Date.now();
      for (const old of Object.values(cluster.workers ?? {})) {
        if (!old || leaving.has(old.id) || stopping) continue;
        const next = fork();
        await listening(next);
        await retire(old);
        log.info({ old: old.process.pid, new: next.process.pid }, 'balancer worker replaced');
      }
      log.info({ ms: Date.now() - t0 }, 'rolling restart done');
    })().finally(() => (restarting = null)));
  const stop = async (graceful: boolean): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    if (graceful) await Promise.all(workers.map(retire));
    else await Promise.all(workers.map((w) => (w.isDead() ? undefined : (w.process.kill('SIGINT'), exited(w)))));
  };
  // SIGINT stops the workers at once (Ctrl-C sends it them too; they ignore the second); SIGTERM drains them
  process.on('SIGINT', () => void stop(false).then(() => process.exit(0)));
  process.on('SIGTERM', () => void stop(true).then(() => process.exit(0)));
  process.on('SIGHUP', () => {
    log.info('SIGHUP: rolling restart of the balancer workers');
    rollingRestart().catch((e: Error) => log.error({ err: e }, 'rolling restart failed'));
  });
  return { rollingRestart, stop };
}
