/**
 * The Go reference (tools/lotus-ref: Lotus v1.35.0's own actor-state readers and API
 * types, pure Go), built once with tools/lotus-ref/build.sh into .data/lotus-ref and
 * run on a CAR and a state root.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { projectPath } from '../../common/paths.js';

/** One answer: Lotus's result JSON, or its error text. */
export type RefAnswer = { result: unknown } | { error: string };

let built: string | null = null;

/**
 * Answer `queries` (`{method, params}`; params without the tipset key, heights where Lotus reads ts.Height())
 * with Lotus's code on `car` at `stateRoot` (`testnet`: calibnet's build; `devnet`: a 2k devnet with the mainnet bundle).
 * @throws Error with go's output when the build fails (Go missing, no module proxy).
 */
export function lotusRef(car: string, stateRoot: string, queries: Array<{ method: string; params: unknown[] }>, opts: { testnet?: boolean; devnet?: boolean } = {}): RefAnswer[] {
  if (!built) {
    const r = spawnSync('bash', [projectPath('tools', 'lotus-ref', 'build.sh')], { encoding: 'utf8', timeout: 20 * 60_000 });
    const bin = projectPath('.data', 'lotus-ref', 'lotus-ref');
    if (r.error || r.status !== 0 || !existsSync(bin)) throw new Error(`building tools/lotus-ref failed: ${r.error?.message ?? ''}${r.stderr ?? ''}`);
    built = bin;
  }
  const args = [...(opts.testnet ? ['--testnet'] : []), ...(opts.devnet ? ['--devnet'] : []), car, stateRoot];
  return JSON.parse(execFileSync(built, args, { input: JSON.stringify(queries), encoding: 'utf8', maxBuffer: 256 << 20 })) as RefAnswer[];
}
