/**
 * CPU time of processes, from `/proc/<pid>/stat` (utime + stime, in clock ticks of
 * 10 ms on Linux: `getconf CLK_TCK` = 100). Used to price a request in CPU ms per role.
 */
import { readFileSync } from 'node:fs';
import { descendants } from '../../test/helpers/procs.js';

const TICK_MS = 10;

/** CPU ms (user + system) a process has used so far; 0 when it has exited. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name (which may hold spaces) start after the last ')'
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** CPU ms a process has used plus what its exited, reaped children used (cutime + cstime). */
export function cpuWithReapedMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * TICK_MS;
  } catch {
    return 0;
  }
}

/**
 * CPU ms of the PostgreSQL server(s) under `root`: each postmaster with its reaped
 * backends, plus the live backends. Backends come and go with client connections; a
 * plain sum over live processes would lose the CPU of one that exits between samples.
 */
export function postgresCpuMs(root: number): number {
  const pids = postgresPidsUnder(root);
  const set = new Set(pids);
  let total = 0;
  for (const p of pids) {
    let ppid = -1;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      continue;
    }
    total += set.has(ppid) ? cpuMs(p) : cpuWithReapedMs(p);
  }
  return total;
}

/** CPU ms of a process and all its descendants (nginx's workers, a cluster's workers). */
export function treeCpuMs(pid: number): number {
  return [pid, ...descendants(pid)].reduce((a, p) => a + cpuMs(p), 0);
}

/** PIDs of the PostgreSQL processes under `root` (by command line). */
export function postgresPidsUnder(root: number): number[] {
  return descendants(root).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('postgres');
    } catch {
      return false;
    }
  });
}
