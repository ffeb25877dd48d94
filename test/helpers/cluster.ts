/**
 * Test harness: runs the cluster the way `npm start` runs it (`node dist/cli.js
 * start`), on free loopback ports, with its own embedded PostgreSQL data directory,
 * and stops it by PID.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectPath } from '../../common/paths.js';
import { descendants } from './procs.js';

/** A free TCP port on 127.0.0.1 (and the `n - 1` after it, checked free too). */
export async function freePort(n = 1): Promise<number> {
  for (;;) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      ok = await new Promise<boolean>((resolve) => {
        const s = createServer();
        s.once('error', () => resolve(false));
        s.listen(base + i, '127.0.0.1', () => s.close(() => resolve(true)));
      });
    }
    if (ok) return base;
  }
}

/** JSON-RPC POST helper: returns HTTP status and parsed body. */
export async function rpc(url: string, method: string, params: unknown[] = [], id: number | string = 1): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id, method, params }) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** POST a raw body. */
export async function post(url: string, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, text: await res.text() };
}

/** A running cluster started by the test. */
export interface TestCluster {
  proc: ChildProcess;
  lbUrl: string;
  lbWsUrl: string;
  followerUrls: string[];
  leaderUrl: string;
  pgPort: number;
  pgDir: string;
  output: () => string;
  stop(): Promise<number | null>;
}

/**
 * Start `fil-follower start` with the given extra flags. Resolves once the balancer
 * answers. A start that dies early is retried once on fresh ports (a port picked as
 * free can be taken by another process before the child binds it); the first
 * failure's output is printed.
 */
/** SIGKILL a process group (a child spawned with `detached: true` leads its own). */
export function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** Options of {@link startCluster}. */
export interface ClusterOptions {
  followers?: number;
  epochMs?: number;
  car?: string;
  pgDir?: string;
  /** Extra flags for `fil-follower start`. */
  extra?: string[];
  /** Extra environment (secrets travel here, never on argv). */
  env?: Record<string, string>;
}

export async function startCluster(opts: ClusterOptions = {}): Promise<TestCluster> {
  try {
    return await startClusterOnce(opts);
  } catch (e) {
    process.stderr.write(`startCluster: first attempt failed, retrying on fresh ports:\n${(e as Error).message.slice(-3000)}\n`);
    return startClusterOnce({ ...opts, pgDir: undefined });
  }
}

async function startClusterOnce(opts: ClusterOptions = {}): Promise<TestCluster> {
  const lbPort = await freePort();
  const leaderPort = await freePort();
  const followers = opts.followers ?? 2;
  const followerPort = await freePort(followers);
  const pgPort = await freePort();
  const pgDir = opts.pgDir ?? mkdtempSync(join(tmpdir(), 'filf-pg-'));
  /** The PostgreSQL data directory this helper made goes with the cluster (one a test named stays). */
  const removeOwnPgDir = (): void => {
    if (opts.pgDir === undefined) rmSync(pgDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };
  const args = [
    projectPath('dist', 'cli.js'), 'start',
    '--lb-port', String(lbPort), '--leader-port', String(leaderPort), '--port', String(followerPort),
    '--followers', String(followers), '--epoch-ms', String(opts.epochMs ?? 0),
    '--embedded-pg-dir', pgDir, '--embedded-pg-port', String(pgPort),
    '--head-poll-ms', '500', '--health-interval-ms', '250',
    ...(opts.car ? ['--car', opts.car] : []),
    ...(opts.extra ?? []),
  ];
  // the store is the cluster's own embedded PostgreSQL unless the test names one in opts.env
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn' };
  delete env.STORE_URL;
  delete env.DATABASE_URL;
  Object.assign(env, opts.env);
  // its own process group: a stop that has to force it takes its children (leader,
  // followers, balancer, PostgreSQL) down with it instead of leaving them reparented
  const proc = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const lbUrl = `http://127.0.0.1:${lbPort}/rpc/v1`;
  const cluster: TestCluster = {
    proc,
    lbUrl,
    lbWsUrl: `ws://127.0.0.1:${lbPort}/rpc/v1`,
    followerUrls: Array.from({ length: followers }, (_, i) => `http://127.0.0.1:${followerPort + i}`),
    leaderUrl: `ws://127.0.0.1:${leaderPort}/rpc/v1`,
    pgPort,
    pgDir,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) {
          removeOwnPgDir();
          return resolve(proc.exitCode);
        }
        proc.once('exit', (code) => {
          // whatever of the group is still there (a child that ignored SIGTERM) goes too
          killGroup(proc.pid!);
          removeOwnPgDir();
          resolve(code);
        });
        proc.kill('SIGINT');
        setTimeout(() => killGroup(proc.pid!), 20_000).unref();
      }),
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      removeOwnPgDir();
      throw new Error(`cluster exited early (${proc.exitCode}):\n${out}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${lbPort}/health/livez`);
      if (res.ok) return cluster;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await cluster.stop();
  throw new Error(`cluster did not come up:\n${out}`);
}

/** Poll `fn` every 200 ms until it returns a truthy value (returned) or `timeoutMs` passes (throws, naming `what`). */
export async function waitFor<T>(fn: () => Promise<T>, timeoutMs: number, what: string): Promise<Exclude<T, undefined | null | false | 0 | ''>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v as Exclude<T, undefined | null | false | 0 | ''>;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/** A role process under a running `start`: its PID and its argv (read from /proc). */
export interface RoleProcess {
  pid: number;
  argv: string[];
}

/** The processes of one role (`leader`, `follower`, `lb`) `start` runs now, in PID order. */
export function rolePids(cluster: TestCluster, role: 'leader' | 'follower' | 'lb'): RoleProcess[] {
  const out: RoleProcess[] = [];
  for (const pid of descendants(cluster.proc.pid!)) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (argv.some((a) => a.endsWith('cli.js')) && argv.at(-1) === role) out.push({ pid, argv });
    } catch {
      /* exited meanwhile */
    }
  }
  return out.sort((a, b) => a.pid - b.pid);
}
