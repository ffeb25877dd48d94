/**
 * Imported first by every test file. Two guarantees:
 *  1. Nothing a test file started outlives it: when the file's process exits (passed,
 *     failed, or stopped by the watchdog) every process it started, and theirs, is
 *     killed (found through /proc by parent pid, so a child that was never awaited,
 *     an embedded PostgreSQL, or a cluster's leader are all found).
 *     The same happens when the file is stopped by a signal (SIGTERM, SIGINT, SIGHUP).
 *  2. A test file that outlives its budget (TEST_FILE_BUDGET_MS, default 15 min), or
 *     that is still alive TEST_EXIT_GRACE_MS (default 60 s) after its last test and
 *     hooks finished (something it started keeps it open), is ended with a message
 *     naming it, instead of hanging `npm test` until CI's limit.
 */
import { after } from 'node:test';
import { basename } from 'node:path';
import { descendants } from './procs.js';

export { descendants };

/** SIGKILL every descendant of this process. @returns how many were still alive. */
export function killDescendants(): number {
  const pids = descendants();
  for (const pid of pids) {
    // its process group first (a detached child leads one: its reparented children go too)
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        /* not a group leader, or gone */
      }
    }
  }
  return pids.length;
}

const file = basename(process.argv[1] ?? 'test');
const budgetMs = Number(process.env.TEST_FILE_BUDGET_MS ?? 15 * 60_000);

process.on('exit', () => {
  const n = killDescendants();
  if (n > 0) process.stderr.write(`watchdog: ${file} left ${n} process(es) running at exit; killed them\n`);
});

/** End this test file now, naming why; the exit handler above kills what it started. */
function end(why: string): never {
  process.stderr.write(`watchdog: ${file} ${why}; stopping it and everything it started\n`);
  process.exit(1);
}

for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(sig, () => end(`received ${sig}`));

// unref'd timers: they never keep a finished test file alive, and fire only if something else does
setTimeout(() => end(`ran longer than its budget of ${Math.round(budgetMs / 1000)} s (TEST_FILE_BUDGET_MS)`), budgetMs).unref();

// registered first, so it runs before the file's own root `after` hooks: the grace starts then
const graceMs = Number(process.env.TEST_EXIT_GRACE_MS ?? 60_000);
after(() => {
  setTimeout(() => end(`was still running ${Math.round(graceMs / 1000)} s after its tests and hooks finished (something it started keeps it open; TEST_EXIT_GRACE_MS)`), graceMs).unref();
});
