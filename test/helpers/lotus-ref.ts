/**
 * The Go reference (tools/lotus-ref: Lotus v1.35.0's own actor-state readers and API
 * types, pure Go), built once with tools/lotus-ref/build.sh into .data/lotus-ref and
 * run on a CAR and a state root. Both run as child processes without blocking the
 * event loop (a cold build takes minutes; in-process followers keep serving).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { projectPath } from '../../common/paths.js';

/** One answer: Lotus's result JSON, or its error text. */
export type RefAnswer = { result: unknown } | { error: string };

let built: Promise<string> | null = null;

/** Run a command to completion: its stdout, or a rejection with its stderr. */
function run(cmd: string, args: string[], input?: string, timeoutMs = 20 * 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    p.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${Buffer.concat(err).toString('utf8').slice(-4000)}`));
    });
    p.stdin.end(input ?? '');
  });
}

/**
 * Build the reference (once per process).
 * @throws Error with go's output when the build fails (Go missing, no module proxy).
 */
export function buildLotusRef(): Promise<string> {
  built ??= run('bash', [projectPath('tools', 'lotus-ref', 'build.sh')]).then(() => {
    const bin = projectPath('.data', 'lotus-ref', 'lotus-ref');
    if (!existsSync(bin)) throw new Error(`building tools/lotus-ref wrote no ${bin}`);
    return bin;
  });
  return built;
}

/**
 * Answer `queries` (`{method, params}`; params without the tipset key, heights where Lotus reads ts.Height())
 * with Lotus's code on `car` at `stateRoot` (`testnet`: calibnet's build; `devnet`: a 2k devnet with the mainnet bundle).
 */
export async function lotusRef(car: string, stateRoot: string, queries: Array<{ method: string; params: unknown[] }>, opts: { testnet?: boolean; devnet?: boolean } = {}): Promise<RefAnswer[]> {
  const bin = await buildLotusRef();
  const args = [...(opts.testnet ? ['--testnet'] : []), ...(opts.devnet ? ['--devnet'] : []), car, stateRoot];
  return JSON.parse(await run(bin, args, JSON.stringify(queries), 5 * 60_000)) as RefAnswer[];
}
