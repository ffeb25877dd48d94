/**
 * `npm run bench:soak`: a bounded soak of a whole cluster (`fil-follower start`: embedded
 * PostgreSQL, the leader replaying mainnet 0–341, followers, the balancer) on loopback.
 * First its capacity is measured (a SOAK_PROBE_SECONDS burst of ChainGetBlock and
 * ChainGetTipSetByHeight over real CIDs and heights through the balancer); then it runs
 * for SOAK_MINUTES at SOAK_FRACTION of that rate and prints, every minute, the requests,
 * errors and p99 of that minute and the RSS of every process; at the end, each process's
 * RSS growth after the warm-up (the first sixth) to the last three minutes (flat: within ±10 %).
 * Stops by itself.
 * Env: SOAK_MINUTES (default 60), SOAK_FRACTION (0.5), SOAK_PROBE_SECONDS (10),
 * SOAK_CONNECTIONS (16), SOAK_FOLLOWERS (2). Run by hand, not in CI.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { CarReplaySource } from '../leader/car-source.js';
import { fixture } from '../common/paths.js';
import { cidJson } from '../chain/json.js';
import { descendants } from '../test/helpers/procs.js';
import { type TestCluster, rpc, startCluster, waitFor } from '../test/helpers/cluster.js';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 60);
const FRACTION = Number(process.env.SOAK_FRACTION ?? 0.5);
const PROBE_SECONDS = Number(process.env.SOAK_PROBE_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 16);
const FOLLOWERS = Number(process.env.SOAK_FOLLOWERS ?? 2);

/** Every process of the cluster by a readable name (`leader`, `follower#1`, `lb`, `postgres`…) → RSS in MB. */
function rss(cluster: TestCluster): Map<string, number> {
  const out = new Map<string, number>();
  let followers = 0;
  for (const pid of descendants(cluster.proc.pid!).concat(cluster.proc.pid!).sort((a, b) => a - b)) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      let name = argv.at(-1) ?? String(pid);
      if (pid === cluster.proc.pid) name = 'start';
      else if (name === 'follower') name = `follower#${++followers}`;
      else if (argv[0]?.includes('postgres')) name = 'postgres';
      else if (!['leader', 'lb'].includes(name)) continue;
      out.set(name, (out.get(name) ?? 0) + kb / 1024);
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/** p99 of a list of latencies (ms). */
const p99 = (xs: number[]): number => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))]! : 0);

async function main(): Promise<void> {
  const src = await CarReplaySource.open(fixture('chain', 'mainnet-h0-341.car'));
  const bodies = src.tipsets.flatMap((t, i) => [
    JSON.stringify({ jsonrpc: '2.0', id: i, method: 'Filecoin.ChainGetTipSetByHeight', params: [t.height, null] }),
    ...t.blocks.map((b) => JSON.stringify({ jsonrpc: '2.0', id: i, method: 'Filecoin.ChainGetBlock', params: [cidJson(b.cid)] })),
  ]);
  const cluster = await startCluster({ car: fixture('chain', 'mainnet-h0-341.car'), epochMs: 0, followers: FOLLOWERS });
  try {
    await waitFor(async () => (await rpc(cluster.lbUrl, 'Filecoin.ChainHead')).body?.result?.Height === 341, 120_000, 'head 341');
    let n = 0;
    const request: autocannon.Request = { setupRequest: (req) => ({ ...req, body: bodies[n++ % bodies.length] }) };
    process.stdout.write(`bench:soak: probing capacity for ${PROBE_SECONDS} s (${CONNECTIONS} connections)…\n`);
    const probe = await autocannon({ url: cluster.lbUrl, connections: CONNECTIONS, duration: PROBE_SECONDS, method: 'POST', headers: { 'content-type': 'application/json' }, requests: [request] });
    const capacity = probe.requests.average;
    const rate = Math.max(1, Math.round(capacity * FRACTION));
    process.stdout.write(`bench:soak: capacity ${Math.round(capacity)} req/s (p99 ${probe.latency.p99} ms); soaking ${MINUTES} min at ${rate} req/s\n`);
    const names = [...rss(cluster).keys()];
    process.stdout.write(`| minute | requests | errors | p99 ms | ${names.map((x) => `${x} MB`).join(' | ')} |\n|${' --- |'.repeat(4 + names.length)}\n`);
    let lat: number[] = [];
    let errors = 0;
    let finish!: () => void;
    const done = new Promise<void>((r) => (finish = r));
    const inst = autocannon({ url: cluster.lbUrl, connections: CONNECTIONS, overallRate: rate, duration: MINUTES * 60, method: 'POST', headers: { 'content-type': 'application/json' }, requests: [request] }, () => finish());
    inst.on('response', (_c: unknown, status: number, _b: unknown, ms: number) => {
      lat.push(ms);
      if (status !== 200) errors++;
    });
    inst.on('reqError', () => errors++);
    const history: Array<Map<string, number>> = [];
    let minute = 0;
    const timer = setInterval(() => {
      minute++;
      const m = rss(cluster);
      history.push(m);
      process.stdout.write(`| ${minute} | ${lat.length} | ${errors} | ${p99(lat).toFixed(1)} | ${names.map((x) => (m.get(x) ?? 0).toFixed(0)).join(' | ')} |\n`);
      lat = [];
      errors = 0;
    }, 60_000);
    await done;
    clearInterval(timer);
    if (history.length >= 3) {
      // caches fill to their byte caps in the first minutes: growth is judged after that
      // warm-up (the first sixth of the run, at least minute 2), per process from its mean
      // over the minute after warm-up to its mean over the last three minutes
      const w = Math.max(1, Math.floor(history.length / 6));
      const mean = (xs: Array<Map<string, number>>, x: string): number => xs.reduce((a, m) => a + (m.get(x) ?? 0), 0) / xs.length;
      const growth = names.map((x) => [x, mean(history.slice(-3), x) / (mean([history[w]!], x) || 1) - 1] as const);
      const flat = growth.every(([x, g]) => x === 'postgres' || Math.abs(g) <= 0.1);
      process.stdout.write(
        `bench:soak: RSS from minute ${w + 1} (after warm-up) to the last 3 minutes: ${growth.map(([x, g]) => `${x} ${(g * 100).toFixed(1)} %`).join(', ')} — ` +
          `${flat ? 'flat (within ±10 %; postgres RSS counts shared buffers as pages are touched, not judged)' : 'NOT flat'}\n`,
      );
    }
  } finally {
    await cluster.stop();
  }
}

main().catch((e) => {
  process.stderr.write(`bench:soak: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
