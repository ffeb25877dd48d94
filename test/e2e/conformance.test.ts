/**
 * One conformance suite, run against every backend: the embedded PostgreSQL always,
 * and Apache Cassandra when CASSANDRA_URL names one (`.ci/run` starts a real one with
 * scripts/cassandra.sh). Real blocks of mainnet-h0-341.car; then the leader's full
 * replay and the follower end-to-end checks, through the balancer, on that backend.
 */
import '../helpers/watchdog.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
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
import { scratchDir } from '../helpers/tmp.js';
import { writeSyntheticFevm } from '../../synth/write.js';
import type { SynthManifest, SynthTx } from '../../synth/fevm-chain.js';
import { eventTopics } from '../../indexer/event-rows.js';

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
    pgh ??= await startEmbeddedPostgres({ dataDir: join(scratchDir('conf'), 'pg'), port: await freePort(), log: silentLogger() });
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
let synth: { main: CarReplaySource; fork: CarReplaySource; manifest: SynthManifest };
before(async () => {
  src = await CarReplaySource.open(CAR);
  const files = await writeSyntheticFevm(scratchDir('synth'), { epochs: 40, progress: false });
  synth = { main: await CarReplaySource.open(files.car), fork: await CarReplaySource.open(files.forkCar!), manifest: files.manifestData };
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

    test('eth indices on the SYNTHETIC FEVM chain: tx hashes, events in chain order, address and topic filters, a reorg reverts and restores events', async () => {
      const ethStore = await openStore(await backend.url(), { migrate: true });
      try {
        const leader = new Leader({ store: ethStore, notifier: new HeadNotifier(() => 't'), log: silentLogger(), metrics: createMetrics() });
        for (const s of synth.main.steps()) await leader.advance(s.tipset, s.blocks);
        const m = synth.manifest;
        const hexOf = (b: Uint8Array | null): string | null => (b ? `0x${Buffer.from(b).toString('hex')}` : null);
        // every delegated transaction's hash names its message; a native message has no row
        for (const t of m.txs) {
          const got = await ethStore.index.messageByEthTxHash(Buffer.from(t.hash.slice(2), 'hex'));
          assert.equal(got?.toString() ?? null, t.kind === 'native-send' ? null : t.cid, `${t.kind} at ${t.height}`);
        }
        // events: those of every tipset below the head, in (height, message, event) order, logIndex counting per tipset
        const expected = (txs: SynthTx[], below: number) => txs.filter((t) => t.height < below).sort((a, b) => a.height - b.height || a.index - b.index).flatMap((t) => t.logs.map((l) => ({ ...l, height: t.height, cid: t.cid })));
        const shape = (evs: Awaited<ReturnType<typeof ethStore.index.events>>) =>
          evs.map((e) => ({ address: hexOf(e.emitterAddr!.subarray(2)), topics: eventTopics(e.entries).filter((x) => x).map(hexOf), data: hexOf(e.entries.find((x) => x.key === 'd')?.value ?? new Uint8Array(0)), height: e.tipset.height, cid: e.messageCid.toString() }));
        const all = await ethStore.index.events({ fromHeight: 0, toHeight: 1e9, limit: 100_000 });
        assert.deepEqual(shape(all), expected(m.txs, m.head.height));
        assert.ok(all.length > 20);
        for (const h of new Set(all.map((e) => e.tipset.height))) assert.deepEqual(all.filter((e) => e.tipset.height === h).map((e) => e.eventIndex), all.filter((e) => e.tipset.height === h).map((_, i) => i));
        // filters, against a brute-force scan of the same rows
        const transfer = all[0]!.entries[0]!.value;
        const byTopic = await ethStore.index.events({ fromHeight: 5, toHeight: 30, topics: [[transfer]], limit: 100_000 });
        assert.deepEqual(shape(byTopic), shape(all).filter((e) => e.height >= 5 && e.height <= 30 && e.topics[0] === hexOf(transfer)));
        const second = eventTopics(all.find((e) => eventTopics(e.entries)[1])!.entries)[1]!;
        const byT2 = await ethStore.index.events({ fromHeight: 0, toHeight: 1e9, topics: [null, [second, new Uint8Array(32)]], limit: 100_000 });
        assert.deepEqual(shape(byT2), shape(all).filter((e) => e.topics[1] === hexOf(second)));
        const token = Uint8Array.from([4, 10, ...Buffer.from(m.token.address.slice(2), 'hex')]);
        assert.equal((await ethStore.index.events({ fromHeight: 0, toHeight: 1e9, emitterAddrs: [token], limit: 100_000 })).length, all.length);
        assert.equal((await ethStore.index.events({ fromHeight: 0, toHeight: 1e9, emitterAddrs: [Uint8Array.from([4, 10, ...new Uint8Array(20)])], limit: 100_000 })).length, 0);
        assert.equal((await ethStore.index.events({ fromHeight: 0, toHeight: 1e9, limit: 3 })).length, 3);
        const one = all.find((e) => e.tipset.height === 20) ?? all[5]!;
        const { tipSetKeyCid } = await import('../../chain/tipset.js');
        const inOne = await ethStore.index.events({ fromHeight: one.tipset.height, toHeight: one.tipset.height, tipsetKeyCid: tipSetKeyCid(one.tipset.key), limit: 100 });
        assert.deepEqual(shape(inOne), shape(all).filter((e) => e.height === one.tipset.height));
        // the fork branch: the last tipsets are reverted, their events go; the shared parent's events come back with the fork's child
        const forkSteps = synth.fork.steps();
        await leader.advance(forkSteps.at(-1)!.tipset, forkSteps.flatMap((s) => s.blocks));
        const fork = m.fork!;
        const after = await ethStore.index.events({ fromHeight: 0, toHeight: 1e9, limit: 100_000 });
        assert.deepEqual(shape(after), expected([...m.txs.filter((t) => t.height < fork.fromHeight), ...fork.txs], fork.head.height));
        assert.ok(fork.txs.some((t) => t.logs.length > 0) && m.txs.some((t) => t.height >= fork.fromHeight && t.height < m.head.height && t.logs.length > 0), 'both branches have events past the fork');
        for (const t of fork.txs.filter((x) => x.kind !== 'native-send')) assert.equal((await ethStore.index.messageByEthTxHash(Buffer.from(t.hash.slice(2), 'hex')))?.toString(), t.cid);
        // a reverted tipset named by its key: its events, flagged reverted (as Lotus answers a blockHash filter)
        const old = synth.main.tipsets.find((t) => t.height >= fork.fromHeight && t.height < m.head.height && m.txs.some((x) => x.height === t.height && x.logs.length > 0))!;
        const flagged = await ethStore.index.events({ fromHeight: old.height, toHeight: old.height, tipsetKeyCid: old.keyCid, limit: 1000 });
        assert.equal(flagged.length, m.txs.filter((x) => x.height === old.height).flatMap((x) => x.logs).length);
        assert.ok(flagged.every((e) => e.reverted), 'flagged reverted');
      } finally {
        await ethStore.close();
      }
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
