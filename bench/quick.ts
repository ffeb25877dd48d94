/**
 * `npm run bench:quick`: req/s and p99 latency of ChainHead and of ChainGetBlock
 * over random real block CIDs (mainnet-h0-341.car), through the balancer and
 * direct to one follower, next to a bare fastify JSON-RPC echo server measured in
 * the same run. Prints each figure and its ratio to the echo baseline (this
 * machine is shared and noisy: compare ratios, not absolute numbers).
 * Env: BENCH_SECONDS (default 5), BENCH_CONNECTIONS (default 32).
 */
import os from 'node:os';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { CarReplaySource } from '../leader/car-source.js';
import { fixture } from '../common/paths.js';
import { freePort, rpc, startCluster, waitFor } from '../test/helpers/cluster.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

interface Result {
  name: string;
  rps: number;
  p99: number;
}

async function measure(name: string, url: string, bodies: string[]): Promise<Result> {
  process.stdout.write(`  measuring ${name} (${SECONDS}s, ${CONNECTIONS} connections)…\n`);
  let i = 0;
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }) }],
  });
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { name, rps: r.requests.average, p99: r.latency.p99 };
}

async function echoServer(): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify();
  app.post('/rpc/v1', async (req) => {
    const b = req.body as { id: unknown; params: unknown };
    return { id: b.id, jsonrpc: '2.0', result: b.params };
  });
  const port = await freePort();
  await app.listen({ host: '127.0.0.1', port });
  return { url: `http://127.0.0.1:${port}/rpc/v1`, close: () => app.close() };
}

const src = await CarReplaySource.open(fixture('chain', 'mainnet-h0-341.car'));
const blocks = src.tipsets.flatMap((t) => t.blocks.map((b) => b.cid.toString()));
for (let i = blocks.length - 1; i > 0; i--) {
  const j = Math.floor(Math.random() * (i + 1));
  [blocks[i], blocks[j]] = [blocks[j]!, blocks[i]!];
}
const headBody = [JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'Filecoin.ChainHead', params: [] })];
const blockBodies = blocks.map((c, i) => JSON.stringify({ jsonrpc: '2.0', id: i, method: 'Filecoin.ChainGetBlock', params: [{ '/': c }] }));

process.stdout.write(`bench:quick on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}\n`);
process.stdout.write(`data: mainnet-h0-341.car (real mainnet, ${blocks.length} block headers)\n`);
process.stdout.write('starting cluster (embedded PostgreSQL, leader, 2 followers, balancer)…\n');
const cluster = await startCluster({ epochMs: 0 });
try {
  await waitFor(async () => (await rpc(cluster.lbUrl, 'Filecoin.ChainHead')).body?.result?.Height === 341, 120_000, 'head 341');
  const echo = await echoServer();
  const follower = `${cluster.followerUrls[0]}/rpc/v1`;
  const results: Result[] = [];
  results.push(await measure('echo baseline (bare fastify)', echo.url, headBody));
  results.push(await measure('ChainHead direct to follower', follower, headBody));
  results.push(await measure('ChainHead via balancer', cluster.lbUrl, headBody));
  results.push(await measure('ChainGetBlock direct to follower', follower, blockBodies));
  results.push(await measure('ChainGetBlock via balancer', cluster.lbUrl, blockBodies));
  await echo.close();
  const base = results[0]!;
  process.stdout.write('\n| case | req/s | p99 ms | req/s ÷ echo | p99 ÷ echo |\n|---|---:|---:|---:|---:|\n');
  for (const r of results) {
    process.stdout.write(`| ${r.name} | ${r.rps.toFixed(0)} | ${r.p99.toFixed(1)} | ${(r.rps / base.rps).toFixed(3)} | ${(r.p99 / Math.max(base.p99, 0.001)).toFixed(2)} |\n`);
  }
} finally {
  await cluster.stop();
}
