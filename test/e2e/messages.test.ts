/**
 * Message lists, paths, message search, receipts and events through a follower's
 * HTTP API, on mainnet-h0-341.car replayed into PostgreSQL.
 *
 * Receipts and events: the CAR holds none, so one test forks height 341 with a
 * SYNTHETIC block (the real block 0 of height 341 with a different
 * ParentMessageReceipts) whose receipts AMT holds the real receipts of
 * ../shared/data/test-vectors and whose events AMTs hold the real actor events of
 * mainnet-h4622129-4622139-actor-events.json, all in the real encodings. The same
 * fork is the revert that the cache test needs.
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, fixturesDir } from '../../common/paths.js';
import { type CID, cborCid, decodeCbor } from '../../chain/cid.js';
import { buildAmt } from '../../chain/amt.js';
import { TipSet, tipSetKeyString } from '../../chain/tipset.js';
import { ChainReader } from '../../blockstore/chain-reader.js';
import { type BlockHeader, encodeBlockHeader, eventToCbor, receiptToCbor } from '../../chain/types.js';
import { addressFromString } from '../../chain/address.js';
import { idOf } from '../../chain/state.js';
import { cidJson } from '../../chain/json.js';
import { rpc } from '../helpers/cluster.js';
import { type InProcess, startInProcess } from '../helpers/inprocess.js';

let ip: InProcess;
const byHeight = new Map<number, TipSet>();

before(async () => {
  ip = await startInProcess(fixture('chain', 'mainnet-h0-341.car'));
  for (const t of ip.source.tipsets) byHeight.set(t.height, t);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && ip.follower.tracker.head?.height !== 341) await new Promise((r) => setTimeout(r, 100));
  assert.equal(ip.follower.tracker.head?.height, 341);
});
after(async () => {
  await ip?.stop();
});

/** The CIDs of a v0 AMT in the CAR: a synchronous leaf walk, independent of chain/amt.ts. */
function amtLeafCids(root: CID): string[] {
  const car = ip.source.car.blocks;
  const [height, , node] = decodeCbor<[number, number, unknown[]]>(car.getSync(root)!);
  const walk = (n: unknown[], h: number): string[] => (h === 0 ? (n[2] as CID[]).map(String) : (n[1] as CID[]).flatMap((l) => walk(decodeCbor<unknown[]>(car.getSync(l)!), h - 1)));
  return walk(node, height);
}

/** Expected execution order, computed independently: blocks in order, BLS then secp, each CID once. */
function expectedMessages(ts: TipSet): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const b of ts.blocks) {
    for (const root of decodeCbor<CID[]>(ip.source.car.blocks.getSync(b.header.messages)!)) {
      for (const c of amtLeafCids(root)) {
        if (!seen.has(c)) out.push(c);
        seen.add(c);
      }
    }
  }
  return out;
}

test('ChainGetMessagesInTipset and ChainGetParentMessages list every message in Lotus order', async () => {
  const all = new Set<string>();
  let prev: TipSet | null = null;
  for (const ts of ip.source.tipsets) {
    const r = await rpc(ip.url, 'Filecoin.ChainGetMessagesInTipset', [ts.key.map(cidJson)]);
    const got = (r.body.result ?? []).map((m: { Cid: { '/': string } }) => m.Cid['/']);
    assert.deepEqual(got, ts.height === 0 ? [] : expectedMessages(ts), `tipset ${ts.height}`);
    for (const c of got) all.add(c);
    if (prev) {
      const pm = await rpc(ip.url, 'Filecoin.ChainGetParentMessages', [cidJson(ts.key[0]!)]);
      assert.deepEqual(pm.body.result, prev.height === 0 ? null : (await rpc(ip.url, 'Filecoin.ChainGetMessagesInTipset', [prev.key.map(cidJson)])).body.result, `parent messages of ${ts.height}`);
    }
    prev = ts;
  }
  assert.equal(all.size, 5347, 'every unique message of the CAR is listed');
  // secp entries carry the signed CID and the unsigned message (its own CID differs)
  const t = ip.source.tipsets.find((x) => x.height === 341)!;
  const r = await rpc(ip.url, 'Filecoin.ChainGetMessagesInTipset', [t.key.map(cidJson)]);
  const secp = r.body.result.find((m: { Cid: { '/': string }; Message: { CID: { '/': string } } }) => m.Cid['/'] !== m.Message.CID['/']);
  assert.ok(secp, 'height 341 includes a secp message');
  assert.equal(Object.keys(secp.Message).join(), 'Version,To,From,Nonce,Value,GasLimit,GasFeeCap,GasPremium,Method,Params,CID');
});

