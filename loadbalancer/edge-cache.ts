/**
 * The balancer's edge cache: answers it has relayed, served again without asking a
 * follower. Which methods, from their declared cache policy (api/registry.ts), in two
 * classes, both reorg-safe:
 *  - immutable: methods whose answer is a function of content-addressed params alone
 *    (a block by CID, a tipset by TipSetKey, an object by CID): kept until evicted;
 *  - head-scoped (`head-relative`, `head`): methods answered from the head or a tipset
 *    param (ChainHead, eth_blockNumber, state at a null TipSetKey…): kept only for the
 *    head generation they were answered in. The
 *    generation moves on every head change any follower reports (apply or revert) and
 *    every change of which followers are ready; an answer that arrives after a move is
 *    not stored.
 * Only single requests with a plain id (an integer or a short string without escapes)
 * and a `result` are stored, and only when the follower's answer starts with exactly
 * `{"id":<that id>,`: the stored form is the answer after its id, and a hit is written
 * as `{"id":` + the client's id + that rest, byte for byte what the follower sent.
 * Errors, batches, notifications and every other method always go to a follower.
 */
import { LRUCache } from 'lru-cache';
import type { SingleCall } from './single-call.js';
import type { ApiVersion, MethodDef } from '../api/registry.js';

/** A cacheable request: its key, its id's JSON text, and whether the answer is head-scoped. */
export interface Cacheable {
  key: string;
  idText: string;
  headScoped: boolean;
}

interface Entry {
  /** The answer after `{"id":<id>`. */
  rest: Buffer;
  /** The head generation it was answered in (-1: immutable). */
  gen: number;
}

const PREFIX = Buffer.from('{"id":');
const RESULT = Buffer.from(',"jsonrpc":"2.0","result":');
/** Answers bigger than this are not stored (bytes). */
const MAX_ENTRY_BYTES = 1 << 20;

/** Hit and miss counts, for metrics and the benchmark. */
export interface EdgeCacheStats {
  hits: number;
  misses: number;
  stored: number;
}

/** The cache; `maxBytes` 0 disables it. */
export class EdgeCache {
  private readonly lru: LRUCache<string, Entry> | null;
  private gen = 0;
  readonly stats: EdgeCacheStats = { hits: 0, misses: 0, stored: 0 };

  constructor(maxBytes: number) {
    this.lru = maxBytes > 0 ? new LRUCache<string, Entry>({ maxSize: maxBytes, sizeCalculation: (e, k) => e.rest.length + k.length + 64 }) : null;
  }

  /** The current head generation. */
  get generation(): number {
    return this.gen;
  }

  /** A head moved somewhere, or the set of ready followers changed: head-scoped answers are stale. */
  headMoved(): void {
    this.gen++;
  }

  /**
   * Whether a call may be served from or stored in the cache: by its method's declared
   * cache policy (api/registry.ts) on the path's API version: `immutable` answers are kept
   * until evicted, `head-relative` and `head` ones for one head generation, `none` never.
   */
  cacheable(call: SingleCall | null, def: MethodDef | undefined, version: ApiVersion): Cacheable | null {
    if (!this.lru || !call || !def || def.cache === 'none') return null;
    return { key: `${version}\u0000${def.name}\u0000${call.paramsText}`, idText: call.idText, headScoped: def.cache !== 'immutable' };
  }

  /** The answer bytes for `c` (its id spliced in), or null on a miss. */
  get(c: Cacheable): Buffer | null {
    const e = this.lru!.get(c.key);
    if (!e || (e.gen !== -1 && e.gen !== this.gen)) {
      this.stats.misses++;
      return null;
    }
    this.stats.hits++;
    return Buffer.concat([PREFIX, Buffer.from(c.idText), e.rest]);
  }

  /**
   * Store a follower's answer to `c`, asked when the generation was `genAtRequest`.
   * Kept only when it is a result (HTTP 200), starts with `{"id":<c's id>,`, and no head
   * moved while it was being answered.
   */
  put(c: Cacheable, genAtRequest: number, status: number, answer: Buffer): void {
    if (status !== 200 || answer.length > MAX_ENTRY_BYTES) return;
    if (c.headScoped && genAtRequest !== this.gen) return;
    const head = PREFIX.length + c.idText.length;
    if (answer.length <= head + RESULT.length || answer.compare(PREFIX, 0, PREFIX.length, 0, PREFIX.length) !== 0) return;
    if (answer.toString('latin1', PREFIX.length, head) !== c.idText) return;
    // `,"jsonrpc":"2.0","result":` right after the id: a result, not an error
    if (answer.compare(RESULT, 0, RESULT.length, head, head + RESULT.length) !== 0) return;
    this.lru!.set(c.key, { rest: Buffer.from(answer.subarray(head)), gen: c.headScoped ? this.gen : -1 });
    this.stats.stored++;
  }
}
