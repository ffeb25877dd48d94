/**
 * The same-run baseline server: a bare fastify JSON-RPC echo on 127.0.0.1:<argv[2]>,
 * POST /rpc/v1 answers `{ id, jsonrpc, result: params }`. Run as its own process so
 * its CPU is not the benchmark driver's: `node dist/bench/lib/echo-server.js PORT`.
 */
import Fastify from 'fastify';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('usage: echo-server.js PORT\n');
  process.exit(2);
}
const app = Fastify();
app.post('/rpc/v1', async (req) => {
  const b = req.body as { id: unknown; params: unknown };
  return { id: b.id, jsonrpc: '2.0', result: b.params };
});
app.get('/health/livez', async () => ({ ok: true }));
await app.listen({ host: '127.0.0.1', port });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
