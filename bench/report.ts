/**
 * The benchmark report: `bench/report/<date>.md` with its plots (`<date>-*.svg`) beside
 * it. Every figure is given with its ratio to the same-run baseline it is measured
 * against, and medians over the rounds.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Mix } from './lib/mixes.js';
import type { ProxyCase } from './cases/proxies.js';
import type { Propagation } from './cases/propagation.js';
import type { ImportRun } from './cases/import.js';
import type { ScalePoint } from './cases/scale.js';
import type { SynthChain } from './lib/synth-chain.js';
import { type Point, histogram, lineChart } from './lib/plot.js';

/** The q-quantile (0–1) of numbers, nearest rank. */
export const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
};

/** Median of numbers (the mean of the two middle ones for an even count: with 2 rounds, their mean). */
export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Format a number with `d` decimals. */
const f = (x: number, d = 0): string => (Number.isFinite(x) ? x.toFixed(d) : '–');

/** Collects sections and writes the Markdown file. */
export class Report {
  private readonly parts: string[] = [];
  /** Plot files written, by name (for the summary). */
  readonly plots: string[] = [];

  constructor(
    private readonly dir: string,
    private readonly date: string,
  ) {}

  /** The plot file `<date>-<name>.svg`'s path and its Markdown image line. */
  private plot(name: string): { path: string; md: string } {
    const file = `${this.date}-${name}.svg`;
    this.plots.push(file);
    return { path: join(this.dir, file), md: `![${name}](${file})` };
  }

  header(h: { machine: string; node: string; commit: string; load: string; settings: string }): void {
    this.parts.push(
      `# fil-follower benchmarks, ${this.date}\n\n` +
        `- machine: ${h.machine}\n- node: ${h.node}\n- commit: ${h.commit}\n- load generator: ${h.load}\n- settings: ${h.settings}\n` +
        `- every process runs on this one machine (load generator included); proxy figures are medians over the rounds (with 2 rounds, their mean); propagation, import and scale run once; ratios are to a baseline measured in the same run\n`,
    );
  }

  /** The proxy comparison: a table and the latency-vs-rate plot. */
  async proxies(mix: Mix, cases: ProxyCase[]): Promise<void> {
    const by = (name: string): ProxyCase => cases.find((c) => c.name === name || c.name.startsWith(`${name} `))!;
    const cap = (c: ProxyCase): number => median(c.rounds.map((r) => r.capacity.throughput));
    const cpu = (c: ProxyCase, k: 'proxy' | 'followers' | 'store'): number => median(c.rounds.map((r) => r.cpu[k]));
    const ngx = by('nginx');
    const direct = by('direct');
    const echo = by('fastify echo');
    const rows = cases.map((c) => {
      const low = c.rounds.map((r) => r.curve[0]!.r);
      return (
        `| ${c.name} | ${f(cap(c))} | ${f(cap(c) / cap(direct), 3)} | ${f(cap(c) / cap(echo), 3)} | ${f(median(low.map((r) => r.p50)), 2)} | ${f(median(low.map((r) => r.p99)), 2)} | ` +
        `${c === echo || c === direct ? '–' : f(cpu(c, 'proxy'), 3)} | ${c === echo || c === direct ? '–' : f(cpu(c, 'proxy') / cpu(ngx, 'proxy'), 2)} | ${c === echo ? '–' : f(cpu(c, 'followers'), 3)} |`
      );
    });
    const rate0 = cases[0]!.rounds[0]!.curve[0]!.rate;
    const points: Point[] = [];
    for (const c of cases) {
      for (const [i, { rate }] of c.rounds[0]!.curve.entries()) {
        const rs = c.rounds.map((r) => r.curve[i]!.r);
        // a rate the case could not sustain is listed below the plot (answers under 99.9 % 2xx)
        points.push({ x: rate, y: median(rs.map((r) => r.p99)), series: `${c.name} p99` });
      }
    }
    const p = this.plot('latency-vs-rate');
    await lineChart(p.path, { title: `p99 latency vs offered rate (${mix.name} mix)`, x: 'offered rate (req/s)', y: 'p99 (ms)', xLog: true, yLog: true }, points);
    const failed = cases.flatMap((c) => c.rounds.flatMap((r) => r.curve.filter((x) => x.r.success < 0.999).map((x) => `${c.name} at ${x.rate} req/s: ${(x.r.success * 100).toFixed(1)} % ok`)));
    this.parts.push(
      `## Proxies in front of the same 2 followers\n\n` +
        `Mix (${mix.name}): ${mix.what}. Real data: mainnet-h0-341.car. Capacity: closed loop; latency: open loop at ${rate0} req/s.\n\n` +
        `| case | req/s | ÷ direct | ÷ echo | p50 ms | p99 ms | proxy CPU ms/req | ÷ nginx | followers CPU ms/req |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n` +
        rows.join('\n') +
        `\n\n${p.md}\n\n` +
        (failed.length ? `Rates not sustained (answers below 99.9 % 2xx or not in time):\n${failed.map((x) => `- ${x}`).join('\n')}\n` : 'Every rate point had at least 99.9 % of its answers 2xx.\n'),
    );
  }

