/**
 * A CAR snapshot as a chain source: the tipsets from genesis (or the oldest tipset
 * the CAR holds) up to the CAR's root tipset, and for each tipset the blocks it
 * brings: its headers and everything reachable from them (TxMeta, message AMTs,
 * messages, receipts AMT, state tree) that the CAR holds and an earlier tipset
 * did not already bring. The walk never follows a header's Parents into other
 * tipsets' headers.
 */
import { CID, linksOf } from '../chain/cid.js';
import { TipSet } from '../chain/tipset.js';
import { ChainReader } from '../blockstore/chain-reader.js';
import { type CarContents, loadCar } from '../blockstore/car.js';
import { type Block, mhKey } from '../blockstore/types.js';

/** One step of a replay: a tipset and the blocks to write before it becomes the head. */
export interface ReplayStep {
  tipset: TipSet;
  blocks: Block[];
}

/** A CAR file opened for replay. */
export class CarReplaySource {
  private constructor(
    readonly path: string,
    readonly car: CarContents,
    /** Tipsets in ascending height. */
    readonly tipsets: TipSet[],
  ) {}

  /**
   * Load and verify a CAR and reconstruct its chain from the roots down.
   * @throws CarFormatError for a malformed file; Error when the roots are not block headers.
   */
  static async open(path: string): Promise<CarReplaySource> {
    const car = await loadCar(path);
    const reader = new ChainReader(car.blocks);
    let ts: TipSet;
    try {
      ts = await reader.loadTipSet(car.roots);
    } catch (e) {
      throw new Error(`${path}: the CAR's roots are not a tipset's block headers (${(e as Error).message})`);
    }
    const chain: TipSet[] = [ts];
    while (ts.height > 0) {
      const parents = ts.parents;
      if (!parents.every((c) => car.blocks.getSync(c))) break;
      ts = await reader.loadTipSet(parents);
      chain.push(ts);
    }
    return new CarReplaySource(path, car, chain.reverse());
  }

  /** Every header CID of every tipset of the chain. */
  private headerKeys(): Set<string> {
    const s = new Set<string>();
    for (const t of this.tipsets) for (const c of t.key) s.add(mhKey(c));
    return s;
  }

  /**
   * The replay steps in ascending height: each tipset with the blocks it brings,
   * each block brought once (by the first tipset that reaches it).
   */
  steps(): ReplayStep[] {
    const headers = this.headerKeys();
    const seen = new Set<string>();
    const out: ReplayStep[] = [];
    for (const ts of this.tipsets) {
      const blocks: Block[] = [];
      const queue: CID[] = [];
      for (const b of ts.blocks) {
        const bytes = this.car.blocks.getSync(b.cid)!;
        const k = mhKey(b.cid);
        if (!seen.has(k)) {
          seen.add(k);
          blocks.push({ cid: b.cid, bytes });
        }
        for (const l of linksOf(b.cid, bytes)) if (!headers.has(mhKey(l))) queue.push(l);
      }
      while (queue.length > 0) {
        const c = queue.pop()!;
        const k = mhKey(c);
        if (seen.has(k)) continue;
        const bytes = this.car.blocks.getSync(c);
        if (!bytes) continue; // the CAR is partial (e.g. no state after genesis)
        seen.add(k);
        blocks.push({ cid: c, bytes });
        for (const l of linksOf(c, bytes)) queue.push(l);
      }
      out.push({ tipset: ts, blocks });
    }
    return out;
  }
}
