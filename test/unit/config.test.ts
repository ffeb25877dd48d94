/**
 * Typed configuration per role, without a cluster: every setting a child of `start`
 * reads is one `start` accepts (or derives), reaches the child by environment with
 * the value `start` resolved, and tokens never travel on argv.
 */
import '../helpers/watchdog.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, ROLES, START_DERIVED, SETTINGS, childEnv, loadConfig, redactConfig } from '../../common/config.js';

test('start accepts every setting of leader, follower and lb, except the ones it derives', () => {
  const start = new Set<string>(ROLES.start);
  for (const role of ['leader', 'follower', 'lb'] as const) {
    for (const k of ROLES[role]) assert.ok(start.has(k) || (START_DERIVED as readonly string[]).includes(k), `${role} reads ${k}, which start neither accepts nor derives`);
  }
  assert.ok(start.has('reconnectMaxMs') && ROLES.leader.includes('reconnectMaxMs' as never), 'RECONNECT_MAX_MS reaches leader and followers');
  assert.ok(!(ROLES.lb as readonly string[]).includes('maxBatch'), 'no setting is listed for a role that does not read it');
});

test("a child reads exactly what start resolved: flags given to start arrive by environment", () => {
  const flags = { reconnectMaxMs: '1234', upstreamToken: 'tok-abc', fullNodeToken: 'fn-secret', lookbackEpochs: '77', logFormat: 'json', maxLagEpochs: '5' };
  const startCfg = loadConfig('start', flags, {});
  for (const role of ['leader', 'follower', 'lb'] as const) {
    const env = childEnv(role, startCfg, {}, { DATABASE_URL: 'postgres://stale@x/y', PATH: '/bin' });
    if ((ROLES[role] as readonly string[]).includes('storeUrl')) assert.equal(env.DATABASE_URL, undefined, 'an alias of a setting the child reads is not inherited');
    assert.equal(env.PATH, '/bin');
    const child = loadConfig(role, {}, env) as Record<string, unknown>;
    for (const k of ROLES[role]) {
      if ((START_DERIVED as readonly string[]).includes(k)) continue;
      assert.deepEqual(child[k], (startCfg as Record<string, unknown>)[k], `${role}.${k}`);
    }
  }
  assert.equal(loadConfig('leader', {}, childEnv('leader', startCfg)).upstreamToken, 'tok-abc');
  assert.equal(loadConfig('lb', {}, childEnv('lb', startCfg, { upstreams: ['http://127.0.0.1:9', 'http://127.0.0.1:10'] })).upstreams.length, 2);
  assert.equal(loadConfig('follower', {}, childEnv('follower', startCfg, { leaderUrl: 'ws://h:1/rpc/v1' })).leaderUrl, 'ws://h:1/rpc/v1');
});

test('values are typed and checked; a bad one names its flag or variable', () => {
  const cfg = loadConfig('follower', { port: '1300' }, { HEAD_POLL_MS: '250', LEADER_URL: 'none' });
  assert.equal(cfg.followerPort, 1300);
  assert.equal(cfg.headPollMs, 250);
  assert.equal(cfg.leaderUrl, undefined, 'LEADER_URL=none: poll the head row only');
  assert.equal(cfg.blockCacheBytes, 268435456);
  assert.throws(() => loadConfig('follower', {}, { MAX_BATCH: '1e400' }), (e: unknown) => e instanceof ConfigError && /MAX_BATCH: expected a non-negative integer/.test(e.message));
  assert.throws(() => loadConfig('lb', { logFormat: 'xml' }, {}), /--log-format: expected one of "auto"\|"json"\|"pretty"/);
  assert.equal(loadConfig('migrate', {}, { DATABASE_URL: 'postgres://a@b/c' }).storeUrl, 'postgres://a@b/c');
});

test('secrets are redacted when printed', () => {
  const r = redactConfig({ storeUrl: 'postgres://u:pw@h/db', fullNodeToken: 'abc', lbPort: 1 });
  assert.equal(r.storeUrl, 'postgres://u:***@h/db');
  assert.equal(r.fullNodeToken, '***');
  assert.ok(Object.values(SETTINGS).filter((s) => 'secret' in s && s.secret).length >= 4);
});
