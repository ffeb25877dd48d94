/**
 * `npm run bench:abuse`: the attacks of issue 9 rerun against a cluster started as
 * `npm start` starts it (2 followers, the leader replaying mainnet-h0-341.car at
 * 200 ms epochs, the balancer with RATE_LIMIT=5000, MAX_WS_PER_IP=64 and
 * WS_MAX_BUFFERED_BYTES=1 MiB), on loopback only and bounded in time (2–3 minutes). Prints one table: each request class,
 * how many were sent, the answers by HTTP status / JSON-RPC code, and the RSS of the
 * balancer and followers before and after; then the two latency comparisons the
 * issue asks for, each against an idle baseline taken in the same run:
 *  - a second client's ChainHead p99 beside one client at full speed that the rate
 *    limit holds (its 429s counted);
 *  - HTTP p99 beside 500 WebSocket clients with 16 ChainNotify subscriptions each
 *    that never read, until the balancer has dropped them all, and the RSS before,
 *    while and after.
 * Env: ABUSE_SECONDS (length of each timed phase, default 10), ABUSE_WS_CLIENTS (500),
 * ABUSE_WS_SECONDS (longest wait for the drops, default 60).
 */
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { WebSocket } from 'ws';
import { fixture } from '../common/paths.js';
import { Progress } from '../common/progress.js';
import { cidJson } from '../chain/json.js';
import { CarReplaySource } from '../leader/car-source.js';
import { rolePids, startCluster, type TestCluster, waitFor } from '../test/helpers/cluster.js';

const PHASE_MS = Number(process.env.ABUSE_SECONDS ?? 10) * 1000;
const WS_CLIENTS = Number(process.env.ABUSE_WS_CLIENTS ?? 500);
const RATE = 5000;
/** The balancer's per-client bound for the WebSocket phase (bytes): small, so that drops come within the phase. */
const WS_BUFFER = 1 << 20;
/** Longest the WebSocket phase waits for every non-reading client to be dropped (ms). */
const WS_PHASE_MS = Number(process.env.ABUSE_WS_SECONDS ?? 60) * 1000;
const CAR = fixture('chain', 'mainnet-h0-341.car');

/** One row of the table. */
interface Row {
  name: string;
  count: number;
  codes: Map<string, number>;
  rssBefore: number;
  rssAfter: number;
}

/** RSS of the balancer and every follower, in MB (from /proc/<pid>/status). */
function rssMb(cluster: TestCluster): number {
  let kb = 0;
  for (const p of [...rolePids(cluster, 'lb'), ...rolePids(cluster, 'follower')]) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      /* exited */
    }
  }
  return kb / 1024;
}

