/**
 * Log lines: JSON for collectors, pino-pretty's readable lines on a terminal
 * (`LOG_FORMAT=auto`) or when asked (`pretty`). Each format is checked on a real
 * process's stdout.
 */
import '../helpers/watchdog.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isPretty } from '../../common/logger.js';

const LOGGER = fileURLToPath(new URL('../../common/logger.js', import.meta.url));

/** What a process writes to stdout when it logs one line in `format` (stdout is a pipe). */
function logLine(format: string): string {
  const script = `import { createLogger } from ${JSON.stringify(LOGGER)}; createLogger('follower:1240', 'info', ${JSON.stringify(format)}).info({ height: 341 }, 'head moved');`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('json: one object per line with the name, message and fields', () => {
  const line = JSON.parse(logLine('json')) as Record<string, unknown>;
  assert.equal(line.msg, 'head moved');
  assert.equal(line.height, 341);
  assert.equal(line.name, 'follower:1240');
  assert.equal(line.level, 30);
});

test('pretty: a readable line, not JSON; auto on a pipe is JSON', () => {
  const out = logLine('pretty');
  assert.throws(() => JSON.parse(out));
  assert.match(out, /INFO.*\(follower:1240\): head moved/);
  assert.match(out, /height: 341/);
  assert.doesNotThrow(() => JSON.parse(logLine('auto')));
  assert.equal(isPretty('auto', true), true);
  assert.equal(isPretty('auto', false), false);
  assert.equal(isPretty('json', true), false);
});