test('ChainGetPath between tipsets equals the reverts and applies implied by their ancestry', async () => {
  const ts = ip.source.tipsets;
  let pairs = 0;
  for (let n = 0; n < 120; n++) {
    const i = Math.floor(Math.random() * ts.length);
    const j = Math.floor(Math.random() * ts.length);
    const r = await rpc(ip.url, 'Filecoin.ChainGetPath', [ts[i]!.key.map(cidJson), ts[j]!.key.map(cidJson)]);
    const want =
      i <= j
        ? ts.slice(i + 1, j + 1).map((t) => ['apply', t.height])
        : ts.slice(j + 1, i + 1).reverse().map((t) => ['revert', t.height]);
    assert.deepEqual(r.body.result.map((c: { Type: string; Val: { Height: number } }) => [c.Type, c.Val.Height]), want, `${ts[i]!.height} → ${ts[j]!.height}`);
    pairs++;
  }
  assert.equal(pairs, 120);
});

test('the index records every message at the tipset that included it; StateSearchMsg looks there', async () => {
  const firstInclusion = new Map<string, TipSet>();
  for (const ts of ip.source.tipsets) for (const c of ts.height === 0 ? [] : expectedMessages(ts)) if (!firstInclusion.has(c)) firstInclusion.set(c, ts);
  assert.equal(firstInclusion.size, 5347);
  const { CID: Cid } = await import('multiformats/cid');
  for (const [c, ts] of firstInclusion) {
    const inc = await ip.followerStore.index.messageInclusions(Cid.parse(c));
    assert.equal(inc.at(-1)?.height, ts.height, `message ${c}`);
  }
  // a CID that is not a stored message: Lotus's load error (not null)
  const unknown = await rpc(ip.url, 'Filecoin.StateSearchMsg', [[], { '/': 'bafy2bzacebwjt2adbqmthpulhydgl4gobllfxjuxl4cnzvc5qfd47dn34d6ba' }, -1, true]);
  assert.deepEqual(unknown.body.error, { code: 1, message: 'failed to load message: ipld: could not find bafy2bzacebwjt2adbqmthpulhydgl4gobllfxjuxl4cnzvc5qfd47dn34d6ba' });
  // v0 signature: StateSearchMsg(cid) on /rpc/v0; 4 params there is an arity error
  const v0 = ip.url.replace('/v1', '/v0');
  assert.equal((await rpc(v0, 'Filecoin.StateSearchMsg', [[], { '/': 'bafy2bzacebwjt2adbqmthpulhydgl4gobllfxjuxl4cnzvc5qfd47dn34d6ba' }, -1, true])).body.error.message, "wrong param count (method 'Filecoin.StateSearchMsg'): 4 != 1");
  assert.equal((await rpc(ip.url, 'Filecoin.StateGetReceipt', [{ '/': 'x' }, []])).body.error.code, -32601, 'StateGetReceipt is v0 only');
  // a message included at 339: its receipt lives in 340's receipts AMT, which the CAR lacks
  const [msg, at] = [...firstInclusion].find(([, t]) => t.height === 339)!;
  const child = ip.source.tipsets[ip.source.tipsets.indexOf(at) + 1]!;
  const r = await rpc(ip.url, 'Filecoin.StateSearchMsg', [[], { '/': msg }, -1, true]);
  assert.equal(r.body.error.code, 1);
  assert.ok(r.body.error.message.includes(child.blocks[0]!.header.parentMessageReceipts.toString()), r.body.error.message);
});

