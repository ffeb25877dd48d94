/**
 * Bad input at the CLI and config entry points: clear errors, non-zero exit, no hang.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { projectPath } from '../../common/paths.js';
import { freePort } from '../helpers/cluster.js';

function cli(args: string[], env: Record<string, string> = {}): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [projectPath('dist', 'cli.js'), ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, LOG_LEVEL: 'error', ...env } });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

test('a malformed setting is refused naming the flag or variable', () => {
  const a = cli(['leader', '--epoch-ms', 'fast']);
  assert.equal(a.status, 1);
  assert.match(a.stderr, /config error: --epoch-ms: expected a non-negative integer, got "fast"/);
  const b = cli(['follower'], { HEAD_POLL_MS: '-5' });
  assert.equal(b.status, 1);
  assert.match(b.stderr, /HEAD_POLL_MS: expected a non-negative integer/);
  const c = cli(['lb', '--no-such-flag']);
  assert.notEqual(c.status, 0);
  assert.match(c.stderr, /unknown option '--no-such-flag'/);
});

test('an unreachable store: an error naming the URL with its password redacted, exit 1, no hang', async () => {
  const port = await freePort();
  const started = Date.now();
  const r = cli(['follower', '--store-url', `postgres://reader:s3cret@127.0.0.1:${port}/chain`]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`store postgres://reader:\\*\\*\\*@127\\.0\\.0\\.1:${port}/chain is unreachable`));
  assert.ok(!r.stderr.includes('s3cret'), 'password never printed');
  assert.ok(Date.now() - started < 25_000);
  const bad = cli(['follower', '--store-url', 'mysql://x@127.0.0.1/db']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /unsupported store URL scheme "mysql:"/);
});

test('config --markdown lists every setting with its default', () => {
  const r = cli(['config', '--markdown']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /\| `LB_PORT` \| `--lb-port` \| `1234` \|/);
  assert.match(r.stdout, /\| `STORE_URL`, `DATABASE_URL` \|/);
});