/** One unlabelled sample of the balancer's /debug/metrics (0 when absent). */
async function lbMetric(cluster: TestCluster, name: string): Promise<number> {
  const text = await (await fetch(cluster.lbUrl.replace('/rpc/v1', '/debug/metrics'))).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

/**
 * Run a full garbage collection in a process this bench started, through the
 * inspector: SIGUSR1 opens it on 127.0.0.1:9229, `HeapProfiler.collectGarbage` runs
 * the GC, and the inspector is closed again (`process._debugEnd()`, what inspector.close() runs).
 * So "memory returned" is read after the garbage is gone, not whenever V8 chooses.
 */
async function collectGarbage(pid: number): Promise<void> {
  process.kill(pid, 'SIGUSR1');
  let wsUrl: string | undefined;
  for (let i = 0; i < 50 && !wsUrl; i++) {
    try {
      const list = (await (await fetch('http://127.0.0.1:9229/json/list')).json()) as Array<{ webSocketDebuggerUrl: string }>;
      wsUrl = list[0]?.webSocketDebuggerUrl;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  if (!wsUrl) throw new Error(`no inspector on 127.0.0.1:9229 for pid ${pid}`);
  const ws = new WebSocket(wsUrl);
  await new Promise<void>((r, j) => ws.once('open', () => r()).once('error', j));
  const call = (id: number, method: string, params: unknown = {}): Promise<void> =>
    new Promise((resolve) => {
      const onMessage = (d: Buffer): void => {
        if ((JSON.parse(String(d)) as { id?: number }).id === id) {
          ws.off('message', onMessage);
          resolve();
        }
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call(1, 'HeapProfiler.collectGarbage');
  // close the inspector again (process._debugEnd is what inspector.close() runs; it answers nothing)
  ws.send(JSON.stringify({ id: 2, method: 'Runtime.evaluate', params: { expression: 'process._debugEnd()' } }));
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if (!(await fetch('http://127.0.0.1:9229/json/list').then(() => true, () => false))) break;
  }
  ws.terminate();
}

/** An HTTP client bound to one loopback address (the balancer limits per IP). */
const client = (addr: string): Agent => new Agent({ localAddress: addr, connections: 16 });

/** POST a body; returns "status/code" (code: the JSON-RPC error code, `ok`, or `non-JSON`). */
async function post(url: string, body: string | Buffer, dispatcher: Agent): Promise<string> {
  try {
    const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher, headersTimeout: 30_000, bodyTimeout: 30_000 });
    const text = await res.body.text();
    let code = 'non-JSON';
    try {
      const j = JSON.parse(text);
      const one = Array.isArray(j) ? j[0] : j;
      code = one?.error ? String(one.error.code) : 'ok';
    } catch {
      /* not JSON */
    }
    return `${res.statusCode}/${code}`;
  } catch (e) {
    return `reset (${(e as { code?: string }).code ?? (e as Error).message})`;
  }
}

const req = (method: string, params: unknown, id: unknown = 1): string => `{"jsonrpc":"2.0","id":${typeof id === 'string' ? id : JSON.stringify(id)},"method":"${method}","params":${typeof params === 'string' ? params : JSON.stringify(params)}}`;

/** Latency percentiles (ms) of sequential ChainHead reads for `ms` from `addr`. */
async function readLatencies(url: string, addr: string, ms: number): Promise<{ p50: number; p99: number; n: number; failed: number; lat: number[] }> {
  const agent = client(addr);
  const lat: number[] = [];
  let failed = 0;
  const end = Date.now() + ms;
  const body = req('Filecoin.ChainHead', []);
  while (Date.now() < end) {
    const t = performance.now();
    const r = await post(url, body, agent);
    lat.push(performance.now() - t);
    if (r !== '200/ok') failed++;
  }
  await agent.close();
  lat.sort((a, b) => a - b);
  const q = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!;
  return { p50: q(0.5), p99: q(0.99), n: lat.length, failed, lat };
}

async function main(): Promise<void> {
  const bar = new Progress('bench:abuse', 'phases');
  const src = await CarReplaySource.open(CAR);
  const cluster = await startCluster({
    followers: 2,
    epochMs: 200,
    car: CAR,
    extra: ['--rate-limit', String(RATE), '--max-ws-per-ip', '64', '--ws-max-buffered-bytes', String(WS_BUFFER)],
  });
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    await waitFor(async () => {
      const r = await fetch(cluster.lbUrl, { method: 'POST', body: req('Filecoin.ChainHead', []), headers: { 'content-type': 'application/json' } });
      return ((await r.json()) as { result?: { Height: number } }).result?.Height! >= 5;
    }, 60_000, 'a head through the balancer');
    const follower = `${cluster.followerUrls[0]}/rpc/v1`;
    const blocks = src.tipsets.flatMap((t) => t.key).slice(0, 400);
    const B = cidJson(blocks[10]!);
    let addr = 10;
    /** Run one request class from its own loopback address (so the rate limit of one does not hide another). */
    const attack = async (name: string, count: number, make: (i: number) => string | Buffer, url = cluster.lbUrl, concurrency = 4): Promise<void> => {
      const agent = client(`127.0.0.${addr++}`);
      const rssBefore = rssMb(cluster);
      const codes = new Map<string, number>();
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < count) {
            const i = next++;
            const r = await post(url, make(i), agent);
            codes.set(r, (codes.get(r) ?? 0) + 1);
          }
        }),
      );
      await agent.close();
      rows.push({ name, count, codes, rssBefore, rssAfter: rssMb(cluster) });
      bar.update({ done: rows.length });
    };

    // --- 500 WebSocket clients that never read, while the head moves (first: the replay is still running) ---
    await readLatencies(cluster.lbUrl, '127.0.0.2', 3000); // warm-up: connections, caches, JIT
    const wsIdle = await readLatencies(cluster.lbUrl, '127.0.0.2', PHASE_MS);
    const rssBeforeWs = rssMb(cluster);
    /** The balancer's JavaScript heap in use plus its Buffers (MB), from its own metrics. */
    const lbHeap = async (): Promise<number> => ((await lbMetric(cluster, 'filfollower_nodejs_heap_size_used_bytes')) + (await lbMetric(cluster, 'filfollower_nodejs_external_memory_bytes'))) / 2 ** 20;
    const lbPid = rolePids(cluster, 'lb')[0]!.pid;
    await collectGarbage(lbPid);
    const heapBefore = await lbHeap();
    let heapPeak = heapBefore;
    const sockets: WebSocket[] = [];
    const wsCodes = new Map<string, number>();
    // a paused client never sees the server's close (it reads nothing), so the balancer's own counters tell
    const slowBefore = await lbMetric(cluster, 'filfollower_ws_slow_clients_closed_total');
    await Promise.all(
      Array.from({ length: WS_CLIENTS }, async (_, i) => {
        // spread over loopback addresses, under MAX_WS_PER_IP=64 each
        const ws = new WebSocket(cluster.lbWsUrl, { localAddress: `127.0.1.${1 + (i % 20)}` });
        sockets.push(ws);
        ws.on('error', () => undefined);
        await new Promise<void>((resolve) => {
          ws.once('open', () => {
            for (let k = 0; k < 16; k++) ws.send(req('Filecoin.ChainNotify', [], k));
            // after the subscriptions, stop reading: the socket is paused, the kernel buffers fill
            setTimeout(() => {
              (ws as unknown as { _socket?: { pause(): void } })._socket?.pause();
              resolve();
            }, 200);
          });
          ws.once('error', () => resolve());
        });
      }),
    );
    // HTTP reads beside them until the server has dropped every one (or WS_PHASE_MS passes)
    const wsStart = Date.now();
    const samples: Array<{ p50: number; p99: number; n: number; failed: number; lat: number[] }> = [];
    let rssPeak = rssMb(cluster);
    let droppedByServer = 0;
    while (Date.now() - wsStart < WS_PHASE_MS) {
      samples.push(await readLatencies(cluster.lbUrl, '127.0.0.2', 2000));
      rssPeak = Math.max(rssPeak, rssMb(cluster));
      heapPeak = Math.max(heapPeak, await lbHeap());
      droppedByServer = (await lbMetric(cluster, 'filfollower_ws_slow_clients_closed_total')) - slowBefore;
      if (droppedByServer >= WS_CLIENTS || (await lbMetric(cluster, 'filfollower_ws_connections')) === 0) break;
    }
    const dropSeconds = (Date.now() - wsStart) / 1000;
    const during = await readLatencies(cluster.lbUrl, '127.0.0.2', PHASE_MS);
    wsCodes.set(`dropped by the server within ${dropSeconds.toFixed(0)} s`, droppedByServer);
    const stillOpen = await lbMetric(cluster, 'filfollower_ws_connections');
    if (stillOpen > 0) wsCodes.set('still open at the balancer (closed by the bench)', stillOpen);
    for (const ws of sockets) ws.terminate();
    await new Promise((r) => setTimeout(r, 5000));
    const rssAfterWs = rssMb(cluster);
    await collectGarbage(lbPid);
    const heapAfter = await lbHeap();
    const worstWhile = samples.reduce((m, x) => Math.max(m, x.p99), 0);
    const pooled = samples.flatMap((x) => x.lat).sort((a, b) => a - b);
    const pooledP99 = pooled[Math.min(pooled.length - 1, Math.floor(0.99 * pooled.length))] ?? 0;
    rows.push({ name: `${WS_CLIENTS} WebSocket clients × 16 ChainNotify that never read (WS_MAX_BUFFERED_BYTES=${WS_BUFFER})`, count: WS_CLIENTS, codes: wsCodes, rssBefore: rssBeforeWs, rssAfter: rssAfterWs });
    notes.push(
      `| HTTP ChainHead p99, idle | ${wsIdle.p99.toFixed(2)} ms | p50 ${wsIdle.p50.toFixed(2)} ms, ${wsIdle.n} reads |`,
      `| same, while ${WS_CLIENTS} non-reading WebSocket clients are connected | ${pooledP99.toFixed(2)} ms | p99 of all ${pooled.length} reads until all were dropped; ratio ${(pooledP99 / wsIdle.p99).toFixed(2)}× idle before |`,
      `| same, worst 2-s window | ${worstWhile.toFixed(2)} ms | worst p99 of ${samples.length} 2-s windows until all were dropped (${dropSeconds.toFixed(0)} s; p99 by window: ${samples.map((x) => x.p99.toFixed(0)).join(', ')} ms); ratio ${(worstWhile / wsIdle.p99).toFixed(2)}× idle before, ${(worstWhile / during.p99).toFixed(2)}× idle after |`,
      `| same, after they were dropped | ${during.p99.toFixed(2)} ms | p50 ${during.p50.toFixed(2)} ms, ${during.n} reads, ${during.failed} failed; ratio p99 ${(during.p99 / wsIdle.p99).toFixed(2)}× idle |`,
      `| RSS of balancer + followers | ${rssBeforeWs.toFixed(0)} → ${rssPeak.toFixed(0)} → ${rssAfterWs.toFixed(0)} MB | before, highest with the clients, 5 s after they are gone |`,
      `| balancer heap used + Buffers | ${heapBefore.toFixed(0)} → ${heapPeak.toFixed(0)} → ${heapAfter.toFixed(0)} MB | the same moments, from its /debug/metrics, the first and last after a full GC (what the process holds; RSS keeps pages the allocator does not give back) |`,
    );
    bar.update({ done: rows.length });

    // --- inputs (issue 9, "Bounds on every input") ---
    const repeat = JSON.stringify([Array.from({ length: 10_000 }, () => B)]);
    await attack('ChainGetTipSet, one block CID repeated 10,000 times', 150, () => req('Filecoin.ChainGetTipSet', repeat));
    await attack('ChainGetTipSet [B,B]', 300, () => req('Filecoin.ChainGetTipSet', [[B, B]]));
    await attack('ChainGetTipSet, 500 varied keys of 64 real block CIDs', 500, (i) => req('Filecoin.ChainGetTipSet', [Array.from({ length: 64 }, (_, k) => cidJson(blocks[(i + k * 7) % blocks.length]!))]));
    const missing = JSON.stringify([Array.from({ length: 10_000 }, (_, i) => ({ '/': `bafy2bzace${String(i).padStart(50, 'a')}` }))]);
    await attack('ChainGetTipSet, 10,000 CIDs not in the store', 50, () => req('Filecoin.ChainGetTipSet', missing));
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    await attack('params nested 100,000 deep', 50, () => req('Filecoin.ChainHead', deep));
    await attack('id nested 100,000 deep', 50, () => req('Filecoin.ChainHead', [], deep));
    await attack('id true / [1] / {"a":1}', 300, (i) => req('Filecoin.ChainHead', [], ['true', '[1]', '{"a":1}'][i % 3]));
    await attack('ChainGetTipSetByHeight 2^63 / 1e308 / 2^53+1', 300, (i) => req('Filecoin.ChainGetTipSetByHeight', `[${['9223372036854775808', '1e308', '9007199254740993'][i % 3]},[]]`));
    await attack('truncated body', 300, () => req('Filecoin.ChainHead', []).slice(0, 30));
    await attack('50 MB body to the balancer', 5, () => Buffer.alloc(50 << 20, 0x20), cluster.lbUrl, 1);
    await attack('50 MB body to a follower directly', 5, () => Buffer.alloc(50 << 20, 0x20), follower, 1);
    await attack('batch of 101 ChainHead', 100, () => `[${Array.from({ length: 101 }, (_, i) => req('Filecoin.ChainHead', [], i)).join(',')}]`);

    // --- a client at full speed beside a second one (rate limit) ---
    const idle = await readLatencies(cluster.lbUrl, '127.0.0.2', PHASE_MS);
    const floodAgent = client('127.0.0.3');
    const floodCodes = new Map<string, number>();
    let flooding = true;
    let floodCount = 0;
    const rssBeforeFlood = rssMb(cluster);
    const flood = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (flooding) {
          const r = await post(cluster.lbUrl, req('Filecoin.ChainGetTipSetByHeight', [3, null]), floodAgent);
          floodCount++;
          floodCodes.set(r, (floodCodes.get(r) ?? 0) + 1);
        }
      }),
    );
    const beside = await readLatencies(cluster.lbUrl, '127.0.0.2', PHASE_MS);
    flooding = false;
    await flood;
    await floodAgent.close();
    rows.push({ name: `one client at full speed (8 connections, ChainGetTipSetByHeight, RATE_LIMIT=${RATE})`, count: floodCount, codes: floodCodes, rssBefore: rssBeforeFlood, rssAfter: rssMb(cluster) });
    const admitted = floodCodes.get('200/ok') ?? 0;
    notes.push(
      `| second client's ChainHead p99, idle | ${idle.p99.toFixed(2)} ms | p50 ${idle.p50.toFixed(2)} ms, ${idle.n} reads, ${idle.failed} failed |`,
      `| same, beside the client at full speed | ${beside.p99.toFixed(2)} ms | p50 ${beside.p50.toFixed(2)} ms, ${beside.n} reads, ${beside.failed} failed; ratio p99 ${(beside.p99 / idle.p99).toFixed(2)}× idle |`,
      `| the fast client's admitted rate | ${(admitted / (PHASE_MS / 1000)).toFixed(1)} calls/s | standard cost 4 at ${RATE} tokens/s allows ${RATE / 4}/s plus a ${2 * RATE}-token burst; ${floodCodes.get('429/-32005') ?? 0} answered 429 |`,
    );
    bar.update({ done: rows.length });

    bar.finish({ done: rows.length });

    await collectGarbage(lbPid);
    const heapAtEnd = await lbHeap();
    notes.push(`| balancer heap used + Buffers at the end | ${heapAtEnd.toFixed(0)} MB | after every phase, after a full GC |`);
    const alive = [...rolePids(cluster, 'lb'), ...rolePids(cluster, 'follower'), ...rolePids(cluster, 'leader')].length;
    const fmt = (m: Map<string, number>): string => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} × ${v}`).join(', ');
    process.stdout.write(
      `bench:abuse on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; loopback only; cluster of 2 followers replaying mainnet-h0-341.car\n\n` +
        `| request class | sent | answers (HTTP status/JSON-RPC code) | RSS lb+followers before → after (MB) |\n|---|---:|---|---:|\n` +
        rows.map((r) => `| ${r.name} | ${r.count} | ${fmt(r.codes)} | ${r.rssBefore.toFixed(0)} → ${r.rssAfter.toFixed(0)} |`).join('\n') +
        `\n\n| measure | value | detail |\n|---|---:|---|\n${notes.join('\n')}\n\n` +
        `processes alive at the end: ${alive} of 4 (leader, balancer, 2 followers)\n`,
    );
  } finally {
    await cluster.stop();
  }
}

await main();
