/**
 * WebSocket backpressure on a real RpcServer over a real loopback WebSocket (no
 * database): a subscriber that stops reading has its channel closed once its unsent
 * values pass the byte bound (not only the 16-value count), and a client that sends
 * requests but never reads the answers is closed once WS_MAX_BUFFERED_BYTES of them
 * wait in the process. Source of the rule: go-jsonrpc websocket.go (a full channel
 * buffer closes the channel), lotus-gateway.
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket, WebSocketServer } from 'ws';
import { RpcServer, type Channel } from '../../rpc/server.js';
import { silentLogger } from '../../common/logger.js';
import { createMetrics } from '../../common/metrics.js';

const MAX_BUFFERED = 1 << 20;
const BIG = 'x'.repeat(100_000);
const metrics = createMetrics('backpressure_test_');
const channels: Channel[] = [];
const server = new RpcServer(
  new Map([
    ['Filecoin.Sub', { params: 0, channel: true, handler: (_p: unknown[], ctx: { openChannel?: () => Channel }) => { const ch = ctx.openChannel!(); channels.push(ch); return ch.id; } }],
    ['Filecoin.Big', { params: 0, handler: () => BIG }],
  ]),
  // a count bound far away, so that only the byte bound can close the slow subscriber
  { log: silentLogger(), metrics, maxBufferedBytes: MAX_BUFFERED, channelBuffer: 1000 },
);
let wss: WebSocketServer;
let url: string;
const serverSockets: WebSocket[] = [];

before(async () => {
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  url = `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
  wss.on('connection', (ws) => {
    serverSockets.push(ws);
    server.attachWebSocket(ws, '127.0.0.1');
  });
});
after(() => {
  for (const ws of serverSockets) ws.terminate();
  wss.close();
});

/** A client that has sent `frames` and then stops reading (its socket paused). */
async function stalledClient(frames: string[]): Promise<WebSocket> {
  const c = new WebSocket(url);
  await new Promise<void>((r, j) => {
    c.once('open', () => r());
    c.once('error', j);
  });
  const first = new Promise<void>((r) => c.once('message', () => r()));
  for (const f of frames) c.send(f);
  if (frames.some((f) => f.includes('Filecoin.Sub'))) await first; // the channel id arrived
  (c as unknown as { _socket: { pause(): void } })._socket.pause();
  return c;
}

const waitUntil = async (cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

test('a subscriber that stops reading is closed by the byte bound of its unsent values, long before memory grows', async () => {
  const c = await stalledClient(['{"jsonrpc":"2.0","id":1,"method":"Filecoin.Sub","params":[]}']);
  await waitUntil(() => channels.length === 1, 'the channel');
  const ch = channels[0]!;
  let sent = 0;
  // 100 KB values: the kernel's socket buffers take some, then values wait in the process
  while (!ch.closed && sent < 2000) {
    ch.send({ n: sent, pad: BIG });
    sent++;
    await new Promise((r) => setImmediate(r));
  }
  process.stdout.write(`# closed after ${sent} values; ${serverSockets.at(-1)!.bufferedAmount} bytes unsent\n`);
  assert.ok(ch.closed, `closed after ${sent} values`);
  const ws = serverSockets.at(-1)!;
  // the channel was closed as slow, not the connection (which the whole-connection bound would have done)
  assert.equal(ws.readyState, ws.OPEN, 'the connection stays open');
  // what waits in the process is bounded by the channel's share (MAX_BUFFERED / 4) plus a frame or two
  assert.ok(ws.bufferedAmount < MAX_BUFFERED / 4 + 3 * 100_100, `bufferedAmount ${ws.bufferedAmount}`);
  assert.ok(sent < 2000, `${sent} values before the close`);
  c.terminate();
});

test('a client that sends requests and never reads the answers is closed at WS_MAX_BUFFERED_BYTES, counted', async () => {
  const before = (await metrics.registry.getSingleMetric('backpressure_test_ws_slow_clients_closed_total')!.get()).values[0]?.value ?? 0;
  const frames = Array.from({ length: 400 }, (_, i) => `{"jsonrpc":"2.0","id":${i},"method":"Filecoin.Big","params":[]}`);
  const c = await stalledClient([]);
  // paused for reading, still writing: 400 answers of 100 KB = 40 MB the server would have to hold
  for (const f of frames) c.send(f);
  const ws = serverSockets.at(-1)!;
  await waitUntil(() => ws.readyState === ws.CLOSED, 'the server to close the stalled client');
  const after = (await metrics.registry.getSingleMetric('backpressure_test_ws_slow_clients_closed_total')!.get()).values[0]?.value ?? 0;
  assert.equal(after - before, 1);
  c.terminate();
});
