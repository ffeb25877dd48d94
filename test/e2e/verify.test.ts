/**
 * Reads verified: a block row altered in PostgreSQL behind a running follower is
 * refused with its CID (-32603, counted in filfollower_corrupt_blocks_total), never
 * served or cached; untouched blocks are served as before. The alteration (one byte
 * appended to a real mainnet message's row) is SYNTHETIC.
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { fixture } from '../../common/paths.js';
import { cidJson } from '../../chain/json.js';
import { ChainReader } from '../../blockstore/chain-reader.js';
import { type InProcess, startInProcess } from '../helpers/inprocess.js';
import { rpc } from '../helpers/cluster.js';

let ip: InProcess;

before(async () => {
  ip = await startInProcess(fixture('chain', 'mainnet-h0-341.car'));
});
after(async () => {
  await ip?.stop();
});

test('SYNTHETIC altered block row: refused with its CID, counted, not cached; other blocks served', async () => {
  // two real messages of a block the follower has not read yet
  const reader = new ChainReader(ip.source.car.blocks);
  const ts = ip.source.tipsets.find((t) => t.height > 100 && t.height < 300 && t.blocks.length > 0)!;
  let msgs = await reader.messagesForBlock(ts.blocks[0]!.header);
  for (const t of ip.source.tipsets) {
    if (msgs.bls.length >= 2) break;
    msgs = await reader.messagesForBlock(t.blocks[0]!.header);
  }
  assert.ok(msgs.bls.length >= 2, 'a block with two BLS messages');
  const [victim, other] = [msgs.bls[0]!.cid, msgs.bls[1]!.cid];

  const client = new pg.Client({ connectionString: ip.pg.url });
  await client.connect();
  try {
    const upd = await client.query("UPDATE blocks SET data = data || '\\x00'::bytea WHERE mh = $1", [Buffer.from(victim.multihash.bytes)]);
    assert.equal(upd.rowCount, 1);
  } finally {
    await client.end();
  }

  for (let i = 0; i < 2; i++) {
    const r = await rpc(ip.url, 'Filecoin.ChainGetMessage', [cidJson(victim)]);
    assert.equal(r.body.error?.code, -32603, JSON.stringify(r.body));
    assert.equal(r.body.error.message, `block ${victim.toString()} in the store does not match its hash (corrupt or altered row); not served`);
  }
  const metrics = await (await fetch(ip.url.replace('/rpc/v1', '/debug/metrics'))).text();
  assert.match(metrics, /^filfollower_corrupt_blocks_total 2$/m, 'each refusal counted; nothing cached');

  const ok = await rpc(ip.url, 'Filecoin.ChainGetMessage', [cidJson(other)]);
  assert.equal(ok.body.result.CID['/'], other.toString());
});