/** Real receipts from the test vectors, in file order. */
function vectorReceipts(): Array<{ exit_code: number; return: string; gas_used: number }> {
  const out: Array<{ exit_code: number; return: string; gas_used: number }> = [];
  const walk = (d: string): void => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.json')) out.push(...JSON.parse(readFileSync(p, 'utf8')).postconditions.receipts);
    }
  };
  walk(join(fixturesDir(), 'test-vectors'));
  return out;
}

test('SYNTHETIC fork at 341 with real receipts and events: receipts, events, StateSearchMsg, and no answer from the reverted branch', async () => {
  const real341 = byHeight.get(341)!;
  const t340 = byHeight.get(340)!;
  const reader = new ChainReader(ip.source.car.blocks);
  const msgs = await reader.messagesForTipset(t340);
  assert.ok(msgs.length > 8, `340 includes ${msgs.length} messages (multi-level AMT)`);

  // answers before the fork (and cached)
  const before341 = (await rpc(ip.url, 'Filecoin.ChainGetTipSetByHeight', [341, null])).body.result;
  assert.deepEqual(before341.Cids, real341.key.map(cidJson));

  // real receipts (nv18 shape, with EventsRoot) and real events
  const vec = vectorReceipts();
  assert.equal(vec.length, 60);
  const events = JSON.parse(readFileSync(fixture('json', 'mainnet-h4622129-4622139-actor-events.json'), 'utf8')) as Array<{ emitter: string; entries: Array<{ Flags: number; Key: string; Codec: number; Value: string }> }>;
  const blocks: Array<{ cid: CID; bytes: Uint8Array }> = [];
  const expectedReceipts: unknown[] = [];
  const eventRoots: Array<{ root: CID; events: typeof events }> = [];
  const receiptTuples = msgs.map((_, i) => {
    const v = vec[i % vec.length]!;
    let eventsRoot: CID | null = null;
    if (i % 4 === 0) {
      const evs = events.slice((i * 3) % 300, ((i * 3) % 300) + 3);
      const amt = buildAmt(
        evs.map((e) => eventToCbor({ emitter: idOf(addressFromString(e.emitter)), entries: e.entries.map((x) => ({ flags: x.Flags, key: x.Key, codec: x.Codec, value: new Uint8Array(Buffer.from(x.Value, 'base64')) })) })),
        { bitWidth: 5, legacy: false },
      );
      blocks.push(...amt.blocks);
      eventsRoot = amt.root;
      eventRoots.push({ root: amt.root, events: evs });
    }
    const ret = new Uint8Array(Buffer.from(v.return, 'base64'));
    expectedReceipts.push({ ExitCode: v.exit_code, Return: ret.length ? v.return : null, GasUsed: v.gas_used, EventsRoot: eventsRoot ? cidJson(eventsRoot) : null });
    return receiptToCbor({ exitCode: v.exit_code, return: ret, gasUsed: v.gas_used, eventsRoot, hasEventsRoot: true });
  });
  const receipts = buildAmt(receiptTuples, { bitWidth: 3, legacy: true });
  blocks.push(...receipts.blocks);
  // the fork includes no messages (the genesis block's empty TxMeta), so every message
  // of the real 341 must read as reverted afterwards
  const genesisTxMeta = byHeight.get(0)!.blocks[0]!.header.messages;
  const forkHeader: BlockHeader = { ...real341.blocks[0]!.header, parentMessageReceipts: receipts.root, messages: genesisTxMeta };
  const forkBytes = encodeBlockHeader(forkHeader);
  const forkCid = cborCid(forkBytes);
  blocks.push({ cid: forkCid, bytes: forkBytes });
  const fork = TipSet.create([{ cid: forkCid, header: forkHeader }]);
  const changes = await ip.leader.advance(fork, blocks);
  assert.deepEqual(changes.map((c) => [c.type, c.tipset.height]), [['revert', 341], ['apply', 341]]);

  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && ip.follower.tracker.head?.keyString !== fork.keyString) await new Promise((r) => setTimeout(r, 50));
  const head = (await rpc(ip.url, 'Filecoin.ChainHead')).body.result;
  assert.deepEqual(head.Cids, [cidJson(forkCid)]);
  const after341 = (await rpc(ip.url, 'Filecoin.ChainGetTipSetByHeight', [341, null])).body.result;
  assert.deepEqual(after341.Cids, [cidJson(forkCid)], 'no cached answer from the reverted branch');
  // the same question again is a cache hit, counted in /debug/metrics
  await rpc(ip.url, 'Filecoin.ChainGetTipSetByHeight', [341, null]);
  const metrics = await (await fetch(ip.url.replace('/rpc/v1', '/debug/metrics'))).text();
  assert.match(metrics, /filfollower_cache_hits_total\{cache="Filecoin\.ChainGetTipSetByHeight"\} [1-9]/);
  assert.match(metrics, /filfollower_cache_misses_total\{cache="Filecoin\.ChainGetTipSetByHeight"\} [1-9]/);
  assert.equal((await rpc(ip.url, 'Filecoin.ChainGetMessagesInTipset', [null])).body.result, null, 'the head (the fork) includes no messages');

  const pr = await rpc(ip.url, 'Filecoin.ChainGetParentReceipts', [cidJson(forkCid)]);
  assert.deepEqual(pr.body.result, expectedReceipts);
  for (const { root, events: evs } of eventRoots) {
    const ev = await rpc(ip.url, 'Filecoin.ChainGetEvents', [cidJson(root)]);
    assert.deepEqual(ev.body.result, evs.map((e) => ({ Emitter: idOf(addressFromString(e.emitter)), Entries: e.entries.map((x) => ({ Flags: x.Flags, Key: x.Key, Codec: x.Codec, Value: x.Value })) })));
  }
  const v0 = ip.url.replace('/v1', '/v0');
  for (let i = 0; i < msgs.length; i++) {
    const r = await rpc(ip.url, 'Filecoin.StateSearchMsg', [[], cidJson(msgs[i]!.cid), -1, true]);
    assert.deepEqual(r.body.result, { Message: cidJson(msgs[i]!.cid), Receipt: expectedReceipts[i], ReturnDec: null, TipSet: [cidJson(forkCid)], Height: 341 }, `message ${i}`);
    assert.deepEqual((await rpc(v0, 'Filecoin.StateSearchMsg', [cidJson(msgs[i]!.cid)])).body.result, r.body.result, 'v0 StateSearchMsg(cid)');
    assert.deepEqual((await rpc(v0, 'Filecoin.StateGetReceipt', [cidJson(msgs[i]!.cid), []])).body.result, expectedReceipts[i], 'v0 StateGetReceipt');
  }
  // limit: 0 checks the head only (the execution tipset here), so it is found; a limit
  // from an earlier tipset that does not reach 341 finds nothing
  assert.equal((await rpc(ip.url, 'Filecoin.StateSearchMsg', [[], cidJson(msgs[0]!.cid), 0, true])).body.result.Height, 341);
  assert.equal((await rpc(ip.url, 'Filecoin.StateSearchMsg', [t340.key.map(cidJson), cidJson(msgs[0]!.cid), -1, true])).body.result, null, 'not executed as seen from 340');
  // the reverted 341's messages are no longer found: reverted in the index, null from StateSearchMsg
  const realMsgs = (await reader.messagesForTipset(real341)).map((m) => m.cid);
  assert.ok(realMsgs.length > 0);
  for (const c of realMsgs) {
    const inc = await ip.followerStore.index.messageInclusions(c);
    assert.ok(inc.every((x) => x.height !== 341), `message ${c} of the reverted tipset is reverted in the index`);
    const r = await rpc(ip.url, 'Filecoin.StateSearchMsg', [[], cidJson(c), -1, true]);
    assert.equal(r.body.result, null);
  }
});

