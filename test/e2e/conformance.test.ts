/**
 * One conformance suite, run against every backend: the embedded PostgreSQL always,
 * and Apache Cassandra when CASSANDRA_URL names one (`.ci/run` starts a real one with
 * scripts/cassandra.sh). Real blocks of mainnet-h0-341.car; then the leader's full
 * replay and the follower end-to-end checks, through the balancer, on that backend.
 */
import '../helpers/watchdog.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from '../../common/paths.js';
import { CID } from '../../chain/cid.js';
import { cidJson, blockHeaderJson } from '../../chain/json.js';
import { openStore, type Store } from '../../store/open.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../store/embedded-postgres.js';
import { silentLogger } from '../../common/logger.js';
import { createMetrics } from '../../common/metrics.js';
import { HeadNotifier } from '../../rpc/chain-notify.js';
import { CarReplaySource } from '../../leader/car-source.js';
import { Leader } from '../../leader/leader.js';
import { ChainReader } from '../../blockstore/chain-reader.js';
import type { Block } from '../../blockstore/types.js';
import { freePort, rpc, startCluster, waitFor } from '../helpers/cluster.js';

const CAR = fixture('chain', 'mainnet-h0-341.car');

interface Backend {
  name: string;
  /** A fresh, empty store URL. */
  url(): Promise<string>;
  cleanup(): Promise<void>;
}

const backends: Backend[] = [];
let pgh: EmbeddedPostgresHandle | null = null;
let dbs = 0;
backends.push({
  name: 'postgres (embedded)',
  url: async () => {
    pgh ??= await startEmbeddedPostgres({ dataDir: join(mkdtempSync(join(tmpdir(), 'filf-conf-')), 'pg'), port: await freePort(), log: silentLogger() });
    const db = `conf_${process.pid}_${++dbs}`;
    const pg = await import('pg');
    const c = new pg.default.Client({ connectionString: pgh.url });
    await c.connect();
    await c.query(`CREATE DATABASE ${db}`);
    await c.end();
    return pgh.url.replace(/\/filfollower$/, `/${db}`);
  },
  cleanup: async () => {
    await pgh?.stop();
  },
});
const cassandraUrl = process.env.CASSANDRA_URL;
if (cassandraUrl) {
  let n = 0;
  backends.push({
    name: 'cassandra',
    url: async () => cassandraUrl.replace(/\/([A-Za-z_][A-Za-z0-9_]*)(\?|$)/, `/conf_${process.pid}_${++n}$2`),
    cleanup: async () => undefined,
  });
}

let src: CarReplaySource;
before(async () => {
  src = await CarReplaySource.open(CAR);
});
after(async () => {
  for (const b of backends) await b.cleanup();
});

