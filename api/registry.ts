/**
 * The method registry: every JSON-RPC method the gateway knows is declared once, in
 * the file of its namespace (api/chain.ts, api/state.ts, api/eth.ts, …), with
 *   - its Lotus name and aliases (`eth_*`, `net_*`, `web3_*`, `trace_*`, `rpc.*`),
 *   - the API versions that have it (`/rpc/v0`, `/rpc/v1`, `/rpc/v2`),
 *   - its params (parsed and validated once, errors naming the param),
 *   - how it is answered: served from the store, forwarded to the full node, or
 *     refused with a reason,
 *   - its cache policy, lookback policy and rate-limit cost class,
 *   - its handler.
 * Everything else is derived from it: the follower's and leader's method tables
 * (api/dispatch.ts), the balancer's routing, the README's API table and the OpenRPC
 * document (api/docs.ts), and the per-method metrics.
 * Model: Forest's `RpcMethod` trait and `for_each_rpc_method!` (ChainSafe/forest src/rpc/).
 */
import type { CallContext } from '../rpc/server.js';
import type { JsonSchema, Param, ParsedParams } from './params.js';
import type { MethodContext } from './dispatch.js';

/** A JSON-RPC path version (`/rpc/v0`, `/rpc/v1`, `/rpc/v2`). */
export type ApiVersion = 'v0' | 'v1' | 'v2';

/** The versions this gateway serves, each on `/rpc/<version>`. */
export const SERVED_VERSIONS: readonly ApiVersion[] = ['v1', 'v0', 'v2'];

/** How a method is answered. */
export type Answer =
  /** by followers, from the shared store */
  | 'served'
  /** by the full node at FULLNODE_URL (execution, mempool), through the balancer */
  | 'forwarded'
  /** never: the reason is the error message */
  | { refused: string };

/**
 * What may be cached of an answer:
 * `immutable`: keyed by a CID or TipSetKey, never changes;
 * `head-relative`: keyed by the tipset the answer was computed from (never "the head");
 * `head`: a function of the params and the current head alone (no per-follower state):
 * computed per call by a follower, kept by the balancer's edge cache until the head moves;
 * `none`: computed per call.
 * The balancer's edge cache keeps `immutable` answers until evicted and `head-relative`
 * and `head` answers until the next head change (loadbalancer/edge-cache.ts).
 */
export type CachePolicy = 'immutable' | 'head-relative' | 'head' | 'none';

/**
 * Which lotus-gateway lookback caps apply: `none`; `tipset` (LOOKBACK_EPOCHS for
 * tipsets and heights the method reaches); `message` (that, and MESSAGE_LOOKBACK_EPOCHS
 * for message searches).
 */
export type LookbackPolicy = 'none' | 'tipset' | 'message';

/** Rate-limit cost class: `light` (memory, one block), `standard` (a few store reads), `heavy` (walks, execution). */
export type CostClass = 'light' | 'standard' | 'heavy';

/** Tokens a call of each class takes from a rate limit. */
export const COST_WEIGHT: Record<CostClass, number> = { light: 1, standard: 4, heavy: 20 };

/** The namespaces, as the README table groups them. */
export type Namespace = 'Chain' | 'State' | 'Msig' | 'Wallet' | 'Gas' | 'Mpool' | 'Eth' | 'Net/Web3' | 'Common';

