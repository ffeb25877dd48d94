/**
 * Which test calls which JSON-RPC method: for every method of the registry (and its
 * aliases), the end-to-end test files (test/e2e/, the ones that call methods over
 * HTTP or WebSocket) that name it in a string. Prints the table, then the
 * methods no test calls. `npm test` runs it after the tests (CI prints it);
 * `npm run methods:tests -- ChainGetBlock` prints the tests of matching methods only.
 * Exit code 0 always: the list is information, not a gate.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REGISTRY } from '../api/methods.js';
import { projectPath } from '../common/paths.js';

function testFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) testFiles(p, out);
    else if (p.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

/** Method name → test files naming it (or one of its aliases) in a string literal. */
export function methodTests(): Map<string, string[]> {
  const files = testFiles(projectPath('test', 'e2e')).map((f) => ({ f: relative(projectPath('test'), f), text: readFileSync(f, 'utf8') }));
  const out = new Map<string, string[]>();
  for (const m of REGISTRY.methods) {
    const names = [m.name, ...(m.aliases ?? [])];
    const hits = files.filter(({ text }) => names.some((n) => new RegExp(`['"\`]${n.replace(/\./g, '\\.')}['"\`]`).test(text))).map(({ f }) => f);
    out.set(m.name, [...new Set([...(out.get(m.name) ?? []), ...hits])]);
  }
  return out;
}

const filter = process.argv[2];
const table = methodTests();
const rows = [...table].filter(([name]) => !filter || name.toLowerCase().includes(filter.toLowerCase()));
const width = Math.max(...rows.map(([n]) => n.length), 10);
process.stdout.write(`\nmethod → tests that call it (${rows.length} methods)\n`);
for (const [name, files] of rows) process.stdout.write(`  ${name.padEnd(width)}  ${files.length ? files.join(', ') : '-'}\n`);
const untested = rows.filter(([, f]) => f.length === 0).map(([n]) => n);
process.stdout.write(`\nmethods no test calls (${untested.length}): ${untested.length ? untested.join(', ') : 'none'}\n`);
