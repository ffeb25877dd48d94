/**
 * StateWaitMsg on a follower (in process, embedded PostgreSQL, the SYNTHETIC FEVM
 * chain): a wait for a message the store does not hold yet answers once the leader has
 * applied the tipsets that include and execute it and the head is `confidence` epochs
 * past its execution, with what StateSearchMsg then answers; over HTTP (a long poll)
 * and WebSocket; the confidence bound and the per-connection bound.
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { rpc, waitFor } from '../helpers/cluster.js';
import { scratchDir } from '../helpers/tmp.js';
import { startInProcess, type InProcess } from '../helpers/inprocess.js';
import { writeSyntheticFevm, type SynthFiles } from '../../synth/write.js';
import type { SynthManifest } from '../../synth/fevm-chain.js';
import { CarReplaySource } from '../../leader/car-source.js';

let files: SynthFiles & { manifestData: SynthManifest };
let ip: InProcess;

before(async () => {
  files = await writeSyntheticFevm(scratchDir('wait'), { epochs: 40, progress: false });
  ip = await startInProcess(files.car);
  await waitFor(async () => (await rpc(ip.url, 'eth_blockNumber')).body?.result === '0x27', 60_000, 'follower at 40');
});
after(async () => {
  await ip?.stop();
});

test('StateWaitMsg answers once the message is executed and confidence epochs deep, over HTTP and WebSocket, as StateSearchMsg then does', async () => {
  const fork = files.manifestData.fork!;
  // a message only the fork branch has, included at its first height: not in the store yet
  const tx = fork.txs.find((t) => t.height === fork.fromHeight)!;
  const cid = { '/': tx.cid };
  assert.equal((await rpc(ip.url, 'Filecoin.ChainHasObj', [cid])).body.result, false);
  const httpWait = rpc(ip.url, 'Filecoin.StateWaitMsg', [cid, 2, -1, true]);
  const ws = new WebSocket(ip.url.replace('http', 'ws').replace('/v1', '/v0'));
  await new Promise((r) => ws.once('open', r));
  const wsWait = new Promise<any>((resolve) => ws.on('message', (d) => resolve(JSON.parse(String(d)))));
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'Filecoin.StateWaitMsg', params: [cid, 2] }));
  let settled = false;
  void httpWait.then(() => (settled = true));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(settled, false, 'still waiting before the message exists');
  const src = await CarReplaySource.open(files.forkCar!);
  const steps = src.steps();
  // the fork up to the tipset that executes the message: not yet 2 deep
  const execH = tx.height + 1;
  const upTo = steps.filter((s) => s.tipset.height <= execH);
  await ip.leader.advance(upTo.at(-1)!.tipset, upTo.flatMap((s) => s.blocks));
  await waitFor(async () => (await rpc(ip.url, 'Filecoin.ChainHead')).body.result.Height === execH, 30_000, 'follower at the execution tipset');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(settled, false, 'executed but 0 epochs deep');
  await ip.leader.advance(steps.at(-1)!.tipset, steps.flatMap((s) => s.blocks));
  const got = (await httpWait).body.result;
  assert.ok(got, JSON.stringify((await httpWait).body));
  assert.equal(got.Height, execH);
  assert.ok(fork.head.height - got.Height >= 2);
  assert.deepEqual(got, (await rpc(ip.url, 'Filecoin.StateSearchMsg', [[], cid, -1, true])).body.result);
  assert.equal(got.Receipt.ExitCode, tx.exitCode);
  assert.deepEqual((await wsWait).result, got, 'the v0 WebSocket wait answers the same');
  ws.close();
});

test('StateWaitMsg bounds: confidence above 900, and at most 16 waits per WebSocket connection', async () => {
  const cid = { '/': files.manifestData.txs[0]!.cid };
  assert.deepEqual((await rpc(ip.url, 'Filecoin.StateWaitMsg', [cid, 901, -1, true])).body.error, { code: 1, message: 'message confidence exceeds maximum: 901 > 900' });
  const ws = new WebSocket(ip.url.replace('http', 'ws'));
  await new Promise((r) => ws.once('open', r));
  const answers: any[] = [];
  ws.on('message', (d) => answers.push(JSON.parse(String(d))));
  // a CID no message has: the waits stay open
  const missing = { '/': 'bafy2bzacebwjt2adbqmthpulhydgl4gobllfxjuxl4cnzvc5qfd47dn34d6ba' };
  for (let i = 1; i <= 17; i++) ws.send(JSON.stringify({ jsonrpc: '2.0', id: i, method: 'Filecoin.StateWaitMsg', params: [missing, 0, -1, true] }));
  await waitFor(async () => answers.length >= 1, 10_000, 'the 17th wait refused');
  assert.deepEqual(answers.map((a) => [a.id, a.error?.code]), [[17, -32005]]);
  ws.close();
});