test('limits: lookback cap (lotus-gateway style), message lookback cap, batch size', async () => {
  const { runFollower } = await import('../../follower/main.js');
  const { loadConfig } = await import('../../common/config.js');
  const { silentLogger } = await import('../../common/logger.js');
  const { freePort, post } = await import('../helpers/cluster.js');
  const port = await freePort();
  const cfg = loadConfig('follower', { port: String(port), headPollMs: '100', lookbackEpochs: '100', messageLookbackEpochs: '20', maxBatch: '10' }, {});
  cfg.leaderUrl = undefined;
  const f = await runFollower(cfg, ip.followerStore, silentLogger());
  try {
    const url = `http://127.0.0.1:${port}/rpc/v1`;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && f.tracker.head?.height !== 341) await new Promise((r) => setTimeout(r, 50));
    const old = await rpc(url, 'Filecoin.ChainGetTipSetByHeight', [10, null]);
    assert.deepEqual(old.body.error, { code: 1, message: 'bad tipset height: lookbacks of more than 50m0s are disallowed' });
    assert.equal((await rpc(url, 'Filecoin.ChainGetTipSetByHeight', [300, null])).body.result.Height, 300);
    const oldKey = byHeight.get(5)!.key.map(cidJson);
    assert.deepEqual((await rpc(url, 'Filecoin.StateGetActor', ['f01', oldKey])).body.error, { code: 1, message: 'bad tipset: lookbacks of more than 50m0s are disallowed' });
    const batch = await post(url, JSON.stringify(Array.from({ length: 11 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'Filecoin.ChainHead', params: [] }))));
    assert.equal(JSON.parse(batch.text).error.code, -32005);
    const ok = await post(url, JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'Filecoin.ChainHead', params: [] }))));
    assert.equal(JSON.parse(ok.text).length, 10);
  } finally {
    await f.stop();
  }
});

