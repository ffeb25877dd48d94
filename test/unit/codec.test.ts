/**
 * The data model against real mainnet data: every block header and message of
 * mainnet-h0-341.car round-trips byte for byte and hashes to its CID; tipset order
 * matches the order Lotus recorded in children's Parents; the 2025 ChainHead JSON
 * round-trips JSON → CBOR → CID and CBOR → JSON.
 */
import '../helpers/watchdog.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadCar } from '../../blockstore/car.js';
import { ChainReader } from '../../blockstore/chain-reader.js';
import { cborCid, CID, decodeCbor, decodeFirstCid } from '../../chain/cid.js';
import { amtCids } from '../../chain/amt.js';
import { decodeBlockHeader, decodeTxMeta, encodeBlockHeader, encodeMessage, encodeSignedMessage, decodeMessage, decodeSignedMessage, encodeTxMeta } from '../../chain/types.js';
import { blockHeaderJson, parseBlockHeaderJson, tipSetJson } from '../../chain/json.js';
import { TipSet, tipSetKeyCid } from '../../chain/tipset.js';
import { fixture } from '../../common/paths.js';
import { CarReplaySource } from '../../leader/car-source.js';

const CAR = fixture('chain', 'mainnet-h0-341.car');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('every header, TxMeta and message in mainnet-h0-341.car round-trips and hashes to its CID', async () => {
  const car = await loadCar(CAR);
  const src = await CarReplaySource.open(CAR);
  const get = (c: CID) => car.blocks.get(c);
  let headers = 0;
  let bls = 0;
  let secp = 0;
  const seenMsgs = new Set<string>();
  for (const ts of src.tipsets) {
    for (const b of ts.blocks) {
      const bytes = car.blocks.getSync(b.cid)!;
      const h = decodeBlockHeader(bytes);
      assert.equal(hex(encodeBlockHeader(h)), hex(bytes), `header ${b.cid} re-encodes identically`);
      assert.equal(cborCid(encodeBlockHeader(h)).toString(), b.cid.toString());
      assert.equal(h.timestamp, 1598306400 + 30 * h.height, 'mainnet timestamps are genesis + 30 s × height');
      headers++;
      const metaBytes = car.blocks.getSync(h.messages)!;
      const meta = decodeTxMeta(metaBytes);
      assert.equal(hex(encodeTxMeta(meta)), hex(metaBytes));
      for (const c of await amtCids(get, meta.blsMessages)) {
        const mb = car.blocks.getSync(c)!;
        assert.equal(hex(encodeMessage(decodeMessage(mb))), hex(mb));
        assert.equal(cborCid(encodeMessage(decodeMessage(mb))).toString(), c.toString());
        if (!seenMsgs.has(c.toString())) bls++;
        seenMsgs.add(c.toString());
      }
      for (const c of await amtCids(get, meta.secpkMessages)) {
        const mb = car.blocks.getSync(c)!;
        assert.equal(hex(encodeSignedMessage(decodeSignedMessage(mb))), hex(mb));
        assert.equal(cborCid(encodeSignedMessage(decodeSignedMessage(mb))).toString(), c.toString());
        if (!seenMsgs.has(c.toString())) secp++;
        seenMsgs.add(c.toString());
      }
    }
  }
  // the data README's counts: 547 headers, 319 tipsets, 5,347 unique messages (4,294 BLS, 1,053 secp)
  assert.equal(src.tipsets.length, 319);
  assert.equal(headers, 547);
  assert.equal(bls, 4294);
  assert.equal(secp, 1053);
  assert.equal(src.tipsets[0]!.key[0]!.toString(), 'bafy2bzacecnamqgqmifpluoeldx7zzglxcljo6oja4vrmtj7432rphldpdmm2');
  assert.deepEqual(src.tipsets.at(-1)!.key.map(String), car.roots.map(String));
  assert.equal(src.tipsets.at(-1)!.height, 341);
});

test('tipset block order (ticket digest, then CID) matches the order children record in Parents', async () => {
  const src = await CarReplaySource.open(CAR);
  let multi = 0;
  for (let i = 1; i < src.tipsets.length; i++) {
    const parent = src.tipsets[i - 1]!;
    const childParents = src.tipsets[i]!.parents.map(String);
    // rebuild the parent from its blocks in reverse order: TipSet.create must sort them back
    const rebuilt = TipSet.create([...parent.blocks].reverse());
    assert.deepEqual(rebuilt.key.map(String), childParents, `parent of height ${src.tipsets[i]!.height}`);
    if (parent.blocks.length > 1) multi++;
  }
  assert.ok(multi > 100, `many multi-block tipsets checked (${multi})`);
});

