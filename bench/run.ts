/**
 * `npm run bench`: the benchmark suite in one run, every figure next to a baseline
 * measured in the same run (this machine is shared and noisy: compare ratios). Writes
 * `bench/report/<date>.md` and its plots (SVG) beside it, and prints a progress line
 * per step. Load comes from Vegeta (`scripts/vegeta.sh` installs it; k6 is not used,
 * see that script). Phases (BENCH_PHASES, comma-separated, default all):
 *   proxies      balancer vs nginx vs direct vs a fastify echo, 2 followers, real mainnet data
 *   propagation  head propagation delay, leader commit → every follower's ChainHead and ChainNotify
 *   import       snapshot import vs a raw bulk insert of the same rows (SYNTHETIC CAR, ~1.1 GB)
 *   scale        throughput with 1, 2, 4, 8 followers on one store (the SYNTHETIC chain), capacity model
 * The SYNTHETIC chain (BENCH_SYNTH_EPOCHS 4500 × 5 blocks × 150 messages) is written once to
 * `.data/bench/` and reused.
 * Env: BENCH_ROUNDS (2), BENCH_SECONDS (capacity attacks, 8), BENCH_RATE_SECONDS (4),
 * BENCH_WORKERS (32), BENCH_RATES (100,200,400,800,1600), BENCH_OUT (bench/report),
 * BENCH_PROPAGATION_FOLLOWERS (8), BENCH_EPOCH_MS (200), BENCH_WARMUP_EPOCHS (20),
 * BENCH_SYNTH_EPOCHS (4500), BENCH_SCALE_FOLLOWERS (1,2,4,8).
 * Run by hand, never in CI.
 */
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CarReplaySource } from '../leader/car-source.js';
import { fixture, projectPath } from '../common/paths.js';
import { rpc, startCluster, waitFor } from '../test/helpers/cluster.js';
import { vegetaBinary } from './lib/vegeta.js';
import { bodies, mixes } from './lib/mixes.js';
import { runProxies } from './cases/proxies.js';
import { runPropagation } from './cases/propagation.js';
import { type ImportRun, oursImport, rawIndexRows, rawInsert } from './cases/import.js';
import { predict, runScale } from './cases/scale.js';
import { type SynthChain, writeSynthChain } from './lib/synth-chain.js';
import { startEmbeddedPostgres } from '../store/embedded-postgres.js';
import { openStore } from '../store/open.js';
import { importCar } from '../leader/import.js';
import { silentLogger } from '../common/logger.js';
import { freePort } from '../test/helpers/cluster.js';
import { Report } from './report.js';
import { loadConfig } from '../common/config.js';
import { rerunWithV8Flag } from '../common/runtime.js';

