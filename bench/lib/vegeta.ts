/**
 * Drives Vegeta (github.com/tsenart/vegeta, MIT; installed by `scripts/vegeta.sh`) for
 * the benchmarks: an attack over a list of JSON-RPC bodies, either at a constant arrival
 * rate (open loop: requests start on schedule whether or not earlier ones answered) or
 * closed loop (`rate: 0`, a fixed number of workers, each sending when its last answered:
 * capacity). The result is Vegeta's JSON report, latencies converted to ms.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectPath } from '../../common/paths.js';

/** One attack's figures. Latencies in ms; `throughput` = successful requests per second. */
export interface AttackResult {
  requests: number;
  /** Offered rate (req/s; for a closed loop, what the workers achieved). */
  rate: number;
  /** Successful (2xx) requests per second over the attack's wall time. */
  throughput: number;
  /** Fraction of requests answered 2xx (0–1). */
  success: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  statusCodes: Record<string, number>;
  errors: string[];
}

/** The Vegeta binary: VEGETA_BIN, else the one `scripts/vegeta.sh` caches (building it when missing). */
export function vegetaBinary(): string {
  return execFileSync('bash', [projectPath('scripts', 'vegeta.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/**
 * A targets file (Vegeta's JSON format) POSTing each body in turn to `url`, or body i to
 * `url[i % url.length]` (a client alternating between servers); returns its path.
 */
export function writeTargets(url: string | readonly string[], bodies: readonly string[]): string {
  const urls = typeof url === 'string' ? [url] : url;
  const dir = mkdtempSync(join(tmpdir(), 'filf-vegeta-'));
  const file = join(dir, 'targets.jsonl');
  const header = { 'Content-Type': ['application/json'] };
  writeFileSync(file, bodies.map((b, i) => JSON.stringify({ method: 'POST', url: urls[i % urls.length], body: Buffer.from(b).toString('base64'), header })).join('\n') + '\n');
  return file;
}

/** Remove a targets file's directory. */
export function removeTargets(file: string): void {
  rmSync(join(file, '..'), { recursive: true, force: true });
}

/**
 * Attack: `rate` req/s for `seconds` (open loop), or with `rate: 0` a closed loop of
 * `workers` workers. Targets are sent in file order, round and round.
 * @throws when Vegeta exits non-zero
 */
export async function attack(bin: string, targets: string, o: { rate: number; seconds: number; workers?: number; timeoutSeconds?: number }): Promise<AttackResult> {
  const args = ['attack', '-format=json', `-targets=${targets}`, `-duration=${o.seconds}s`, `-timeout=${o.timeoutSeconds ?? 10}s`, '-http2=false'];
  if (o.rate === 0) args.push('-rate=0', `-workers=${o.workers ?? 32}`, `-max-workers=${o.workers ?? 32}`);
  else args.push(`-rate=${o.rate}/1s`, `-workers=${o.workers ?? 16}`);
  const report = await new Promise<string>((resolve, reject) => {
    const a = spawn(bin, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const r = spawn(bin, ['report', '-type=json'], { stdio: ['pipe', 'pipe', 'inherit'] });
    a.stdout.pipe(r.stdin);
    let out = '';
    r.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    a.on('exit', (code) => {
      if (code !== 0) reject(new Error(`vegeta attack exited ${code}`));
    });
    r.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`vegeta report exited ${code}`))));
  });
  const j = JSON.parse(report) as {
    requests: number; rate: number; throughput: number; success: number;
    latencies: { '50th': number; '90th': number; '99th': number; max: number; mean: number };
    status_codes: Record<string, number>; errors: string[] | null;
  };
  const ms = (ns: number): number => ns / 1e6;
  return {
    requests: j.requests, rate: j.rate, throughput: j.throughput, success: j.success,
    p50: ms(j.latencies['50th']), p90: ms(j.latencies['90th']), p99: ms(j.latencies['99th']), max: ms(j.latencies.max), mean: ms(j.latencies.mean),
    statusCodes: j.status_codes, errors: j.errors ?? [],
  };
}