test('mainnet genesis header renders exactly as Lotus renders it', async () => {
  const car = await loadCar(fixture('chain', 'mainnet-genesis.car'));
  const g = decodeBlockHeader(car.blocks.getSync(car.roots[0]!)!);
  // Lotus's own JSON of this header (chain/types marshalling, mainnet build)
  const lotus = {
    Miner: 'f00',
    Ticket: { VRFProof: 'X4oDOWswmmD7fT0z3RNIPQVGS85f2dBhceeowoDiQhY=' },
    ElectionProof: { WinCount: 0, VRFProof: null },
    BeaconEntries: [{ Round: 0, Data: Buffer.alloc(32).toString('base64') }],
    WinPoStProof: null,
    Parents: [{ '/': 'bafyreiaqpwbbyjo4a42saasj36kkrpv4tsherf2e7bvezkert2a7dhonoi' }],
    ParentWeight: '0',
    Height: 0,
    ParentStateRoot: { '/': 'bafy2bzacech3yb7xlb7c57v2xh7rvmt4skeidk7z2g36llksaz4biflblbt24' },
    ParentMessageReceipts: { '/': 'bafy2bzacedswlcz5ddgqnyo3sak3jmhmkxashisnlpq6ujgyhe4mlobzpnhs6' },
    Messages: { '/': 'bafy2bzacecmda75ovposbdateg7eyhwij65zklgyijgcjwynlklmqazpwlhba' },
    BLSAggregate: null,
    Timestamp: 1598306400,
    BlockSig: null,
    ForkSignaling: 0,
    ParentBaseFee: '100000000',
  };
  assert.equal(JSON.stringify(blockHeaderJson(g, 'f')), JSON.stringify(lotus), 'same fields, same order, same values');
});

test('mainnet-h4622139-chainhead.json: JSON → CBOR reproduces every CID, CBOR → JSON reproduces the values', () => {
  const file = JSON.parse(readFileSync(fixture('json', 'mainnet-h4622139-chainhead.json'), 'utf8'));
  assert.equal(file.Blocks.length, 3);
  const blocks = file.Blocks.map((bj: unknown, i: number) => {
    const h = parseBlockHeaderJson(bj);
    const bytes = encodeBlockHeader(h);
    const cid = cborCid(bytes);
    assert.equal(cid.toString(), file.Cids[i]['/'], `block ${i} CID`);
    const back = blockHeaderJson(decodeBlockHeader(bytes), 'f');
    assert.deepEqual(back, bj, `block ${i} JSON`);
    return { cid, header: h };
  });
  const ts = TipSet.create(blocks);
  assert.deepEqual(tipSetJson(ts, 'f'), { Cids: file.Cids, Blocks: file.Blocks, Height: 4622139 });
  assert.equal(ts.height, file.Height);
  // its key CID is what the indexer stores and the eth block hash derives from
  assert.equal(tipSetKeyCid(ts.key).code, 0x71);
});

test('ChainReader lists a block\'s messages BLS first then secp, as the AMTs order them', async () => {
  const car = await loadCar(CAR);
  const reader = new ChainReader(car.blocks);
  const src = await CarReplaySource.open(CAR);
  const ts = src.tipsets.find((t) => t.height === 341)!;
  const h = ts.blocks[0]!.header;
  const msgs = await reader.messagesForBlock(h);
  const meta = decodeCbor<unknown[]>(car.blocks.getSync(h.messages)!);
  const blsRoot = CID.asCID(meta[0])!;
  assert.deepEqual(msgs.bls.map((m) => m.cid.toString()), (await amtCids((c) => car.blocks.get(c), blsRoot)).map(String));
  assert.ok(msgs.bls.length + msgs.secpk.length > 0, 'block 341 carries messages');
});

test('buildAmt reproduces every real v0 message AMT of the CAR (root CID and node blocks)', async () => {
  const { buildAmt } = await import('../../chain/amt.js');
  const car = await loadCar(CAR);
  const src = await CarReplaySource.open(CAR);
  let amts = 0;
  let multiLevel = 0;
  for (const ts of src.tipsets) {
    for (const b of ts.blocks) {
      const meta = decodeTxMeta(car.blocks.getSync(b.header.messages)!);
      for (const root of [meta.blsMessages, meta.secpkMessages]) {
        const cids = await amtCids((c) => car.blocks.get(c), root);
        const built = buildAmt(cids, { bitWidth: 3, legacy: true });
        assert.equal(built.root.toString(), root.toString());
        for (const blk of built.blocks) assert.equal(hex(blk.bytes), hex(car.blocks.getSync(blk.cid)!), `node ${blk.cid}`);
        if (built.blocks.length > 1) multiLevel++;
        amts++;
      }
    }
  }
  assert.equal(amts, 547 * 2);
  assert.ok(multiLevel > 50, `multi-level AMTs rebuilt (${multiLevel})`);
});