  /** Head propagation: per-follower quantiles, the whole distribution, and its plot. */
  async propagation(p: Propagation, target: { p99: number; max: number }): Promise<{ p50: number; p99: number; max: number }> {
    const all = p.delays.flat();
    const row = (name: string, xs: number[]): string => `| ${name} | ${xs.length} | ${f(quantile(xs, 0.5), 1)} | ${f(quantile(xs, 0.99), 1)} | ${f(Math.max(...xs), 1)} |`;
    const plot = this.plot('head-propagation');
    await histogram(plot.path, { title: `head propagation delay, ${p.followers} followers, ${p.epochMs} ms epochs`, x: 'leader ChainNotify → follower ChainNotify (ms)', binStep: 5 }, all.map((v) => ({ v: Math.min(v, 300), series: 'all followers (values over 300 ms drawn at 300)' })));
    const out = { p50: quantile(all, 0.5), p99: quantile(all, 0.99), max: Math.max(...all) };
    this.parts.push(
      `## Head propagation\n\n` +
        `${p.followers} followers, replay of mainnet 0–341 at ${p.epochMs} ms epochs. Delay from the leader's ChainNotify (published right after its commit) to each follower's ChainNotify; ` +
        `at each arrival the follower's ChainHead is read: ${p.headBehind} of ${p.headReads} reads were below the notified height (${p.headFailed} failed). Heights a follower never announced: ${p.missing}. ` +
        `Warm-up (heights ${p.warmup.from}–${p.warmup.to}, right after all ${p.followers} followers started on these cores; not in the figures below): longest delay ${f(p.warmup.maxMs, 1)} ms.\n\n` +
        `| follower | epochs | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|\n` +
        p.delays.map((d, i) => row(`#${i + 1}`, d)).join('\n') +
        `\n${row('**all**', all)}\n\n` +
        `Longest delays: ${p.worst.map((w) => `#${w.follower} at ${w.height}: ${f(w.ms, 1)} ms`).join(', ')}.\n\n` +
        `Target p99 ≤ ${target.p99} ms, max ≤ ${target.max} ms: ${out.p99 <= target.p99 && out.max <= target.max ? 'met' : '**not met**'}.\n\n${plot.md}\n`,
    );
    return out;
  }

  /** Import against raw bulk insert: table, rate over time and RSS over time. */
  async importRuns(synth: SynthChain, runs: ImportRun[]): Promise<void> {
    const raw = runs[0]!;
    // runs[2], when there: the raw insert of the index rows too (the same rows as the import writes)
    const rawAll = runs[2];
    const rate = (r: ImportRun): number => r.blocks / r.seconds;
    const blockRate = (r: ImportRun): number => r.blocks / r.blockSeconds;
    const rows = runs.map(
      (r) =>
        `| ${r.name} | ${f(r.seconds, 1)} | ${f(rate(r))} | ${f(rate(r) / rate(raw), 3)} | ${rawAll ? f(rate(r) / rate(rawAll), 3) : '–'} | ${f(blockRate(r))} | ${f(blockRate(r) / rate(raw), 3)} | ${r.samples.length > 0 ? f(Math.max(...r.samples.map((x) => x.rss))) : '–'} |`,
    );
    const ratePts: Point[] = [];
    const rssPts: Point[] = [];
    for (const r of runs) {
      for (let i = 1; i < r.samples.length; i++) {
        const a = r.samples[i - 1]!;
        const b = r.samples[i]!;
        ratePts.push({ x: b.t, y: (b.mb - a.mb) / Math.max(1e-3, b.t - a.t), series: r.name });
        rssPts.push({ x: b.t, y: b.rss, series: r.name });
      }
    }
    const pr = this.plot('import-rate');
    await lineChart(pr.path, { title: 'import rate over time (SYNTHETIC CAR)', x: 'seconds', y: 'block MB/s', points: false }, ratePts);
    const pm = this.plot('import-rss');
    await lineChart(pm.path, { title: 'RSS of the importing process over time', x: 'seconds', y: 'RSS (MB)', points: false }, rssPts);
    this.parts.push(
      `## Snapshot import\n\nSYNTHETIC mainnet-shaped CAR: ${f(synth.bytes / 2 ** 30, 2)} GiB, ${synth.blocks} blocks (${synth.headers} headers, ${synth.messages} messages), embedded PostgreSQL. ` +
        `Ratios are to raw bulk INSERTs in the same run: of the block rows (÷ raw), and of the block rows and the index rows the import wrote (÷ raw, index rows too: the same rows as the import; their INSERTs timed alone, reading them back is not counted). The import's whole time includes indexing every tipset and its messages; after its blocks phase the rate line drops to 0 while it indexes.\n\n` +
        `| path | seconds | blocks/s | ÷ raw | ÷ raw, index rows too | blocks/s, blocks phase | ÷ raw | peak RSS MB |\n|---|---:|---:|---:|---:|---:|---:|---:|\n${rows.join('\n')}\n\n${pr.md}\n\n${pm.md}\n`,
    );
  }

