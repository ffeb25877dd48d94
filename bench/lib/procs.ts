/**
 * Processes a benchmark starts by itself (a balancer over given followers, the echo
 * baseline): spawned from `dist/`, waited for on a URL, stopped by PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { projectPath } from '../../common/paths.js';

/** A process the benchmark started. */
export interface Started {
  url: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** Wait until `url` answers `ok` (any 2xx), or throw after `timeoutMs`. */
export async function waitHttp(url: string, timeoutMs: number, proc?: ChildProcess, ok: (status: number) => boolean = (s) => s < 300): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc && proc.exitCode !== null) throw new Error(`${url}: process exited ${proc.exitCode}`);
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      if (ok(r.status)) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stop a process the benchmark started: `signal`, then SIGKILL after 10 s; resolves when it has exited. */
export function stopProc(proc: ChildProcess, signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
  return new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill(signal);
    setTimeout(() => proc.kill('SIGKILL'), 10_000).unref();
  });
}

function stopper(proc: ChildProcess): () => Promise<void> {
  return () => stopProc(proc);
}

/** A single-process balancer (LB_WORKERS=1) on `port` over `followers` (base URLs). */
export async function startBalancer(port: number, followers: readonly string[], env: Record<string, string> = {}): Promise<Started> {
  const proc = spawn(process.execPath, [projectPath('dist', 'cli.js'), 'lb', '--lb-port', String(port), '--upstreams', followers.join(','), '--health-interval-ms', '1000'], {
    env: { ...process.env, LB_WORKERS: '1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(`${url}/health/readyz`, 30_000, proc).catch(async (e) => {
    await stopProc(proc);
    throw e;
  });
  return { url, proc, stop: stopper(proc) };
}

/** The bare fastify echo baseline on `port`. */
export async function startEcho(port: number): Promise<Started> {
  const proc = spawn(process.execPath, [projectPath('dist', 'bench', 'lib', 'echo-server.js'), String(port)], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(`${url}/health/livez`, 30_000, proc).catch(async (e) => {
    await stopProc(proc);
    throw e;
  });
  return { url, proc, stop: stopper(proc) };
}
