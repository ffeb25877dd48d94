/**
 * `npm run bench`: the benchmark suite in one run, every figure next to a baseline
 * measured in the same run (this machine is shared and noisy: compare ratios). Writes
 * `bench/report/<date>.md` and its plots (SVG) beside it, and prints a progress line
 * per step. Load comes from Vegeta (`scripts/vegeta.sh` installs it; k6 is not used,
 * see that script). Phases (BENCH_PHASES, comma-separated, default all):
 *   proxies      balancer vs nginx vs direct vs a fastify echo, 2 followers, real mainnet data
 *   propagation  head propagation delay, leader commit → every follower's ChainHead and ChainNotify
 *   scale        throughput with 1, 2, 4, 8 followers on one store (SYNTHETIC chain), capacity model
 *   import       snapshot import vs a raw bulk insert of the same rows (SYNTHETIC CAR)
 * Env: BENCH_ROUNDS (2), BENCH_SECONDS (capacity attacks, 8), BENCH_RATE_SECONDS (4),
 * BENCH_WORKERS (32), BENCH_RATES (100,200,400,800,1600), BENCH_OUT (bench/report),
 * BENCH_PROPAGATION_FOLLOWERS (8), BENCH_EPOCH_MS (200).
 * Run by hand, never in CI.
 */
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CarReplaySource } from '../leader/car-source.js';
import { fixture, projectPath } from '../common/paths.js';
import { rpc, startCluster, waitFor } from '../test/helpers/cluster.js';
import { vegetaBinary } from './lib/vegeta.js';
import { bodies, mixes } from './lib/mixes.js';
import { runProxies } from './cases/proxies.js';
import { runPropagation } from './cases/propagation.js';
import { Report } from './report.js';

const env = (k: string, d: string): string => process.env[k] ?? d;
const PHASES = new Set(env('BENCH_PHASES', 'proxies,propagation,scale,import').split(','));
const ROUNDS = Number(env('BENCH_ROUNDS', '2'));
const SECONDS = Number(env('BENCH_SECONDS', '8'));
const RATE_SECONDS = Number(env('BENCH_RATE_SECONDS', '4'));
const WORKERS = Number(env('BENCH_WORKERS', '32'));
const RATES = env('BENCH_RATES', '100,200,400,800,1600').split(',').map(Number);
const OUT = projectPath(env('BENCH_OUT', join('bench', 'report')));

const t0 = Date.now();
const progress = (line: string): void => {
  process.stdout.write(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
};

const date = new Date().toISOString().slice(0, 10);
mkdirSync(OUT, { recursive: true });
const report = new Report(OUT, date);
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: projectPath(), encoding: 'utf8' }).trim();
  if (execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: projectPath(), encoding: 'utf8' }).trim()) commit += ' (with uncommitted changes)';
} catch {
  /* not a git checkout */
}
const vegeta = vegetaBinary();
const vegetaVersion = execFileSync(vegeta, ['-version'], { encoding: 'utf8' }).split('\n')[0]!.trim();
report.header({
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, load average at start ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`,
  node: process.version,
  commit,
  load: `Vegeta ${vegetaVersion}`,
  settings: `rounds ${ROUNDS}, capacity attacks ${SECONDS} s with ${WORKERS} workers, rate points ${RATES.join('/')} req/s for ${RATE_SECONDS} s each`,
});

if (PHASES.has('proxies')) {
  const src = await CarReplaySource.open(fixture('chain', 'mainnet-h0-341.car'));
  const mix = mixes(src)[0]!;
  progress('proxies: starting embedded PostgreSQL, the leader replaying mainnet 0–341, 2 followers');
  const cluster = await startCluster({ epochMs: 0, followers: 2 });
  try {
    await waitFor(async () => (await rpc(cluster.lbUrl, 'Filecoin.ChainHead')).body?.result?.Height === 341, 180_000, 'head 341');
    const cases = await runProxies(cluster, { vegeta, bodies: bodies(mix), rounds: ROUNDS, capacitySeconds: SECONDS, rateSeconds: RATE_SECONDS, rates: RATES, workers: WORKERS, progress });
    await report.proxies(mix, cases);
    report.section(
      'eRPC and proxyd are not in this run: the Go module proxy reachable here refuses github.com/erpc/erpc ' +
        '(`go mod download github.com/erpc/erpc@v0.0.56`: 403 Forbidden, "This module version is not available"), so no same-run comparison with them is possible.\n',
    );
  } finally {
    await cluster.stop();
  }
}

if (PHASES.has('propagation')) {
  const p = await runPropagation({ followers: Number(env('BENCH_PROPAGATION_FOLLOWERS', '8')), epochMs: Number(env('BENCH_EPOCH_MS', '200')), progress });
  const q = await report.propagation(p, { p99: 100, max: 250 });
  progress(`propagation: p50 ${q.p50.toFixed(1)} ms, p99 ${q.p99.toFixed(1)} ms, max ${q.max.toFixed(1)} ms`);
}

for (const phase of ['scale', 'import']) {
  if (PHASES.has(phase)) report.section(`## ${phase}\n\nNot built yet: this phase is not in this version of the suite.\n`);
}

const file = report.write();
progress(`report written: ${file}`);
