/**
 * The CQL client's request deadline (store/cql.ts): against a node that accepts the
 * connection and never answers, the request fails with a CqlDeadlineError at `deadlineMs`
 * (set here below the driver's own timeouts, so the deadline, not the driver, ends it).
 * A driver request that never settles at all cannot be produced on demand; this shows the
 * deadline ends a request the driver still holds open.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { CqlDeadlineError, cqlClient, parseCqlUrl } from '../../store/cql.js';
import { isRetryable } from '../../rpc/errors.js';

test('a CQL request to a node that never answers fails with a retryable CqlDeadlineError at its deadline', async () => {
  const sockets: Socket[] = [];
  const silent = createServer((s) => void sockets.push(s)); // accepts, reads, never writes
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as { port: number }).port;
  // the deadline (1000 ms) well before the driver's own timeouts (12 s read, 5 s connect)
  const settings = parseCqlUrl(`cassandra://127.0.0.1:${port}/filfollower?deadlineMs=1000`);
  assert.equal(parseCqlUrl(`cassandra://127.0.0.1:${port}/filfollower`).deadlineMs, 30_000, 'default 2.5 × timeoutMs');
  assert.throws(() => parseCqlUrl('cassandra://127.0.0.1/k?deadlineMs=soon'), /deadlineMs must be a positive whole number of ms, got "soon"/);
  assert.throws(() => parseCqlUrl('cassandra://127.0.0.1/k?timeoutMs=0'), /timeoutMs must be a positive whole number/);
  const client = cqlClient(settings);
  try {
    const t0 = Date.now();
    const err = await client.execute('SELECT release_version FROM system.local').then(() => null, (e: Error) => e);
    const ms = Date.now() - t0;
    assert.ok(err instanceof CqlDeadlineError, `got ${err?.name}: ${err?.message}`);
    assert.match(err.message, /did not settle within 1000 ms: SELECT release_version FROM system\.local/);
    assert.ok(ms >= 990, `failed after ${ms} ms, not before the deadline`);
    assert.ok(sockets.length >= 1, 'the driver did connect to the silent node');
    assert.equal(isRetryable(err), true);
  } finally {
    await client.shutdown().catch(() => undefined);
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
  }
});