for (const backend of backends) {
  describe(`conformance: ${backend.name}`, () => {
    let store: Store;
    before(async () => {
      store = await openStore(await backend.url(), { migrate: true });
    });
    after(async () => {
      await store?.close();
    });

    test('round-trips every real block; get, has', async () => {
      const blocks = [...src.car.blocks.values()];
      await store.blockstore.putMany(blocks);
      const got = await store.blockstore.getMany(blocks.map((b) => b.cid));
      assert.equal(got.length, 8475);
      got.forEach((g, i) => assert.ok(g && Buffer.from(g).equals(Buffer.from(blocks[i]!.bytes)), `block ${blocks[i]!.cid}`));
      assert.ok(Buffer.from((await store.blockstore.get(blocks[17]!.cid))!).equals(Buffer.from(blocks[17]!.bytes)));
      assert.equal(await store.blockstore.has(blocks[99]!.cid), true);
    });

    test('getMany keeps the order asked and answers null for missing keys', async () => {
      const blocks = [...src.car.blocks.values()].slice(100, 140);
      const missing = CID.parse('bafy2bzacebwjt2adbqmthpulhydgl4gobllfxjuxl4cnzvc5qfd47dn34d6ba');
      const ask = blocks.flatMap((b, i) => (i % 3 === 0 ? [missing, b.cid] : [b.cid])).reverse();
      const got = await store.blockstore.getMany(ask);
      ask.forEach((c, i) => {
        if (c.equals(missing)) assert.equal(got[i], null);
        else assert.ok(Buffer.from(got[i]!).equals(Buffer.from(src.car.blocks.getSync(c)!)));
      });
      assert.equal(await store.blockstore.get(missing), null);
      assert.equal(await store.blockstore.has(missing), false);
    });

    test('putMany is idempotent and concurrent writers do not conflict', async () => {
      const blocks = [...src.car.blocks.values()];
      const slices: Block[][] = [blocks.slice(0, 3000), blocks.slice(2000, 5000), blocks.slice(4000), blocks.slice(0, 8475)];
      await Promise.all(slices.map((s) => store.blockstore.putMany(s)));
      const again = await store.blockstore.getMany(blocks.map((b) => b.cid));
      assert.ok(again.every((g, i) => g && Buffer.from(g).equals(Buffer.from(blocks[i]!.bytes))));
    });

    test('the index: replay, heights, message inclusions, children, a SYNTHETIC reorg with reverted flags', async () => {
      const leader = new Leader({ store, notifier: new HeadNotifier(() => 'f'), log: silentLogger(), metrics: createMetrics() });
      for (const s of src.steps()) await leader.advance(s.tipset, s.blocks);
      const head = (await store.index.getHead())!;
      assert.equal(head.height, 341);
      assert.equal((await store.index.canonicalAt(4, 'before'))!.height, 3);
      assert.equal((await store.index.canonicalAt(4, 'after'))!.height, 5);
      assert.equal((await store.index.canonicalAt(1000, 'before'))!.height, 341);
      const t340 = src.tipsets.find((t) => t.height === 340)!;
      const t341 = src.tipsets.find((t) => t.height === 341)!;
      assert.deepEqual((await store.index.canonicalChild(t340.keyCid))!.key.map(String), t341.key.map(String));
      const reader = new ChainReader(src.car.blocks);
      const m340 = await reader.messagesForTipset(t340);
      const inc = await store.index.messageInclusions(m340[3]!.cid);
      assert.deepEqual(inc.map((x) => [x.height, x.index]), [[340, 3]]);
      // fork 341: the real block 0 alone is a different tipset at the same height
      const { TipSet } = await import('../../chain/tipset.js');
      const fork = TipSet.create([t341.blocks[0]!]);
      const changes = await leader.advance(fork, []);
      assert.deepEqual(changes.map((c) => [c.type, c.tipset.height]), [['revert', 341], ['apply', 341]]);
      assert.equal(await store.index.isCanonical(t341.keyCid), false);
      assert.equal(await store.index.isCanonical(fork.keyCid), true);
      assert.deepEqual((await store.index.canonicalAt(341, 'before'))!.key.map(String), fork.key.map(String));
      const only1 = (await reader.messagesForBlock(t341.blocks[1]!.header)).bls.map((m) => m.cid).filter((c) => !m340.some((x) => x.cid.equals(c)));
      for (const c of only1.slice(0, 5)) assert.ok((await store.index.messageInclusions(c)).every((x) => x.height !== 341 || x.key.length === 1));
      // back to the real 341
      await leader.advance(t341, []);
      assert.equal(await store.index.isCanonical(t341.keyCid), true);
      assert.equal(await store.index.isCanonical(fork.keyCid), false);
      // by TipSetKey CID (what an eth block hash names): every tipset, and the reverted fork with its flag
      for (const t of src.tipsets) {
        const got = (await store.index.byKeyCid(t.keyCid))!;
        assert.deepEqual([got.key.map(String), got.height, got.reverted], [t.key.map(String), t.height, false], `height ${t.height}`);
      }
      assert.deepEqual(await store.index.byKeyCid(fork.keyCid).then((r) => r && [r.height, r.reverted]), [341, true]);
      assert.equal(await store.index.byKeyCid(CID.parse('bafy2bzacebwjt2adbqmthpulhydgl4gobllfxjuxl4cnzvc5qfd47dn34d6ba')), null);
    });

    test('the whole cluster on this backend (leader replay, followers, balancer) serves the walking skeleton checks', async () => {
      const url = await backend.url();
      const cluster = await startCluster({ epochMs: 0, extra: ['--store-url', url] });
      try {
        await waitFor(async () => (await rpc(cluster.lbUrl, 'Filecoin.ChainHead')).body?.result?.Height === 341, 120_000, 'head 341');
        const byHeight = new Map(src.tipsets.map((t) => [t.height, t]));
        let expected = src.tipsets[0]!;
        for (let h = 0; h <= 341; h++) {
          if (byHeight.has(h)) expected = byHeight.get(h)!;
          const r = await rpc(cluster.lbUrl, 'Filecoin.ChainGetTipSetByHeight', [h, null]);
          assert.deepEqual(r.body.result.Cids, expected.key.map(cidJson), `height ${h}`);
        }
        for (const t of src.tipsets.filter((_, i) => i % 40 === 0)) {
          const b = t.blocks[0]!;
          assert.deepEqual((await rpc(cluster.lbUrl, 'Filecoin.ChainGetBlock', [cidJson(b.cid)])).body.result, blockHeaderJson(b.header, 'f'));
          const m = (await rpc(cluster.lbUrl, 'Filecoin.ChainGetBlockMessages', [cidJson(b.cid)])).body.result;
          const want = await new ChainReader(src.car.blocks).messagesForBlock(b.header);
          assert.equal(m.Cids.length, want.bls.length + want.secpk.length);
        }
        assert.equal((await rpc(cluster.lbUrl, 'Filecoin.StateNetworkName')).body.result, 'testnetnet');
      } finally {
        await cluster.stop();
      }
    });
  });
}

test('yugabyte:// URLs use the cluster-aware @yugabytedb/pg driver (checked against PostgreSQL, which speaks the same protocol)', async () => {
  const url = await backends[0]!.url();
  const pgStore = await openStore(url, { migrate: true });
  const yb = await openStore(url.replace(/^postgres:/, 'yugabyte:'));
  try {
    assert.equal(pgStore.driver, 'pg');
    assert.equal(yb.driver, '@yugabytedb/pg');
    const blocks = [...src.car.blocks.values()].slice(0, 50);
    await yb.blockstore.putMany(blocks);
    const got = await pgStore.blockstore.getMany(blocks.map((b) => b.cid));
    assert.ok(got.every((g, i) => g && Buffer.from(g).equals(Buffer.from(blocks[i]!.bytes))));
  } finally {
    await yb.close();
    await pgStore.close();
  }
});
