/**
 * The layering of the tree: data flows upstream → leader → store → follower →
 * balancer, and no module imports a higher layer (or a peer role's folder). Read from
 * the sources' own import statements; fails naming each offending import.
 */
import '../helpers/watchdog.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { projectPath } from '../../common/paths.js';

/** Lowest first. Folders in one layer are peers: they may not import each other. */
const LAYERS: string[][] = [
  ['common', 'types'], // process plumbing: config, logger, metrics, paths, progress
  ['chain'], // the Filecoin data model
  ['blockstore', 'migrations'],
  ['indexer', 'synth'], // the index; the SYNTHETIC chain writer (test data)
  ['store', 'rpc'], // the store factory; the JSON-RPC wire
  ['api'], // the method registry and handlers
  ['follower', 'leader', 'loadbalancer'], // the roles
  ['scripts', 'test'], // the cluster runner; tests and their helpers
  ['bench', 'cli.ts'],
];
const layerOf = (top: string): number => LAYERS.findIndex((l) => l.includes(top));

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (['node_modules', 'dist', '.git', '.data'].includes(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Every relative import of the project: [importing file, imported file], both relative to the root. */
function imports(): Array<[string, string]> {
  const root = projectPath();
  const out: Array<[string, string]> = [];
  for (const file of sources(root)) {
    const rel = relative(root, file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      out.push([rel, normalize(join(dirname(rel), m[1]!))]);
    }
  }
  return out;
}

/** The imports that break the layering, in words. */
function violations(all: Array<[string, string]>): string[] {
  const bad: string[] = [];
  for (const [from, to] of all) {
    const a = from.split('/')[0]!;
    const b = to.split('/')[0]!;
    if (a === b) continue;
    const la = layerOf(a);
    const lb = layerOf(b);
    if (la < 0 || lb < 0) bad.push(`${from} imports ${to} (folder ${la < 0 ? a : b} has no layer; add it to LAYERS)`);
    else if (lb > la) bad.push(`${from} imports ${to} (layer ${b} is above ${a})`);
    else if (lb === la && a !== 'test' && a !== 'scripts') bad.push(`${from} imports ${to} (peer folders ${a} and ${b})`);
  }
  return bad;
}

test('no module imports a higher layer or a peer folder', () => {
  const all = imports();
  assert.ok(all.length > 200, `read the imports of the tree (${all.length})`);
  assert.deepEqual(violations(all), []);
});

test('the check names an upward import, a peer import and an unknown folder', () => {
  assert.deepEqual(violations([
    ['chain/tipset.ts', 'follower/head-tracker.ts'],
    ['leader/main.ts', 'follower/main.ts'],
    ['api/chain.ts', 'rpc/errors.ts'],
    ['newdir/x.ts', 'chain/cid.ts'],
  ]), [
    'chain/tipset.ts imports follower/head-tracker.ts (layer follower is above chain)',
    'leader/main.ts imports follower/main.ts (peer folders leader and follower)',
    'newdir/x.ts imports chain/cid.ts (folder newdir has no layer; add it to LAYERS)',
  ]);
});
