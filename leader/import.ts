/**
 * `fil-follower import FILE`: a CAR snapshot (CARv1, `.car.zst`, Forest's
 * `.forest.car.zst`) into the store, streamed in constant memory, every block's hash
 * checked, written in batches, with a progress bar and a summary. When the CAR's
 * roots are a tipset, its chain (as far down as the snapshot has headers) is indexed
 * and the roots tipset becomes the head, through the leader so that a head on
 * another branch moves by a proper revert/apply path. A corrupt or truncated file
 * stops the import with the offset and CID, and the head stays where it was.
 */
import type { Store } from '../store/open.js';
import type { Logger } from '../common/logger.js';
import { createMetrics } from '../common/metrics.js';
import { HeadNotifier } from '../rpc/chain-notify.js';
import { Progress, mb } from '../common/progress.js';
import type { CID } from '../chain/cid.js';
import { TipSet, tipSetKeyCid } from '../chain/tipset.js';
import { ChainReader } from '../blockstore/chain-reader.js';
import { CachedBlockstore } from '../blockstore/cached.js';
import { BatchingBlockstore } from '../blockstore/batching.js';
import { type CarStreamProgress, readCarStream } from '../blockstore/car.js';
import type { Block } from '../blockstore/types.js';
import { Leader } from './leader.js';
import { IndexRowDeriver } from '../indexer/derive.js';
import pMap from 'p-map';

/** What an import did. */
export interface ImportSummary {
  path: string;
  blocks: number;
  /** Block bytes written. */
  bytes: number;
  /** Decompressed CAR size. */
  carBytes: number;
  seconds: number;
  /** Of which reading, verifying and writing blocks. */
  writeSeconds: number;
  roots: string[];
  /** Tipsets indexed (0 when the roots are not block headers). */
  tipsets: number;
  /** Height of the new head, or null when the CAR has no chain. */
  headHeight: number | null;
  /** Of the indexing phase: seconds deriving rows (reading blocks back, decoding), and seconds waiting for the previous page's index write. */
  indexDeriveSeconds: number;
  indexWaitSeconds: number;
}

/**
 * Tipsets whose index rows are derived at the same time, a sliding window (each reads its
 * blocks' message lists, an AMT level per store round trip: the window keeps the round
 * trips of different tipsets overlapping, where lockstep groups waited for their slowest).
 */
const DERIVE_CONCURRENCY = 16;
/** Tipsets whose index rows are written in one transaction. */
const INDEX_PAGE = 200;

/** Import options. */
export interface ImportOptions {
  batchBlocks?: number;
  batchBytes?: number;
  /** Show progress (default true). */
  progress?: boolean;
  /** Memory for written blocks kept for indexing (default 256 MiB; block bytes plus CACHE_ENTRY_OVERHEAD each, blockstore/cached.ts). */
  cacheBytes?: number;
  /** Called after every written batch with the blocks and CAR bytes (decompressed) read so far. */
  onProgress?: (p: { blocks: number; carBytes: number }) => void;
}

/**
 * Import a CAR file.
 * @throws CarFormatError naming the offset/CID (blocks before it stay stored, the head does not move).
 */