const env = (k: string, d: string): string => process.env[k] ?? d;
const PHASES = new Set(env('BENCH_PHASES', 'proxies,propagation,scale,import').split(','));
const ROUNDS = Number(env('BENCH_ROUNDS', '2'));
const SECONDS = Number(env('BENCH_SECONDS', '8'));
const RATE_SECONDS = Number(env('BENCH_RATE_SECONDS', '4'));
const WORKERS = Number(env('BENCH_WORKERS', '32'));
const RATES = env('BENCH_RATES', '100,200,400,800,1600').split(',').map(Number);
const OUT = resolve(projectPath(), env('BENCH_OUT', join('bench', 'report')));
// the import runs in this process: with the young generation `fil-follower import` gives
// itself (IMPORT_SEMI_SPACE_MB), so this process starts again with that flag
const rerun = PHASES.has('import') && rerunWithV8Flag('max-semi-space-size', loadConfig('import', {}).importSemiSpaceMb);
if (rerun) await rerun;

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
// a `go install` build carries no version string: the pinned version is the cache directory's name
const vegetaVersion = /\/vegeta\/(v[^/]+)\/vegeta$/.exec(vegeta)?.[1] ?? execFileSync(vegeta, ['-version'], { encoding: 'utf8' }).split('\n')[0]!.trim();
report.header({
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, load average at start ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`,
  node: `${process.version}${process.execArgv.length ? ` (${process.execArgv.join(' ')}${PHASES.has('import') ? ': the import runs in this process, as `fil-follower import` runs itself, IMPORT_SEMI_SPACE_MB' : ''})` : ''}`,
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
  const p = await runPropagation({ followers: Number(env('BENCH_PROPAGATION_FOLLOWERS', '8')), epochMs: Number(env('BENCH_EPOCH_MS', '200')), warmupEpochs: Number(env('BENCH_WARMUP_EPOCHS', '20')), progress });
  const q = await report.propagation(p, { p99: 100, max: 250 });
  progress(`propagation: p50 ${q.p50.toFixed(1)} ms, p99 ${q.p99.toFixed(1)} ms, max ${q.max.toFixed(1)} ms`);
}

if (PHASES.has('import') || PHASES.has('scale')) {
  const shape = { epochs: Number(env('BENCH_SYNTH_EPOCHS', '4500')), blocksPerTipset: 5, messagesPerBlock: 150 };
  const dir = projectPath('.data', 'bench');
  mkdirSync(dir, { recursive: true });
  const car = join(dir, `synth-${shape.epochs}x${shape.blocksPerTipset}x${shape.messagesPerBlock}.car`);
  const samplePath = `${car}.sample.json`;
  let synth: SynthChain;
  if (existsSync(car) && existsSync(samplePath)) {
    synth = JSON.parse(readFileSync(samplePath, 'utf8')) as SynthChain;
    progress(`SYNTHETIC chain: ${car} (cached, ${(synth.bytes / 2 ** 30).toFixed(2)} GiB)`);
  } else {
    progress(`SYNTHETIC chain: writing ${shape.epochs} epochs × ${shape.blocksPerTipset} blocks × ${shape.messagesPerBlock} messages to ${car}`);
    synth = await writeSynthChain(`${car}.tmp`, shape, progress);
    renameSync(`${car}.tmp`, car);
    synth.path = car;
    writeFileSync(samplePath, JSON.stringify(synth));
  }
  progress('starting embedded PostgreSQL for the SYNTHETIC chain');
  const pgPort = await freePort();
  const pgRoot = mkdtempSync(join(tmpdir(), 'filf-bench-'));
  const pgh = await startEmbeddedPostgres({ dataDir: join(pgRoot, 'pg'), port: pgPort, log: silentLogger() });
  const store = await openStore(pgh.url, { migrate: true });
  try {
    const runs: ImportRun[] = [];
    if (PHASES.has('import')) {
      progress(`import: raw bulk INSERT of ${synth.blocks} rows (${(synth.bytes / 2 ** 30).toFixed(2)} GiB CAR)`);
      runs.push(await rawInsert(pgh.url, car));
      progress(`import: raw ${runs[0]!.seconds.toFixed(1)} s; fil-follower import…`);
      runs.push(await oursImport(store, pgh.url, car));
      progress(`import: ours ${runs[1]!.seconds.toFixed(1)} s (blocks phase ${runs[1]!.blockSeconds.toFixed(1)} s); raw bulk INSERT of the index rows it wrote…`);
      const idx = await rawIndexRows(pgh.url);
      runs.push({ ...runs[0]!, name: `raw bulk INSERT of the same rows, index rows too (+ ${idx.rows} tipsets and tipset_messages rows)`, seconds: runs[0]!.seconds + idx.seconds, samples: [] });
      progress(`import: raw index rows ${idx.seconds.toFixed(1)} s`);
      await report.importRuns(synth, runs);
    } else {
      await importCar(car, store, silentLogger(), { progress: false });
    }
    if (PHASES.has('scale')) {
      const mix = scaleMix(synth, shape.epochs);
      const counts = env('BENCH_SCALE_FOLLOWERS', '1,2,4,8').split(',').map(Number);
      const points = await runScale({ vegeta, storeUrl: pgh.url, bodies: mix, counts, seconds: SECONDS, workers: WORKERS, progress });
      await report.scale(points, predict);
    }
  } finally {
    await store.close();
    await pgh.stop();
    // the store of the SYNTHETIC chain (several GB): gone with the run
    rmSync(pgRoot, { recursive: true, force: true });
  }
}

/** The scale mix over the SYNTHETIC chain: blocks, messages and tipsets by height, in a fixed shuffled order. */
function scaleMix(synth: SynthChain, epochs: number): string[] {
  const out: string[] = [];
  const n = Math.max(synth.sample.headers.length, synth.sample.messages.length);
  for (let i = 0; i < n; i++) {
    const h = synth.sample.headers[i % synth.sample.headers.length]!;
    const m = synth.sample.messages[i % synth.sample.messages.length]!;
    out.push(JSON.stringify({ jsonrpc: '2.0', id: out.length, method: 'Filecoin.ChainGetBlock', params: [{ '/': h }] }));
    out.push(JSON.stringify({ jsonrpc: '2.0', id: out.length, method: 'Filecoin.ChainGetMessage', params: [{ '/': m }] }));
    out.push(JSON.stringify({ jsonrpc: '2.0', id: out.length, method: 'Filecoin.ChainGetTipSetByHeight', params: [(i * 7919) % epochs, null] }));
  }
  // xorshift shuffle, fixed seed
  let x = 0x1234567;
  for (let i = out.length - 1; i > 0; i--) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const file = report.write();
progress(`report written: ${file}`);
