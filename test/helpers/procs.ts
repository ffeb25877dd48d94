/**
 * Process lookups through /proc, shared by the test watchdog, the cluster harness
 * and benchmarks (this module imports no test runner, so a benchmark using it
 * prints no TAP).
 */
import { readdirSync, readFileSync } from 'node:fs';

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
