/**
 * Paths relative to the project root (the folder holding package.json), so that
 * the CLI works from any working directory and from `dist/`.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'migrations'))) return dir;
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

/** Absolute path of the project root. */
export const PROJECT_ROOT = findRoot();

/** Join path segments under the project root. */
export function projectPath(...parts: string[]): string {
  return join(PROJECT_ROOT, ...parts);
}

/** Resolve a user-given path: absolute as is, relative to the project root otherwise. */
export function resolveFromRoot(p: string): string {
  return isAbsolute(p) ? p : resolve(PROJECT_ROOT, p);
}

/** The real-data fixtures folder: FIXTURES_DIR, default `../shared/data` beside the project. */
export function fixturesDir(): string {
  return resolveFromRoot(process.env.FIXTURES_DIR ?? '../shared/data');
}

/** A fixture file's path. */
export function fixture(...parts: string[]): string {
  return join(fixturesDir(), ...parts);
}