  /** The scale-out curve against the capacity model. */
  async scale(points: ScalePoint[], predict: (c: ScalePoint['cpu'], followers: number, cores: number, withGenerator: boolean) => number): Promise<void> {
    const base = points[0]!;
    const cores = (await import('node:os')).cpus().length;
    const rows = points.map((p) => {
      const model = predict(base.cpu, p.followers, cores, true);
      const own = predict(p.cpu, p.followers, cores, true);
      return `| ${p.followers} | ${f(p.throughput)} | ${f(p.throughput / base.throughput, 2)} | ${f(model)} | ${f(p.throughput / model, 2)} | ${f(own)} | ${f(p.throughput / own, 2)} | ${f(p.p99, 1)} | ${f(p.cpu.balancer * 1000)} | ${f(p.cpu.followers * 1000)} | ${f(p.cpu.store * 1000)} | ${f(p.cpu.generator * 1000)} |`;
    });
    const pts: Point[] = [];
    for (const p of points) {
      pts.push({ x: p.followers, y: p.throughput, series: `measured, ${cores} cores` });
      pts.push({ x: p.followers, y: predict(base.cpu, p.followers, cores, true), series: `model, ${cores} cores (with the load generator)` });
    }
    const more = [8, 16, 32];
    for (const c of more) for (const n of [1, 2, 4, 8, 16]) pts.push({ x: n, y: predict(base.cpu, n, c, false), series: `model, ${c} cores` });
    const pl = this.plot('scale-out');
    await lineChart(pl.path, { title: 'throughput vs followers on one store (SYNTHETIC chain)', x: 'followers', y: 'req/s', xLog: true, dashed: [`model, ${cores} cores (with the load generator)`, ...more.map((c) => `model, ${c} cores`)] }, pts);
    const c = base.cpu;
    const sat = 1000 / c.store;
    this.parts.push(
      `## Scale-out\n\nFollowers on one embedded PostgreSQL holding the SYNTHETIC chain, one single-process balancer, closed loop. Mix: ChainGetBlock over every header, ChainGetMessage over sampled messages, ChainGetTipSetByHeight over every height (a third each); follower caches 16 MiB each, so most reads reach the store. ` +
        `CPU µs per request by role (measured per point); the model is given twice: from the 1-follower point's costs only (a prediction), and from each point's own costs (how much of the point the CPU sum explains):\n\n` +
        `X(N, C) = min(C / Σ c_role, N / c_follower, 1 / c_balancer) × 1000 req/s, with c in ms per request.\n\n` +
        `| followers | req/s | ÷ 1 follower | model (1-follower costs) | measured ÷ model | model (this point's costs) | measured ÷ model | p99 ms | balancer µs/req | followers µs/req | PostgreSQL µs/req | load generator µs/req |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n${rows.join('\n')}\n\n` +
        `With the load generator elsewhere, the model gives ${more.map((k) => `${f(predict(c, 8, k, false))} req/s with 8 followers on ${k} cores`).join(', ')}; ` +
        `the single balancer process caps it at ${f(1000 / c.balancer)} req/s (LB_WORKERS raises that cap), and PostgreSQL alone would need one core per ${f(sat)} req/s.\n\n${pl.md}\n`,
    );
  }

  /** Add a prepared section. */
  section(md: string): void {
    this.parts.push(md);
  }

  /** Write the Markdown; returns its path. */
  write(): string {
    const file = join(this.dir, `${this.date}.md`);
    writeFileSync(file, this.parts.join('\n'));
    return file;
  }
}