test('eth_getBlockTransactionCountByNumber at every height 0–340: the messages of its blocks (independent AMT walk), code 12 on null rounds', async () => {
  let nullRounds = 0;
  let withMessages = 0;
  for (let h = 0; h <= 340; h++) {
    const r = await rpc(ip.url, 'eth_getBlockTransactionCountByNumber', [`0x${h.toString(16)}`]);
    const ts = byHeight.get(h);
    if (!ts) {
      assert.deepEqual(r.body.error, { code: 12, message: `requested epoch was a null round (${h})` }, `height ${h}`);
      nullRounds++;
      continue;
    }
    let want = 0;
    for (const b of ts.blocks) {
      const [bls, secp] = decodeCbor<[CID, CID]>(ip.source.car.blocks.getSync(b.header.messages)!);
      want += amtLeafCids(bls).length + amtLeafCids(secp).length;
    }
    if (want > 0) withMessages++;
    assert.equal(r.body.result, `0x${want.toString(16)}`, `height ${h}`);
  }
  assert.ok(nullRounds > 0 && withMessages > 0, `${nullRounds} null rounds, ${withMessages} tipsets with messages`);
  // tags: `latest` is the head's parent, `pending` the head; beyond latest and garbage are refused as Lotus does
  const head = byHeight.get(341)!;
  const parentHeight = [...byHeight.values()].find((t) => t.keyString === tipSetKeyString(head.parents))!.height;
  assert.equal((await rpc(ip.url, 'eth_getBlockTransactionCountByNumber', ['latest'])).body.result, (await rpc(ip.url, 'eth_getBlockTransactionCountByNumber', [`0x${parentHeight.toString(16)}`])).body.result);
  assert.equal(typeof (await rpc(ip.url, 'eth_getBlockTransactionCountByNumber', ['pending'])).body.result, 'string');
  assert.deepEqual((await rpc(ip.url, 'eth_getBlockTransactionCountByNumber', ['0x155'])).body.error, { code: 1, message: "requested a future epoch (beyond 'latest')" });
  assert.deepEqual((await rpc(ip.url, 'eth_getBlockTransactionCountByNumber', ['0xzz'])).body.error, { code: 1, message: 'failed to parse block number: strconv.ParseUint: parsing "zz": invalid syntax' });
  assert.equal((await rpc(ip.url, 'eth_getBlockTransactionCountByNumber', [5])).body.error.code, -32602);
  // the other two constant-ish reads
  assert.deepEqual((await rpc(ip.url, 'eth_accounts')).body.result, []);
  assert.equal((await rpc(ip.url, 'eth_protocolVersion')).body.result, '0x0', 'mainnet network version 0 at height 341');
});