test('23,956 real mpool messages (2020 t-addresses, 2023 f410 addresses): JSON → CBOR → JSON round-trips', async () => {
  const { gunzipSync } = await import('node:zlib');
  const { parseMessageJson, messageJson } = await import('../../chain/json.js');
  const { decodeMessage } = await import('../../chain/types.js');
  let n = 0;
  let f410 = 0;
  for (const [file, prefix] of [['mainnet-2020-mpool-messages.json.gz', 't'], ['mainnet-2023-mpool-messages.json.gz', 'f']] as const) {
    const text = gunzipSync(readFileSync(fixture('json', file))).toString('utf8');
    const objects = JSON.parse(`[${text.trim().replace(/\}\s*\{/g, '},{')}]`) as Array<{ Message: Record<string, unknown> }>;
    for (const { Message: m } of objects) {
      const bytes = encodeMessage(parseMessageJson(m));
      const back = messageJson(decodeMessage(bytes), prefix);
      const { CID: cid, Params: params, ...rest } = back;
      void cid;
      assert.deepEqual(rest, Object.fromEntries(Object.entries(m).filter(([k]) => k !== 'Params')), `message ${n}`);
      assert.equal(params, m.Params ?? null);
      if (String(m.To).startsWith('f410')) f410++;
      n++;
    }
  }
  assert.equal(n, 7688 + 16268);
  assert.ok(f410 >= 12207, `delegated (f410) recipients: ${f410}`);
});

test("ChainReader's caches stay within their byte bounds over the whole CAR, and a larger bound holds more", async () => {
  const car = await loadCar(CAR);
  const src = await CarReplaySource.open(CAR);
  const fill = async (cacheBytes: number) => {
    const reader = new ChainReader(car.blocks, { cacheBytes });
    for (const t of src.tipsets) {
      const ts = await reader.loadTipSet(t.key);
      assert.equal(ts.keyString, t.keyString);
      await reader.messagesForTipset(ts);
    }
    return reader.cachedBytes();
  };
  const small = await fill(64 << 10);
  const eighth = (64 << 10) / 8;
  assert.ok(small.headers <= eighth && small.tipsets <= eighth, JSON.stringify(small));
  assert.ok(small.blockMessages <= 3 * eighth && small.tipsetMessages <= 3 * eighth, JSON.stringify(small));
  assert.ok(small.headers > eighth / 2, `the header cache is used (${small.headers} bytes)`);
  const large = await fill(256 << 20);
  // 341 heights' headers (a few hundred bytes to ~1 KB each) all fit, and they cost more than the small bound allows
  assert.ok(large.headers > 4 * small.headers, JSON.stringify({ small, large }));
  assert.ok(large.tipsetMessages > 0);
});

test('decodeFirstCid reads every CID of real CARs as CID.decodeFirst does, with the same remainder, and refuses what it refuses', async () => {
  let n = 0;
  for (const file of ['mainnet-h0-341.car', 'mainnet-h591818-591820.car']) {
    const car = await loadCar(fixture('chain', file));
    for (const b of car.blocks.values()) {
      const section = Uint8Array.from([...b.cid.bytes, ...b.bytes.subarray(0, 5)]);
      const [mine, rest] = decodeFirstCid(section);
      const [theirs, theirRest] = CID.decodeFirst(section);
      assert.ok(mine.equals(theirs), `${file} ${b.cid}`);
      assert.equal(mine.toString(), b.cid.toString());
      assert.deepEqual([mine.code, mine.version, mine.multihash.code, [...mine.multihash.digest]], [theirs.code, theirs.version, theirs.multihash.code, [...theirs.multihash.digest]]);
      assert.deepEqual([...rest], [...theirRest]);
      // truncated inside the digest: both refuse
      const cut = section.subarray(0, b.cid.bytes.length - 1);
      assert.throws(() => CID.decodeFirst(cut));
      assert.throws(() => decodeFirstCid(cut));
      n++;
    }
  }
  assert.equal(n, 8475 + 1746);
});
