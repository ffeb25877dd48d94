/**
 * The Rust reference (tools/ipld-ref: the published fvm_ipld_kamt / fvm_ipld_hamt
 * crates), built once with cargo into .data/cargo-target and run on JSON cases.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { projectPath } from '../../common/paths.js';

/** Output per case: root CID string and every block by CID string (hex). */
export interface RefResult {
  root: string;
  blocks: Record<string, string>;
}

/**
 * Build (when needed) and run the reference on the cases.
 * @throws Error with cargo's output when cargo is missing or the build fails.
 */
export function runIpldRef(input: { kamt: Array<Array<[string, string]>>; hamt: Array<Array<[string, string]>> }): { kamt: RefResult[]; hamt: RefResult[] } {
  const target = projectPath('.data', 'cargo-target');
  const bin = `${target}/release/ipld-ref`;
  const build = spawnSync('cargo', ['build', '--release', '--locked', '--quiet', '--manifest-path', projectPath('tools', 'ipld-ref', 'Cargo.toml')], {
    env: { ...process.env, CARGO_TARGET_DIR: target },
    encoding: 'utf8',
    timeout: 20 * 60_000,
  });
  if (build.error || build.status !== 0 || !existsSync(bin)) throw new Error(`building tools/ipld-ref failed: ${build.error?.message ?? ''}${build.stderr ?? ''}`);
  return JSON.parse(execFileSync(bin, { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 256 << 20 })) as { kamt: RefResult[]; hamt: RefResult[] };
}