test('eth_getBlockTransactionCountByHash: the eth block hash of each tipset (its TipSetKey CID digest) gives the count by number', async () => {
  for (const ts of ip.source.tipsets.filter((t) => t.height <= 340)) {
    const hash = `0x${Buffer.from(ts.keyCid.multihash.digest).toString('hex')}`;
    const byHash = await rpc(ip.url, 'eth_getBlockTransactionCountByHash', [hash]);
    const byNumber = await rpc(ip.url, 'eth_getBlockTransactionCountByNumber', [`0x${ts.height.toString(16)}`]);
    assert.equal(byHash.body.result, byNumber.body.result, `height ${ts.height}`);
  }
  const unknown = `0x${'ab'.repeat(32)}`;
  const r = await rpc(ip.url, 'eth_getBlockTransactionCountByHash', [unknown]);
  assert.equal(r.body.error.code, 1);
  assert.match(r.body.error.message, /^failed to get tipset by hash: ipld: could not find bafy2bzace/);
  const bad = await rpc(ip.url, 'eth_getBlockTransactionCountByHash', ['0x1234']);
  assert.equal(bad.body.error.code, -32602);
  assert.match(bad.body.error.message, /expected hex string length sans prefix 64, got 4$/);
});

test('eth_getTransactionHashByCid / eth_getMessageCidByTransactionHash for every BLS and secp message of the CAR; null for what is not a stored message', async () => {
  const reader = new ChainReader(ip.source.car.blocks);
  let bls = 0;
  let secp = 0;
  for (const ts of ip.source.tipsets) {
    for (const b of ts.blocks) {
      const m = await reader.messagesForBlock(b.header);
      for (const { cid } of [...m.bls, ...m.secpk]) {
        // Lotus EthHashFromCid: the CID's blake2b-256 digest (for secp, the signed message's CID)
        const hash = `0x${Buffer.from(cid.multihash.digest).toString('hex')}`;
        assert.equal((await rpc(ip.url, 'eth_getTransactionHashByCid', [cidJson(cid)])).body.result, hash);
        assert.deepEqual((await rpc(ip.url, 'eth_getMessageCidByTransactionHash', [hash])).body.result, cidJson(cid));
      }
      bls += m.bls.length;
      secp += m.secpk.length;
    }
  }
  assert.ok(bls > 0 && secp > 0, `${bls} BLS and ${secp} secp messages`);
  // a block header is stored but is no message; an unknown hash names nothing
  const header = ip.source.tipsets[5]!.key[0]!;
  assert.equal((await rpc(ip.url, 'eth_getTransactionHashByCid', [cidJson(header)])).body.result, null);
  assert.equal((await rpc(ip.url, 'eth_getMessageCidByTransactionHash', [`0x${'cd'.repeat(32)}`])).body.result, null);
  assert.equal((await rpc(ip.url, 'eth_getMessageCidByTransactionHash', ['0xcd'])).body.error.code, -32602);
});
