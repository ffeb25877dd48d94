/**
 * Bad input at the CLI and config entry points: clear errors, non-zero exit, no hang.
 */
import '../helpers/watchdog.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { projectPath } from '../../common/paths.js';
import { freePort } from '../helpers/cluster.js';
import { scratchDir } from '../helpers/tmp.js';

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

test('migrate --dialect yugabyte --dry-run prints the YSQL schema with sharding clauses; cql too; no database needed', () => {
  const y = cli(['migrate', '--dialect', 'yugabyte', '--dry-run']);
  assert.equal(y.status, 0, y.stderr);
  for (const m of ['-- migration 001_init (yugabyte)', '-- migration 002_messages (yugabyte)', '-- migration 003_imports (yugabyte)', '-- migration 004_eth (yugabyte)']) assert.ok(y.stdout.includes(m), m);
  assert.match(y.stdout, /PRIMARY KEY \(mh HASH\)\n\) SPLIT INTO 16 TABLETS;/);
  assert.match(y.stdout, /ON tipsets \(height ASC\) WHERE NOT reverted/);
  assert.match(y.stdout, /PRIMARY KEY \(\(tipset_key_cid\) HASH, message_index ASC\)/);
  const p = cli(['migrate', '--dialect', 'postgres', '--dry-run']);
  assert.ok(!/HASH|SPLIT INTO/.test(p.stdout), 'the postgres dialect has no YugabyteDB clauses');
  const c = cli(['migrate', '--dialect', 'cql', '--dry-run']);
  assert.match(c.stdout, /WITH CLUSTERING ORDER BY \(height DESC\);/);
  assert.equal(cli(['migrate', '--dialect', 'oracle', '--dry-run']).status, 1);
});

test('the postgres dialect migrations are idempotent: a second run applies nothing and changes nothing', async () => {
  const { join } = await import('node:path');
  const { startEmbeddedPostgres } = await import('../../store/embedded-postgres.js');
  const { silentLogger } = await import('../../common/logger.js');
  const { default: pg } = await import('pg');
  const pgh = await startEmbeddedPostgres({ dataDir: join(scratchDir('mig'), 'pg'), port: await freePort(), log: silentLogger() });
  try {
    const schema = async (): Promise<string> => {
      const c = new pg.Client({ connectionString: pgh.url });
      await c.connect();
      const r = await c.query("SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2");
      const i = await c.query("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1");
      const v = await c.query('SELECT version, name FROM schema_migrations ORDER BY version');
      await c.end();
      return JSON.stringify([r.rows, i.rows, v.rows]);
    };
    const first = cli(['migrate', '--store-url', pgh.url], { LOG_LEVEL: 'info' });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /"applied":\[1,2,3,4\].*migrations applied/);
    const after1 = await schema();
    const second = cli(['migrate', '--store-url', pgh.url], { LOG_LEVEL: 'info' });
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /"applied":\[\].*schema up to date/);
    assert.equal(await schema(), after1);
    assert.match(after1, /"version":3,"name":"imports"/);
  } finally {
    await pgh.stop();
  }
});

test('an unreachable Cassandra: an error naming the URL, exit 1, no hang', async () => {
  const port = await freePort();
  const started = Date.now();
  const r = cli(['follower', '--store-url', `cassandra://app:hunter2@127.0.0.1:${port}/chain?consistency=QUORUM`]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`store cassandra://app:\\*\\*\\*@127\\.0\\.0\\.1:${port}/chain\\?consistency=QUORUM is unreachable`));
  assert.ok(!r.stderr.includes('hunter2'));
  assert.ok(Date.now() - started < 25_000);
  const bad = cli(['follower', '--store-url', 'cassandra://127.0.0.1/chain?consistency=SOMETIMES']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /unknown consistency "SOMETIMES"/);
});
