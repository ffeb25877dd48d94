/**
 * Scratch directories for a test file: made under the OS temp dir as `filf-<name>-XXXXXX`
 * and removed when the test process exits (each test file is its own process), so a run
 * leaves nothing in /tmp (an embedded PostgreSQL data directory is ~70 MB).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
process.once('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A new empty directory `filf-<name>-XXXXXX`, removed at process exit. */
export function scratchDir(name: string): string {
  const d = mkdtempSync(join(tmpdir(), `filf-${name}-`));
  made.push(d);
  return d;
}
