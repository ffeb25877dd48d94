/**
 * `npm run bench:decode`: dag-cbor decoding, `@ipld/dag-cbor`'s decode (baseline) against
 * chain/cbor-decode.ts's (CIDs as views of the block), alternating in the
 * same run, per kind of block, in µs per block and as a ratio to the baseline. Data: every
 * dag-cbor block of mainnet-h0-341.car and mainnet-h591818-591820.car (real), sorted by
 * what they are: block headers, AMT nodes (message and receipt lists: mostly CIDs),
 * messages, the rest.
 * Env: BENCH_ROUNDS (default 7).
 */
import os from 'node:os';
import * as dagCbor from '@ipld/dag-cbor';
import { fixture } from '../common/paths.js';
import { Progress } from '../common/progress.js';
import { DAG_CBOR } from '../chain/cid.js';
import { decodeDagCbor } from '../chain/cbor-decode.js';
import { loadCar } from '../blockstore/car.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const kinds = new Map<string, Uint8Array[]>([['block headers', []], ['AMT nodes', []], ['messages', []], ['other', []]]);
for (const f of ['mainnet-h0-341.car', 'mainnet-h591818-591820.car']) {
  for (const b of (await loadCar(fixture('chain', f))).blocks.values()) {
    if (b.cid.code !== DAG_CBOR) continue;
    const v = dagCbor.decode(b.bytes);
    const kind = !Array.isArray(v) ? 'other' : v.length === 16 ? 'block headers' : v.length === 3 && Array.isArray(v[2]) ? 'AMT nodes' : v.length === 10 || (v.length === 2 && Array.isArray(v[0])) ? 'messages' : 'other';
    kinds.get(kind)!.push(b.bytes);
  }
}

/** µs per block decoding `blocks` with `decode`, enough passes for ~50 ms. */
function perBlock(blocks: Uint8Array[], decode: (b: Uint8Array) => unknown): number {
  const passes = Math.max(1, Math.ceil(20_000 / blocks.length));
  const t = process.hrtime.bigint();
  for (let p = 0; p < passes; p++) for (const b of blocks) decode(b);
  return Number(process.hrtime.bigint() - t) / 1e3 / (passes * blocks.length);
}
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const runs = new Map([...kinds.keys()].map((k) => [k, { base: [] as number[], ours: [] as number[] }]));
const bar = new Progress('bench:decode', 'rounds');
// warm up both
for (const blocks of kinds.values()) {
  if (blocks.length === 0) continue;
  perBlock(blocks, decodeDagCbor);
  perBlock(blocks, dagCbor.decode);
}
for (let i = 0; i < ROUNDS; i++) {
  for (const [k, blocks] of kinds) {
    if (blocks.length === 0) continue;
    runs.get(k)!.base.push(perBlock(blocks, dagCbor.decode));
    runs.get(k)!.ours.push(perBlock(blocks, decodeDagCbor));
  }
  bar.update({ done: i + 1, fraction: (i + 1) / ROUNDS });
}
bar.finish({ done: ROUNDS, fraction: 1 });
let out = `bench:decode on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; real blocks of mainnet-h0-341.car and mainnet-h591818-591820.car, ${ROUNDS} rounds, medians\n\n`;
out += `| blocks | count | mean bytes | @ipld/dag-cbor µs | ours µs | ours ÷ dag-cbor (time) |\n|---|---:|---:|---:|---:|---:|\n`;
for (const [k, blocks] of kinds) {
  if (blocks.length === 0) continue;
  const [b, o] = [median(runs.get(k)!.base), median(runs.get(k)!.ours)];
  out += `| ${k} | ${blocks.length} | ${Math.round(blocks.reduce((n, x) => n + x.length, 0) / blocks.length)} | ${b.toFixed(2)} | ${o.toFixed(2)} | ${(o / b).toFixed(3)} |\n`;
}
process.stdout.write(out);