export async function importCar(path: string, store: Store, log: Logger, opts: ImportOptions = {}): Promise<ImportSummary> {
  const started = Date.now();
  const importId = await store.index.importStarted(path);
  const p: CarStreamProgress = { blocks: 0, carBytes: 0, fileBytes: 0, fileSize: 0 };
  const bar = opts.progress === false ? null : new Progress(`import ${path.split('/').pop()}`, 'blocks');
  let roots: CID[] = [];
  let batch: Block[] = [];
  let batchBytes = 0;
  let bytes = 0;
  const maxBlocks = opts.batchBlocks ?? 2000;
  const maxBytes = opts.batchBytes ?? 8 << 20;
  // written blocks stay in a bounded cache: indexing reads headers, TxMeta and messages back
  const blockstore = new CachedBlockstore(store.blockstore, opts.cacheBytes ?? 256 << 20);
  // one batch is written while the next is read and verified: the store and the CAR
  // reader work at the same time (at most one write in flight, so memory stays bounded)
  let writing: Promise<void> = Promise.resolve();
  const flush = async (): Promise<void> => {
    await writing;
    if (batch.length === 0) return;
    const full = batch;
    const at = { blocks: p.blocks, carBytes: p.carBytes };
    batch = [];
    batchBytes = 0;
    writing = blockstore.putMany(full).then(() => opts.onProgress?.(at));
    // a failed write surfaces at the next flush (or the last); it is not left unhandled meanwhile
    writing.catch(() => undefined);
  };
  let failed: unknown = null;
  try {
    for await (const b of readCarStream(path, (r) => (roots = r), p)) {
      batch.push(b);
      batchBytes += b.bytes.length;
      bytes += b.bytes.length;
      if (batch.length >= maxBlocks || batchBytes >= maxBytes) await flush();
      bar?.update({ done: p.blocks, fraction: p.fileSize ? p.fileBytes / p.fileSize : undefined, detail: mb(p.carBytes) });
    }
    await flush();
  } catch (e) {
    failed = e;
  }
  // the write in flight finishes either way: blocks read before a malformed part stay stored;
  // the first error (the CAR's, or a write's) is what the import fails with
  await writing.catch((e) => {
    failed ??= e;
  });
  if (failed) throw failed;
  bar?.finish({ done: p.blocks, fraction: 1, detail: mb(p.carBytes) });

  const writeSeconds = (Date.now() - started) / 1000;
  // indexing walks down the chain once: a small decoded-object cache is enough (decoded
  // messages take several times their encoded size, which the cache bound counts: at the
  // default 256 MiB, a mainnet-shaped import's RSS grew past 3 GB while indexing)
  // reads of the tipsets derived at once travel as shared store queries (one per AMT level, not per node)
  // it reads the snapshot back once: blocks still cached are served from the cache, the others
  // come from the store and are not cached (they would only evict blocks still to be read)
  const reader = new ChainReader(new BatchingBlockstore(blockstore.withoutFill()), { cacheBytes: 16 << 20 });
  const rows = new IndexRowDeriver(reader);
  // the chain: the roots tipset and its ancestors, as far down as the snapshot has
  // headers, indexed in pages of 200 while walking down (memory stays bounded)
  let head: TipSet | null = null;
  try {
    head = await reader.loadTipSet(roots);
  } catch {
    head = null; // the roots are not block headers (e.g. a state snapshot)
  }
  let tipsets = 0;
  let headHeight: number | null = null;
  let deriveMs = 0;
  let waitMs = 0;
  if (head) {
    const ibar = opts.progress === false ? null : new Progress('index', 'tipsets');
    let page: TipSet[] = [];
    // a page's rows are written while the next page is derived: the store and this process
    // work at the same time (at most one write in flight, so memory stays bounded)
    let indexing: Promise<void> = Promise.resolve();
    const indexPage = async (): Promise<void> => {
      // DERIVE_CONCURRENCY tipsets at a time: a page of 200 mainnet-sized tipsets at once queued
      // thousands of reads on the store pool, and waits for a connection passed its 10 s timeout
      const t0 = performance.now();
      const applies = await pMap(page, (t) => rows.derive(t, false), { concurrency: DERIVE_CONCURRENCY });
      page = [];
      const t1 = performance.now();
      await indexing;
      deriveMs += t1 - t0;
      waitMs += performance.now() - t1;
      if (applies.length === 0) return;
      indexing = store.index.applyHeadChange([], applies).then(() => {
        tipsets += applies.length;
        ibar?.update({ done: tipsets, fraction: head!.height > 0 ? 1 - (applies[applies.length - 1]!.tipset.height / head!.height) : 1 });
      });
      // a failed write surfaces at the next page (or the last); it is not left unhandled meanwhile
      indexing.catch(() => undefined);
    };
    for (let ts: TipSet | null = head; ts; ) {
      page.push(ts);
      if (page.length >= INDEX_PAGE) await indexPage();
      ts = ts.height === 0 ? null : await reader.parentOf(ts).catch(() => null);
    }
    await indexPage();
    const t1 = performance.now();
    await indexing;
    waitMs += performance.now() - t1;
    ibar?.finish({ done: tipsets, fraction: 1 });
    // the head: the imported tipsets are indexed already, so a head on this chain (or none)
    // just moves; a head on another branch moves by the leader's revert/apply path
    const old = await store.index.getHead();
    const onChain = !old || (old.height <= head.height && (await store.index.isCanonical(tipSetKeyCid(old.key))));
    if (onChain) await store.index.setHead(head);
    else {
      const leader = new Leader({ store, notifier: new HeadNotifier(() => 't'), log, metrics: createMetrics() });
      await leader.resume();
      await leader.advance(head, []);
    }
    headHeight = head.height;
  }
  // finished only once blocks, index rows and head are all written
  await store.index.importFinished(importId, p.blocks);
  const summary: ImportSummary = {
    path,
    blocks: p.blocks,
    bytes,
    carBytes: p.carBytes,
    seconds: (Date.now() - started) / 1000,
    writeSeconds,
    roots: roots.map(String),
    tipsets,
    headHeight,
    indexDeriveSeconds: deriveMs / 1000,
    indexWaitSeconds: waitMs / 1000,
  };
  log.info(summary, 'import complete');
  return summary;
}
