/**
 * Head propagation: a cluster replaying mainnet 0–341 at `epochMs` with `followers`
 * followers. The reference is the leader's own ChainNotify (the leader publishes right
 * after it commits a head; a subscriber on loopback hears it well under a millisecond
 * later). For every follower, a ChainNotify subscriber records when each height arrives,
 * and at that moment asks the follower's ChainHead, which must already be at that height
 * or above (the follower moves its head before it republishes). Delay = follower arrival −
 * leader arrival, per follower per epoch, in ms. The first `warmupEpochs` heights after
 * every follower has a head are warm-up (8 Node processes still loading and compiling on
 * the same cores): measured, reported apart, not in the steady-state figures.
 */
import { RpcWsClient } from '../../rpc/client.js';
import { rpc, startCluster, waitFor } from '../../test/helpers/cluster.js';

/** What the run measured. */
export interface Propagation {
  followers: number;
  epochMs: number;
  /** Delay samples (ms) per follower index. */
  delays: number[][];
  /** ChainHead reads made at a notification that answered below its height (should be 0). */
  headBehind: number;
  /** Such reads that answered. */
  headReads: number;
  /** Such reads that failed (counted apart, not as behind). */
  headFailed: number;
  /** Leader heights not heard from some follower. */
  missing: number;
  /** The 10 longest delays: follower index (from 1), height, ms. */
  worst: Array<{ follower: number; height: number; ms: number }>;
  /** Warm-up: its heights and its longest delay (ms). */
  warmup: { from: number; to: number; maxMs: number };
}

/** Heights a ChainNotify value applies (`current` and `apply` entries; a follower that moved several epochs at once sends several). */
function heightsOf(v: unknown): number[] {
  if (!Array.isArray(v)) return [];
  return (v as Array<{ Type?: string; Val?: { Height?: unknown } }>).filter((c) => c.Type !== 'revert' && typeof c.Val?.Height === 'number').map((c) => c.Val!.Height as number);
}

/** Run it. */
export async function runPropagation(o: { followers: number; epochMs: number; warmupEpochs: number; progress: (line: string) => void }): Promise<Propagation> {
  o.progress(`propagation: starting a cluster with ${o.followers} followers, ${o.epochMs} ms epochs`);
  const cluster = await startCluster({ epochMs: o.epochMs, followers: o.followers });
  const clients: RpcWsClient[] = [];
  try {
    // every follower has a head before measuring starts; then the leader's clock is the reference
    for (const f of cluster.followerUrls) await waitFor(async () => (await rpc(`${f}/rpc/v1`, 'Filecoin.ChainHead')).body?.result, 60_000, `${f} head`);
    const leaderAt = new Map<number, number>();
    const arrivals: Array<Map<number, number>> = cluster.followerUrls.map(() => new Map());
    let headBehind = 0;
    const headReads: Array<Promise<void>> = [];
    let top = 0;
    const leader = await RpcWsClient.connect(cluster.leaderUrl);
    clients.push(leader);
    await leader.subscribe('Filecoin.ChainNotify', [], (v) => {
      const now = performance.now();
      for (const h of heightsOf(v)) {
        if (!leaderAt.has(h)) leaderAt.set(h, now);
        top = Math.max(top, h);
      }
    }, () => undefined);
    for (const [i, f] of cluster.followerUrls.entries()) {
      const c = await RpcWsClient.connect(`${f.replace(/^http/, 'ws')}/rpc/v1`);
      clients.push(c);
      await c.subscribe('Filecoin.ChainNotify', [], (v) => {
        const now = performance.now();
        const hs = heightsOf(v).filter((h) => !arrivals[i]!.has(h));
        if (hs.length === 0) return;
        for (const h of hs) arrivals[i]!.set(h, now);
        const h = Math.max(...hs);
        headReads.push(
          c.call('Filecoin.ChainHead', []).then((r) => {
            if (((r as { Height?: number })?.Height ?? -1) < h) headBehind++;
          }),
        );
      }, () => undefined);
    }
    let shown = 0;
    await waitFor(async () => {
      if (top - shown >= 50) {
        shown = top;
        o.progress(`propagation: leader at ${top} of 341`);
      }
      return top === 341 && arrivals.every((a) => a.has(341));
    }, 341 * o.epochMs + 120_000, 'every follower at 341');
    const first = Math.min(...leaderAt.keys());
    const steady = (h: number): boolean => h >= first + o.warmupEpochs;
    const samples = arrivals.map((a, i) => [...a].filter(([h]) => leaderAt.has(h)).map(([h, t]) => ({ follower: i + 1, height: h, ms: t - leaderAt.get(h)! })));
    const delays = samples.map((xs) => xs.filter((x) => steady(x.height)).map((x) => x.ms));
    const missing = arrivals.reduce((n, a) => n + [...leaderAt.keys()].filter((h) => !a.has(h)).length, 0);
    const worst = samples.flat().filter((x) => steady(x.height)).sort((a, b) => b.ms - a.ms).slice(0, 10);
    const warm = samples.flat().filter((x) => !steady(x.height));
    const warmup = { from: first, to: first + o.warmupEpochs - 1, maxMs: Math.max(0, ...warm.map((x) => x.ms)) };
    // every ChainHead read is settled before counting (and before the clients close)
    const settled = await Promise.allSettled(headReads);
    const headFailed = settled.filter((r) => r.status === 'rejected').length;
    return { followers: o.followers, epochMs: o.epochMs, delays, headBehind, headReads: settled.length - headFailed, headFailed, missing, worst, warmup };
  } finally {
    for (const c of clients) c.close();
    await cluster.stop();
  }
}
