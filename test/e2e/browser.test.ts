/**
 * A dApp page in a real browser: headless Chromium (Debian's `chromium`, driven by
 * playwright-core) loads a page from a loopback server (another origin than the
 * balancer, so every call is a CORS request) whose script is viem, bundled by
 * esbuild, reading a block, a balance and the token's logs from the balancer, on the
 * SYNTHETIC FEVM chain. The answers are compared with the generator's manifest.
 * CHROMIUM_PATH overrides the browser (default /usr/bin/chromium; .ci/run installs it).
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { freePort, rpc, startCluster, waitFor, type TestCluster } from '../helpers/cluster.js';
import { scratchDir } from '../helpers/tmp.js';
import { writeSyntheticFevm } from '../../synth/write.js';
import type { SynthManifest } from '../../synth/fevm-chain.js';
import { projectPath } from '../../common/paths.js';

let m: SynthManifest;
let cluster: TestCluster;
let site: FastifyInstance;
let siteUrl: string;
let browser: Browser;

/** The page's script: viem's public client over http, reading what a dApp shows first. */
const PAGE_SCRIPT = `
import { createPublicClient, http } from 'viem';
window.readChain = async (rpcUrl, address, token) => {
  const client = createPublicClient({ transport: http(rpcUrl) });
  const block = await client.getBlock();
  const balance = await client.getBalance({ address });
  const logs = await client.getLogs({ address: token, fromBlock: 0n, toBlock: block.number });
  return { chainId: await client.getChainId(), number: String(block.number), hash: block.hash, txs: block.transactions.length, balance: String(balance), logs: logs.map((l) => [String(l.blockNumber), l.topics[0]]) };
};
`;

before(async () => {
  const files = await writeSyntheticFevm(scratchDir('browser'), { epochs: 30, progress: false, forkDepth: 0 });
  m = files.manifestData;
  cluster = await startCluster({ car: files.car, epochMs: 0, followers: 1 });
  await waitFor(async () => (await rpc(cluster.lbUrl, 'eth_blockNumber')).body?.result === '0x1d', 120_000, 'latest = 29');
  const bundle = await build({ stdin: { contents: PAGE_SCRIPT, resolveDir: projectPath(), loader: 'js' }, bundle: true, format: 'iife', write: false, platform: 'browser', logLevel: 'silent' });
  site = Fastify();
  site.get('/', async (_r, reply) => reply.type('text/html').send('<!doctype html><html><head><script src="/app.js"></script></head><body>dApp</body></html>'));
  site.get('/app.js', async (_r, reply) => reply.type('application/javascript').send(bundle.outputFiles[0]!.text));
  const port = await freePort();
  await site.listen({ host: '127.0.0.1', port });
  siteUrl = `http://127.0.0.1:${port}/`;
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--headless=new'] });
});
after(async () => {
  await browser?.close();
  await site?.close();
  await cluster?.stop();
});

test('headless Chromium: viem in a page on another origin reads a block, a balance and logs through the balancer (CORS)', async () => {
  const page = await browser.newPage();
  const failed: string[] = [];
  page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  await page.goto(siteUrl);
  const eth0 = m.accounts.find((a) => a.label === 'eth0')!.eth!;
  const got = (await page.evaluate(([u, a, t]) => (window as unknown as { readChain: (u: string, a: string, t: string) => Promise<unknown> }).readChain(u!, a!, t!), [cluster.lbUrl, eth0, m.token.address])) as {
    chainId: number;
    number: string;
    hash: string;
    txs: number;
    balance: string;
    logs: Array<[string, string]>;
  };
  assert.deepEqual(failed, []);
  assert.equal(got.chainId, 31415926);
  assert.equal(got.number, '29');
  assert.equal(got.txs, m.txs.filter((t) => t.height === 29).length);
  assert.equal(got.hash, (await rpc(cluster.lbUrl, 'eth_getBlockByNumber', ['0x1d', false])).body.result.hash);
  assert.equal(got.balance, m.finalState[eth0]!.balance);
  const want = m.txs.filter((t) => t.height <= 29).sort((a, b) => a.height - b.height || a.index - b.index).flatMap((t) => t.logs.map((l) => [String(t.height), l.topics[0]]));
  assert.deepEqual(got.logs, want);
  assert.ok(want.length > 10);
  await page.close();
});
