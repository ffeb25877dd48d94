/**
 * Running the project's docker-compose.yml from a test: a project of its own (named by
 * the test's PID), its environment, and the balancer's view of the followers through the
 * published port.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fixturesDir, projectPath } from '../../common/paths.js';
import { freePort } from './cluster.js';

/**
 * Run a command to its exit, stdin closed: resolves its stdout. (execFile waits for its
 * pipes to close, and under the test runner docker-compose's helpers may keep them open.)
 * @throws Error with the end of its stderr when it exits non-zero.
 */
export function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve({ stdout: out }) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.slice(-2000)}`))));
  });
}

/** Whether the named images exist in the local engine. */
export function haveImages(...images: string[]): boolean {
  return spawnSync('docker', ['image', 'inspect', ...images], { stdio: 'ignore' }).status === 0;
}

/** One follower as the balancer's /health/readyz lists it. */
export interface ReadyUpstream {
  url: string;
  ready: boolean;
  height: number;
}

/** A compose project of the test's own. */
export class ComposeProject {
  readonly name: string;
  /**
   * @param env the environment docker-compose runs with (LB_PORT, EPOCH_MS, FIXTURES_DIR…)
   * @param lbPort the published balancer port (LB_PORT)
   * @param envFile an `--env-file` (instead of the project's .env), e.g. docker/cassandra.env
   */
  constructor(readonly env: NodeJS.ProcessEnv, readonly lbPort: number, tag: string, readonly envFile?: string) {
    this.name = `filf${tag}${process.pid}`;
  }
  /**
   * A project on a free balancer port, with FIXTURES_DIR and LOG_LEVEL=warn besides `env`.
   * @param tag a word in the project's name; @param envFile as for the constructor
   */
  static async create(tag: string, env: NodeJS.ProcessEnv, envFile?: string): Promise<ComposeProject> {
    const lbPort = await freePort();
    return new ComposeProject({ ...process.env, LB_PORT: String(lbPort), FIXTURES_DIR: fixturesDir(), LOG_LEVEL: 'warn', ...env }, lbPort, tag, envFile);
  }
  /** The balancer's `/rpc/v1` URL on the published port. */
  get lbUrl(): string {
    return `http://127.0.0.1:${this.lbPort}/rpc/v1`;
  }
  /** `docker-compose -p NAME -f docker-compose.yml [--env-file F] ARGS…`. */
  compose(...args: string[]): Promise<{ stdout: string }> {
    const file = ['-f', projectPath('docker-compose.yml'), ...(this.envFile ? ['--env-file', this.envFile] : [])];
    return run('docker-compose', ['-p', this.name, ...file, ...args], { env: this.env });
  }
  /** The container name of replica `i` of `service` (docker-compose v1 naming). */
  container(service: string, i = 1): string {
    return `${this.name}_${service}_${i}`;
  }
  /** The balancer's followers; [] while it does not answer (docker-proxy holds a connection before it listens: hence the timeout). */
  async ready(): Promise<ReadyUpstream[]> {
    const r = await fetch(`http://127.0.0.1:${this.lbPort}/health/readyz`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
    return r ? (((await r.json().catch(() => ({}))) as { upstreams?: ReadyUpstream[] }).upstreams ?? []) : [];
  }
  /** Every container, network and volume of the project still there (all empty after `down -v`). */
  async leftovers(): Promise<{ containers: string; networks: string; volumes: string }> {
    const f = `label=com.docker.compose.project=${this.name}`;
    const q = async (...a: string[]) => (await run('docker', [...a, '-q', '--filter', f])).stdout.trim();
    return { containers: await q('ps', '-a'), networks: await q('network', 'ls'), volumes: await q('volume', 'ls') };
  }
  /**
   * The last `tail` lines of each service's logs, written to stdout as TAP comments (`# `):
   * what a failed compose test needs to be understood from a CI log. Never throws.
   */
  async dumpLogs(services: string[], tail = 60): Promise<void> {
    for (const s of services) {
      const out = await this.compose('logs', '--no-color', '--tail', String(tail), s).then((r) => r.stdout, (e: Error) => e.message);
      process.stdout.write(out.split('\n').map((l) => `# [${s}] ${l}`).join('\n') + '\n');
    }
  }
}
