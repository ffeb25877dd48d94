/**
 * From declarations to a served method table: for one API version, every declared
 * method (and alias) becomes an rpc/server.ts `MethodSpec` that checks arity, parses
 * the params, runs the handler with a {@link MethodContext} carrying the method's
 * cache and lookback policies, and maps failures onto Lotus's errors. Forwarded and
 * refused methods answer -32601 with the reason. Nothing here is per-method code.
 */
import type { TipSet, TipSetKey } from '../chain/tipset.js';
import { DecodeError } from '../chain/types.js';
import { InternalError, HandlerError, MethodNotFoundError, RpcError } from '../rpc/errors.js';
import type { MethodSpec } from '../rpc/server.js';
import type { ChainView } from './chain-view.js';
import { minArity } from './params.js';
import type { ApiVersion, MethodDef, Registry } from './registry.js';

/** What a handler gets: the shared chain view, with this method's policies applied. */
export class MethodContext {
  constructor(
    readonly view: ChainView,
    readonly def: MethodDef,
    /** The API version the call came in on. */
    readonly version: ApiVersion,
    /** Every declared method (Discover renders it). */
    readonly registry: Registry,
  ) {}

  /** The collaborators (reader, index, heads, changes, cache, limits). */
  get deps(): ChainView['deps'] {
    return this.view.deps;
  }

  /**
   * The answer for `key` from the response cache (when the method's policy allows
   * caching), else computed. Keys must name what makes the answer immutable: a CID, a
   * TipSetKey, or "H@TipSetKey" — never the head.
   */
  cached<T>(key: string, compute: () => Promise<T>): Promise<T> {
    if (this.def.cache === 'none' || this.def.cache === 'head') return compute();
    return this.view.deps.cache.get(this.def.name, key, compute);
  }

  /** lotus-gateway's lookback check of a height, when the method's policy has one. */
  checkLookback(height: number, what: 'bad tipset' | 'bad tipset height' = 'bad tipset'): void {
    if (this.def.lookback !== 'none') this.view.checkLookback(height, what);
  }

  /** GetTipSetFromKey (empty key = head) with the method's lookback check. */
  async tipSetFromKey(key: TipSetKey, wrap = true): Promise<TipSet> {
    const ts = await this.view.tipSetFromKey(key, wrap);
    if (key.length > 0) this.checkLookback(ts.height);
    return ts;
  }

  /** MESSAGE_LOOKBACK_EPOCHS when the method's policy is `message` (0 = unlimited). */
  get messageLookbackEpochs(): number {
    return this.def.lookback === 'message' ? this.view.deps.limits.messageLookbackEpochs : 0;
  }
}

/** Store failures become retryable internal errors; Lotus-shaped errors pass through with their cause. */
function mapError(e: unknown): RpcError {
  if (e instanceof RpcError) return e;
  // malformed data is the caller's or the chain's problem (code 1), not the store's
  if (e instanceof DecodeError) return new HandlerError(e.message, e);
  return new InternalError(`store error: ${(e as Error)?.message ?? String(e)}`, e);
}

/** The error a method that is not served here answers with. */
export function notServedError(def: MethodDef, via: string): MethodNotFoundError {
  if (def.answer === 'forwarded') {
    return new MethodNotFoundError(def.name, `method '${via}' needs execution or the mempool, which this read-only gateway does not serve (no full node configured)`);
  }
  const reason = typeof def.answer === 'object' ? def.answer.refused : 'not served';
  return new MethodNotFoundError(def.name, `method '${via}' is not served by this read-only gateway: ${reason}`);
}

/** The rpc/server.ts spec of one declaration, called as `via` (its name or an alias). */
function specOf(registry: Registry, def: MethodDef, view: ChainView, version: ApiVersion, via: string): MethodSpec {
  if (def.answer !== 'served' || !def.handler) {
    return {
      params: Number.MAX_SAFE_INTEGER,
      minParams: 0,
      label: def.name,
      handler: () => {
        throw notServedError(def, via);
      },
    };
  }
  const ctx = new MethodContext(view, def, version, registry);
  const handler = def.handler;
  return {
    params: def.params.length,
    minParams: minArity(def.params),
    channel: def.channel,
    label: def.name,
    handler: async (raw, call) => {
      const parsed = def.params.map((p, i) => p.parse(raw[i], via));
      try {
        return await handler(ctx, parsed, call);
      } catch (e) {
        throw mapError(e);
      }
    },
  };
}

/**
 * The method table of one API version: every declared name and alias, mapped to its spec.
 * @param only restrict to these Lotus names (the leader serves a few)
 */
export function methodTable(registry: Registry, version: ApiVersion, view: ChainView, only?: readonly string[]): Map<string, MethodSpec> {
  const out = new Map<string, MethodSpec>();
  for (const def of registry.forVersion(version)) {
    if (only && !only.includes(def.name)) continue;
    for (const name of [def.name, ...(def.aliases ?? [])]) out.set(name, specOf(registry, def, view, version, name));
  }
  return out;
}