/** A method declaration. */
export interface MethodDecl<T extends readonly Param<unknown>[] = readonly Param<unknown>[]> {
  /** Lotus name, `Filecoin.X`. */
  name: string;
  namespace: Namespace;
  aliases?: readonly string[];
  /** Default: v0 and v1. */
  versions?: readonly ApiVersion[];
  /** One line for the README and OpenRPC. */
  summary: string;
  params: T;
  /** JSON schema of the result (OpenRPC). */
  result: JsonSchema;
  answer: Answer;
  /** Default: `none`. */
  cache?: CachePolicy;
  /** Default: `none`. */
  lookback?: LookbackPolicy;
  cost: CostClass;
  /** A subscription: WebSocket only (go-jsonrpc channel); over HTTP it answers -32601. */
  channel?: boolean;
  /** Where the answer comes from (README "source of truth" column). */
  source: string;
  /**
   * A served method that a balancer with a full node sends there for these params
   * instead (what only a mempool knows: eth_getTransactionCount at `pending`).
   */
  forwardWhen?: (params: unknown[]) => boolean;
  /** Served methods only. Receives the parsed params. */
  handler?: (ctx: MethodContext, params: ParsedParams<T>, call: CallContext) => unknown;
}

/** A declared method (params erased to the common shape, defaults filled in). */
export type MethodDef = Omit<MethodDecl<readonly Param<unknown>[]>, 'handler' | 'versions' | 'cache' | 'lookback'> & {
  versions: readonly ApiVersion[];
  cache: CachePolicy;
  lookback: LookbackPolicy;
  handler?: (ctx: MethodContext, params: unknown[], call: CallContext) => unknown;
};

/** Declare a method; `params` typed as a tuple so the handler gets parsed values. */
export function method<const T extends readonly Param<unknown>[]>(d: MethodDecl<T>): MethodDef {
  if (d.answer === 'served' && !d.handler) throw new Error(`${d.name}: a served method needs a handler`);
  if (d.answer !== 'served' && d.handler) throw new Error(`${d.name}: only served methods have handlers`);
  return { ...d, versions: d.versions ?? ['v0', 'v1'], cache: d.cache ?? 'none', lookback: d.lookback ?? 'none' } as MethodDef;
}

/** Where the balancer sends a method. */
export type Route = 'follower' | 'fullnode';

/** Every method, with lookups by name, alias and version. */
export class Registry {
  private readonly byVersion = new Map<ApiVersion, Map<string, MethodDef>>();

  /** @throws Error when two declarations claim one name or alias in one version. */
  constructor(readonly methods: readonly MethodDef[]) {
    for (const m of methods) {
      for (const v of m.versions) {
        let t = this.byVersion.get(v);
        if (!t) this.byVersion.set(v, (t = new Map()));
        for (const n of [m.name, ...(m.aliases ?? [])]) {
          if (t.has(n)) throw new Error(`method ${n} declared twice for ${v}`);
          t.set(n, m);
        }
      }
    }
  }

  /** The methods of one version, each once (aliases not repeated). */
  forVersion(v: ApiVersion): MethodDef[] {
    return this.methods.filter((m) => m.versions.includes(v));
  }

  /** The declaration a name or alias resolves to in `v`. */
  lookup(nameOrAlias: string, v: ApiVersion = 'v1'): MethodDef | undefined {
    return this.byVersion.get(v)?.get(nameOrAlias);
  }

  /**
   * Where the balancer sends a call: to the full node for forwarded methods, to a
   * follower for everything else (served, refused and unknown methods are answered there).
   */
  route(nameOrAlias: string, v: ApiVersion = 'v1'): Route {
    return this.lookup(nameOrAlias, v)?.answer === 'forwarded' ? 'fullnode' : 'follower';
  }

  /** Every name and alias of a forwarded method, in any version (with `conditional`: also those forwarded for some params). */
  forwardedNames(conditional = false): string[] {
    return [...new Set(this.methods.filter((m) => m.answer === 'forwarded' || (conditional && m.forwardWhen)).flatMap((m) => [m.name, ...(m.aliases ?? [])]))];
  }

  /** Whether a call of a served method goes to the full node for these params (its `forwardWhen`). */
  forwardsCall(nameOrAlias: string, params: unknown, v: ApiVersion = 'v1'): boolean {
    const d = this.lookup(nameOrAlias, v);
    return !!d?.forwardWhen && Array.isArray(params) && d.forwardWhen(params);
  }
}
