/**
 * Proxies in front of the same followers, interleaved in rounds: the fil-follower
 * balancer (as configured by default; with batch coalescing off; with its edge cache on),
 * nginx (a plain reverse proxy: the CPU floor of proxying), the followers
 * direct (the client alternates between them: no proxy), and a bare fastify echo (the
 * HTTP floor of this machine). Per case and round: capacity (closed loop, `workers`
 * workers), CPU ms per request of the proxy, of the followers and of the store, and
 * latency at each offered rate (open loop). Figures are medians over the rounds.
 */
import { type AttackResult, attack, removeTargets, writeTargets } from '../lib/vegeta.js';
import { cpuMs, postgresCpuMs, treeCpuMs } from '../lib/cpu.js';
import { type TestCluster, freePort, rolePids } from '../../test/helpers/cluster.js';
import { type Started, startBalancer, startEcho } from '../lib/procs.js';
import { startNginx } from '../lib/nginx.js';

/** Options of the proxy comparison. */
export interface ProxyOptions {
  vegeta: string;
  bodies: readonly string[];
  rounds: number;
  capacitySeconds: number;
  rateSeconds: number;
  /** Offered rates (req/s) of the latency curve. */
  rates: readonly number[];
  workers: number;
  progress: (line: string) => void;
}

/** One case's figures in one round. */
export interface ProxyRound {
  capacity: AttackResult;
  /** CPU ms per request: the proxy's process tree, the followers, PostgreSQL. */
  cpu: { proxy: number; followers: number; store: number };
  curve: Array<{ rate: number; r: AttackResult }>;
}

/** A case and its rounds. */
export interface ProxyCase {
  name: string;
  rounds: ProxyRound[];
}


/** Sum of CPU ms over PIDs. */
export const sumCpu = (pids: readonly number[]): number => pids.reduce((a, p) => a + cpuMs(p), 0);

/** Run the comparison over a running cluster's followers. */
export async function runProxies(cluster: TestCluster, o: ProxyOptions): Promise<ProxyCase[]> {
  const followers = cluster.followerUrls;
  const followerPids = rolePids(cluster, 'follower').map((p) => p.pid);
  const [lbPort, singlePort, cachePort, ngxPort, echoPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const started: Started[] = [];
  const targets: string[] = [];
  try {
    const lb = await startBalancer(lbPort, followers);
    started.push(lb);
    const single = await startBalancer(singlePort, followers, { LB_COALESCE_MAX: '1' });
    started.push(single);
    const cached = await startBalancer(cachePort, followers, { EDGE_CACHE_BYTES: String(64 << 20) });
    started.push(cached);
    const ngx = await startNginx(ngxPort, followers);
    started.push(ngx);
    const echo = await startEcho(echoPort);
    started.push(echo);
    /** A targets file, removed when the comparison ends (also on an error). */
    const target = (url: string | string[], bodies: readonly string[]): string => {
      const t = writeTargets(url, bodies);
      targets.push(t);
      return t;
    };
    const cases: Array<{ name: string; targets: string; pid: number | null }> = [
      { name: 'fastify echo (HTTP floor)', targets: target(`${echo.url}/rpc/v1`, o.bodies), pid: null },
      // no proxy: each body to the followers in turn, as a client-side round-robin would
      { name: 'direct (client alternates followers)', targets: target(followers.map((f) => `${f}/rpc/v1`), o.bodies), pid: null },
      { name: 'nginx 1.22 (plain proxy)', targets: target(`${ngx.url}/rpc/v1`, o.bodies), pid: ngx.proc.pid! },
      { name: 'fil-follower balancer, no coalescing (LB_COALESCE_MAX=1)', targets: target(`${single.url}/rpc/v1`, o.bodies), pid: single.proc.pid! },
      { name: 'fil-follower balancer', targets: target(`${lb.url}/rpc/v1`, o.bodies), pid: lb.proc.pid! },
      { name: 'fil-follower balancer + edge cache 64 MiB', targets: target(`${cached.url}/rpc/v1`, o.bodies), pid: cached.proc.pid! },
    ];
    const out: ProxyCase[] = cases.map((c) => ({ name: c.name, rounds: [] }));
    for (let round = 0; round < o.rounds; round++) {
      for (const [i, c] of cases.entries()) {
        o.progress(`proxies: round ${round + 1}/${o.rounds}, ${c.name}: capacity (${o.capacitySeconds} s, ${o.workers} workers)`);
        const before = { proxy: c.pid ? treeCpuMs(c.pid) : 0, followers: sumCpu(followerPids), store: postgresCpuMs(cluster.proc.pid!) };
        const capacity = await attack(o.vegeta, c.targets, { rate: 0, seconds: o.capacitySeconds, workers: o.workers });
        const n = Math.max(1, capacity.requests);
        const cpu = {
          proxy: ((c.pid ? treeCpuMs(c.pid) : 0) - before.proxy) / n,
          followers: i === 0 ? 0 : (sumCpu(followerPids) - before.followers) / n,
          store: i === 0 ? 0 : (postgresCpuMs(cluster.proc.pid!) - before.store) / n,
        };
        const curve: ProxyRound['curve'] = [];
        for (const rate of o.rates) {
          o.progress(`proxies: round ${round + 1}/${o.rounds}, ${c.name}: ${rate} req/s (${o.rateSeconds} s)`);
          curve.push({ rate, r: await attack(o.vegeta, c.targets, { rate, seconds: o.rateSeconds }) });
        }
        out[i]!.rounds.push({ capacity, cpu, curve });
      }
    }
    return out;
  } finally {
    for (const t of targets) removeTargets(t);
    for (const s of started.reverse()) await s.stop();
  }
}
