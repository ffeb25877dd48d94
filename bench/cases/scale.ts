/**
 * Scale-out: 1, 2, 4, 8 followers on one store (embedded PostgreSQL holding the SYNTHETIC
 * chain) behind one single-process balancer, closed-loop capacity on a store-bound mix
 * (ChainGetBlock over every header, ChainGetMessage over sampled messages,
 * ChainGetTipSetByHeight over every height; follower caches shrunk to 16 MiB so most reads
 * reach the store). Per run, CPU ms per request of each role (balancer, followers,
 * PostgreSQL, and the load generator, which shares these cores).
 *
 * The capacity model: with c_r the CPU ms per request of role r, on C cores
 *   X(N, C) = min( C / Σ_r c_r , N / c_follower , W / c_balancer ) × 1000 req/s
 * (all roles share the cores; a follower and a balancer worker are one thread each; W
 * balancer workers). The c_r measured with 1 follower predict the other points on
 * these cores; the prediction for more cores leaves the load generator out (it runs
 * elsewhere in a deployment).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { projectPath } from '../../common/paths.js';
import { freePort } from '../../test/helpers/cluster.js';
import { attack, removeTargets, writeTargets } from '../lib/vegeta.js';
import { cpuMs, postgresCpuMs } from '../lib/cpu.js';
import { startBalancer, stopProc, waitHttp } from '../lib/procs.js';

/** One point of the curve. */
export interface ScalePoint {
  followers: number;
  throughput: number;
  p99: number;
  success: number;
  /** CPU ms per request by role. */
  cpu: { balancer: number; followers: number; store: number; generator: number };
}


/** Start `n` followers on `storeUrl` (no leader: they poll the head row). */
async function startFollowers(n: number, storeUrl: string): Promise<{ urls: string[]; procs: ChildProcess[] }> {
  const urls: string[] = [];
  const procs: ChildProcess[] = [];
  for (let i = 0; i < n; i++) {
    const port = await freePort();
    const proc = spawn(process.execPath, [projectPath('dist', 'cli.js'), 'follower', '--port', String(port)], {
      env: { ...process.env, STORE_URL: storeUrl, LEADER_URL: 'none', LOG_LEVEL: 'warn', BLOCK_CACHE_BYTES: String(16 << 20), CHAIN_CACHE_BYTES: String(16 << 20), RESPONSE_CACHE_BYTES: String(16 << 20) },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    procs.push(proc);
    urls.push(`http://127.0.0.1:${port}`);
  }
  try {
    for (const [i, u] of urls.entries()) await waitHttp(`${u}/health/readyz`, 60_000, procs[i]);
  } catch (e) {
    await stopAll(procs);
    throw e;
  }
  return { urls, procs };
}

/** Stop processes and wait for them. */
const stopAll = (procs: ChildProcess[]): Promise<unknown> => Promise.all(procs.map((p) => stopProc(p)));

/** Generator CPU: the vegeta processes are children of this process; their CPU is read from /proc/self/stat's cutime/cstime. */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) * 10;
}

/** Run the curve. */
export async function runScale(o: { vegeta: string; storeUrl: string; bodies: readonly string[]; counts: readonly number[]; seconds: number; workers: number; progress: (line: string) => void }): Promise<ScalePoint[]> {
  const out: ScalePoint[] = [];
  for (const n of o.counts) {
    o.progress(`scale: ${n} follower(s): starting`);
    const f = await startFollowers(n, o.storeUrl);
    const lb = await startBalancer(await freePort(), f.urls).catch(async (e) => {
      await stopAll(f.procs);
      throw e;
    });
    const targets = writeTargets(`${lb.url}/rpc/v1`, o.bodies);
    try {
      // a short warm-up (JIT, connection pools), then the measured attack
      await attack(o.vegeta, targets, { rate: 0, seconds: 2, workers: o.workers });
      o.progress(`scale: ${n} follower(s): capacity (${o.seconds} s, ${o.workers} workers)`);
      const fp = f.procs.map((p) => p.pid!);
      const before = { lb: cpuMs(lb.proc.pid!), f: fp.reduce((a, p) => a + cpuMs(p), 0), pg: postgresCpuMs(process.pid), gen: childrenCpuMs() };
      const r = await attack(o.vegeta, targets, { rate: 0, seconds: o.seconds, workers: o.workers });
      const req = Math.max(1, r.requests);
      out.push({
        followers: n,
        throughput: r.throughput,
        p99: r.p99,
        success: r.success,
        cpu: {
          balancer: (cpuMs(lb.proc.pid!) - before.lb) / req,
          followers: (fp.reduce((a, p) => a + cpuMs(p), 0) - before.f) / req,
          store: (postgresCpuMs(process.pid) - before.pg) / req,
          generator: (childrenCpuMs() - before.gen) / req,
        },
      });
      o.progress(`scale: ${n} follower(s): ${r.throughput.toFixed(0)} req/s, ${(r.success * 100).toFixed(2)} % ok`);
    } finally {
      removeTargets(targets);
      await lb.stop();
      await stopAll(f.procs);
    }
  }
  return out;
}

/** The model's throughput (req/s) for `followers` on `cores`, from per-role CPU ms per request. */
export function predict(c: ScalePoint['cpu'], followers: number, cores: number, withGenerator: boolean, balancerWorkers = 1): number {
  const total = c.balancer + c.followers + c.store + (withGenerator ? c.generator : 0);
  return Math.min(cores / total, followers / c.followers, balancerWorkers / c.balancer) * 1000;
}
