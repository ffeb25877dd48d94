/**
 * The balancer's ChainNotify fan-out (loadbalancer/notify-fanout.ts) over a real
 * loopback WebSocket, no database: a subscriber gets `current` then each change as
 * one frame, byte-identical to what a follower's go-jsonrpc channel sends; a
 * subscriber that stops reading is dropped (connection closed) once 16 values are
 * unwritten, as Lotus drops a full channel; and the payload is shared, not copied.
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket, WebSocketServer } from 'ws';
import { LOCAL_CHANNEL_BASE, NotifyFanout, type LocalChannel } from '../../loadbalancer/notify-fanout.js';

let wss: WebSocketServer;
let url: string;
const serverSockets: WebSocket[] = [];
const slow: LocalChannel[] = [];
const fanout = new NotifyFanout((ch) => {
  slow.push(ch);
  ch.ws.terminate();
});

before(async () => {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  url = `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
  wss.on('connection', (ws) => serverSockets.push(ws));
});
after(() => {
  for (const ws of serverSockets) ws.terminate();
  wss.close();
});

async function connect(): Promise<{ client: WebSocket; server: WebSocket; frames: string[] }> {
  const n = serverSockets.length;
  const client = new WebSocket(url);
  const frames: string[] = [];
  client.on('message', (d, binary) => {
    assert.equal(binary, false, 'text frames');
    frames.push(String(d));
  });
  await new Promise<void>((r) => client.once('open', () => r()));
  while (serverSockets.length === n) await new Promise((r) => setTimeout(r, 5));
  return { client, server: serverSockets.at(-1)!, frames };
}

const waitUntil = async (cond: () => boolean, what: string): Promise<void> => {
  const deadline = Date.now() + 20_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

const tipset = (h: number) => ({ Cids: [{ '/': `bafy2bzacea${h}` }], Blocks: [{ Height: h }], Height: h });

test('current first, then each change as one frame, identical to a go-jsonrpc channel value', async () => {
  const { client, server, frames } = await connect();
  assert.equal(fanout.open(server, LOCAL_CHANNEL_BASE, '1'), null, 'no head known yet');
  fanout.publish([{ Type: 'current', Val: tipset(10) }]); // the balancer's own subscription's first value
  const ch = fanout.open(server, LOCAL_CHANNEL_BASE, '1')!;
  fanout.start(ch);
  fanout.publish([{ Type: 'apply', Val: tipset(11) }]);
  fanout.publish([{ Type: 'revert', Val: tipset(11) }, { Type: 'apply', Val: tipset(11) }, { Type: 'apply', Val: tipset(12) }]);
  await waitUntil(() => frames.length === 3, '3 frames');
  const val = (v: unknown) => `${JSON.stringify({ jsonrpc: '2.0', method: 'xrpc.ch.val', params: [LOCAL_CHANNEL_BASE, v] })}\n`;
  assert.deepEqual(frames, [
    val([{ Type: 'current', Val: tipset(10) }]),
    val([{ Type: 'apply', Val: tipset(11) }]),
    val([{ Type: 'revert', Val: tipset(11) }, { Type: 'apply', Val: tipset(11) }, { Type: 'apply', Val: tipset(12) }]),
  ]);
  // a revert-only change leaves the head unknown: new subscribers go to the follower
  fanout.publish([{ Type: 'revert', Val: tipset(12) }]);
  assert.equal(fanout.open(server, LOCAL_CHANNEL_BASE + 1, '2'), null);
  fanout.close(ch, true);
  await waitUntil(() => frames.length === 5, 'the revert and xrpc.ch.close');
  assert.equal(frames[4], `{"jsonrpc":"2.0","method":"xrpc.ch.close","params":[${LOCAL_CHANNEL_BASE}]}\n`);
  assert.equal(fanout.size, 0);
  client.close();
});

test('a subscriber that stops reading is dropped once 16 values are unwritten; others keep getting every value', async () => {
  fanout.publish([{ Type: 'current', Val: tipset(20) }]);
  const stalled = await connect();
  const reading = await connect();
  const a = fanout.open(stalled.server, LOCAL_CHANNEL_BASE + 5, '5')!;
  const b = fanout.open(reading.server, LOCAL_CHANNEL_BASE + 6, '6')!;
  fanout.start(a);
  fanout.start(b);
  await waitUntil(() => stalled.frames.length === 1 && reading.frames.length === 1, 'both currents');
  (stalled.client as unknown as { _socket: { pause(): void } })._socket.pause();
  // 200 KB head changes: the kernel's socket buffers take a few MB, then writes wait
  const big = { ...tipset(21), Pad: 'x'.repeat(200_000) };
  let sent = 0;
  while (slow.length === 0 && sent < 500) {
    fanout.publish([{ Type: 'apply', Val: { ...big, Height: 21 + sent } }]);
    sent++;
    await new Promise((r) => setImmediate(r));
  }
  assert.deepEqual(slow.map((c) => c.id), [LOCAL_CHANNEL_BASE + 5], `dropped after ${sent} values`);
  await waitUntil(() => stalled.server.readyState === stalled.server.CLOSED, 'the stalled connection closed');
  fanout.publish([{ Type: 'apply', Val: tipset(9999) }]);
  await waitUntil(() => reading.frames.length === sent + 2, `the reading client got all ${sent + 2} values`);
  assert.match(reading.frames.at(-1)!, /"Height":9999/);
  reading.client.close();
  stalled.client.terminate();
});
