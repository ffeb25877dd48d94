/**
 * A read load for availability tests: `workers` clients asking the endpoint for random
 * real tipsets by height, each answer checked against the CAR, until stopped.
 */
import type { TipSet } from '../../chain/tipset.js';
import { cidJson } from '../../chain/json.js';
import { rpc } from './cluster.js';

/** A running load: requests so far, and `stop` for the totals and every failure. */
export interface ReadLoad {
  readonly tried: number;
  stop(): Promise<{ tried: number; failures: string[] }>;
}

/**
 * Start the load on `url` (a `/rpc/v1` URL) over `tipsets`; with `maxHeight`, only over
 * those at or below the height it gives at each request (a head still moving).
 */
export function startReadLoad(url: string, tipsets: TipSet[], workers = 4, maxHeight?: () => number): ReadLoad {
  let stopped = false;
  let tried = 0;
  const failures: string[] = [];
  const client = async (): Promise<void> => {
    while (!stopped) {
      const top = maxHeight?.() ?? Infinity;
      const some = top === Infinity ? tipsets : tipsets.filter((t) => t.height <= top);
      if (some.length === 0) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      const t = some[Math.floor(Math.random() * some.length)]!;
      tried++;
      try {
        const r = await rpc(url, 'Filecoin.ChainGetTipSetByHeight', [t.height, null]);
        if (JSON.stringify(r.body?.result?.Cids) !== JSON.stringify(t.key.map(cidJson))) failures.push(`${t.height}: ${JSON.stringify(r.body?.error ?? r.body).slice(0, 200)}`);
      } catch (e) {
        failures.push(`${t.height}: ${(e as Error).message}`);
      }
    }
  };
  const running = Array.from({ length: workers }, () => client());
  return {
    get tried() {
      return tried;
    },
    async stop() {
      stopped = true;
      await Promise.all(running);
      return { tried, failures };
    },
  };
}
