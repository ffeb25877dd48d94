/**
 * A leader following an upstream that sends a block which can never decode (its
 * bytes match its CID, but they are not a block header) stops syncing at once
 * instead of retrying forever: the error is classified fatal, the leader's
 * /health/readyz says why with 503, and the upstream is asked no more.
 * The upstream is our own go-jsonrpc server (rpc/), speaking ChainNotify and
 * ChainReadObj on loopback; the bad block is SYNTHETIC.
 */
import '../helpers/watchdog.js';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as dagCbor from '@ipld/dag-cbor';
import { cborCid } from '../../chain/cid.js';
import { MemoryBlockstore } from '../../blockstore/memory.js';
import { MemoryChainIndex } from '../../indexer/memory.js';
import { RpcServer } from '../../rpc/server.js';
import { createRpcHttpServer } from '../../rpc/http.js';
import { createMetrics } from '../../common/metrics.js';
import { loadConfig } from '../../common/config.js';
import { silentLogger } from '../../common/logger.js';
import { runLeader, type LeaderHandle } from '../../leader/main.js';
import type { Store } from '../../store/open.js';
import { freePort, waitFor } from '../helpers/cluster.js';

const stops: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const s of stops.reverse()) await s().catch(() => undefined);
});

test('SYNTHETIC undecodable header from the upstream: the sync stops for good, health says why, no retry loop', async () => {
  // valid dag-cbor whose CID matches, but a 3-element list is no 16-field block header
  const bytes = dagCbor.encode(['not', 'a', 'header']);
  const cid = cborCid(bytes);
  let reads = 0;
  const log = silentLogger();
  const metrics = createMetrics();
  const upstreamRpc = new RpcServer(
    new Map([
      [
        'Filecoin.ChainNotify',
        {
          params: 0,
          channel: true,
          handler: (_p: unknown[], ctx: { openChannel?: () => { id: number; send(v: unknown): void } }) => {
            const ch = ctx.openChannel!();
            ch.send([{ Type: 'current', Val: { Cids: [{ '/': cid.toString() }], Blocks: [], Height: 5 } }]);
            return ch.id;
          },
        },
      ],
      [
        'Filecoin.ChainReadObj',
        {
          params: 1,
          handler: (p: unknown[]) => {
            reads++;
            assert.equal((p[0] as { '/': string })['/'], cid.toString());
            return Buffer.from(bytes).toString('base64');
          },
        },
      ],
    ]),
    { log, metrics },
  );
  const upstream = await createRpcHttpServer({ rpc: { v1: upstreamRpc }, log, metrics, maxRequestBytes: 1 << 20 });
  const port = await freePort();
  await upstream.listen({ host: '127.0.0.1', port });
  stops.push(() => upstream.close());

  const store: Store = { blockstore: new MemoryBlockstore(), index: new MemoryChainIndex(), redactedUrl: 'memory:', migrate: async () => [], close: async () => undefined };
  const leaderPort = await freePort();
  const cfg = loadConfig('leader', { upstreamUrl: `ws://127.0.0.1:${port}/rpc/v1`, leaderPort: String(leaderPort), reconnectMaxMs: '200' }, {});
  const leader: LeaderHandle = await runLeader(cfg, store, log);
  stops.push(() => leader.stop());

  const fatal = await waitFor(async () => leader.sync?.fatalError, 60_000, 'the sync to stop with a fatal error');
  assert.equal(fatal!.name, 'DecodeError');
  assert.match(fatal!.message, /^decoding BlockHeader: expected 16 fields, got 3$/);
  const readsAtStop = reads;
  assert.equal(readsAtStop, 1, 'the block was fetched once, not retried');

  const health = await waitFor(async () => {
    const res = await fetch(`http://127.0.0.1:${leaderPort}/health/readyz`);
    return res.status === 503 ? ((await res.json()) as { ok: boolean; fatalError: string | null }) : null;
  }, 30_000, 'readyz 503');
  assert.equal(health!.ok, false);
  assert.match(health!.fatalError!, /^decoding BlockHeader: expected 16 fields, got 3$/);
  // retries back off from 200 ms: a loop would have asked again well within this time
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(reads, readsAtStop, 'no retry after the fatal error');
  assert.equal(await store.index.getHead(), null, 'nothing was committed');
});
