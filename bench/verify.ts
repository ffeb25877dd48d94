/**
 * `npm run bench:verify`: what checking every block against its CID costs a follower
 * (blockstore/verified.ts, VERIFY_BLOCKS). An uncached ChainGetBlock reads one header
 * from the store; this times that read, one at a time, through the PostgreSQL
 * blockstore without and with verification, alternating in the same run, and the
 * hash alone. Data: the 547 real block headers of mainnet-h0-341.car.
 * Env: BENCH_ROUNDS (default 5).
 */
import os from 'node:os';
import { fixture } from '../common/paths.js';
import { createMetrics } from '../common/metrics.js';
import { Progress } from '../common/progress.js';
import { verifyBlock } from '../chain/cid.js';
import { CarReplaySource } from '../leader/car-source.js';
import { VerifiedBlockstore } from '../blockstore/verified.js';
import type { Blockstore } from '../blockstore/types.js';
import { startTestPg } from '../test/helpers/pg.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const src = await CarReplaySource.open(fixture('chain', 'mainnet-h0-341.car'));
const headers = src.tipsets.flatMap((t) => t.blocks.map((b) => ({ cid: b.cid, bytes: src.car.blocks.getSync(b.cid)! })));
const db = await startTestPg('bverify');
await db.store.blockstore.putMany(headers);
const plain: Blockstore = db.store.blockstore;
const verified = new VerifiedBlockstore(plain, createMetrics());

/** µs per sequential get of every header. */
async function perGet(bs: Blockstore): Promise<number> {
  const t = process.hrtime.bigint();
  for (const h of headers) await bs.get(h.cid);
  return Number(process.hrtime.bigint() - t) / 1e3 / headers.length;
}
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const runs = { plain: [] as number[], verified: [] as number[], hash: [] as number[] };
const bar = new Progress('bench:verify', 'rounds');
await perGet(plain); // warm the connection pool and PostgreSQL's buffers
for (let i = 0; i < ROUNDS; i++) {
  runs.plain.push(await perGet(plain));
  runs.verified.push(await perGet(verified));
  const t = process.hrtime.bigint();
  for (let k = 0; k < 20; k++) for (const h of headers) verifyBlock(h.cid, h.bytes);
  runs.hash.push(Number(process.hrtime.bigint() - t) / 1e3 / (20 * headers.length));
  bar.update({ done: i + 1, fraction: (i + 1) / ROUNDS });
}
bar.finish({ done: ROUNDS, fraction: 1 });
await db.stop();
const [p, v, h] = [median(runs.plain), median(runs.verified), median(runs.hash)];
process.stdout.write(
  `bench:verify on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; ${headers.length} real headers (mainnet-h0-341.car), ${ROUNDS} rounds, medians\n\n` +
    `| read of one uncached header | µs | ratio to the plain read |\n|---|---:|---:|\n` +
    `| PostgreSQL blockstore get (baseline) | ${p.toFixed(1)} | 1.000 |\n` +
    `| same, verified against its CID | ${v.toFixed(1)} | ${(v / p).toFixed(3)} |\n` +
    `| blake2b-256 check alone | ${h.toFixed(2)} | ${(h / p).toFixed(4)} |\n`,
);
