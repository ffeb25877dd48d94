/**
 * Imported first by every test file. Two guarantees:
 *  1. Nothing a test file started outlives it: when the file's process exits (passed,
 *     failed, or stopped by the watchdog) every process it started, and theirs, is
 *     killed (found through /proc by parent pid, so a child that was never awaited,
 *     an embedded PostgreSQL, or a cluster's leader are all found).
 *  2. A test file that outlives its budget (TEST_FILE_BUDGET_MS, default 15 min) is
 *     ended with a message naming it, instead of hanging `npm test` until CI's limit.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** Pids of every live descendant of `root` (children first found, then theirs). */
export function descendants(root: number = process.pid): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may contain spaces and parens
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(name), ppid);
    } catch {
      /* exited meanwhile */
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const [pid, pp] of parent) {
      if (pp === p && !out.includes(pid)) {
        out.push(pid);
        walk(pid);
      }
    }
  };
  walk(root);
  return out;
}

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

// unref'd: it never keeps a finished test file alive, and fires only if something else does
setTimeout(() => {
  process.stderr.write(`watchdog: ${file} ran longer than its budget of ${Math.round(budgetMs / 1000)} s (TEST_FILE_BUDGET_MS); stopping it and everything it started\n`);
  process.exitCode = 1;
  process.exit(1);
}, budgetMs).unref();
