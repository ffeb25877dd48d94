/**
 * The balancer's routing decision for one HTTP body or WebSocket frame, from the
 * method registry: forwarded methods (execution, mempool) go to the full node, all
 * else to a follower. A batch that mixes both is split, and its answers are merged
 * back in request order. Pure functions: no I/O, unit-tested without a cluster.
 */
import type { ApiVersion, Registry } from '../api/registry.js';
import { MAX_JSON_DEPTH, nestedDeeperThan } from '../rpc/server.js';

/** What to do with a body. */
export type RoutePlan =
  /** Send the body unchanged to a follower (reads: the common case, never parsed). */
  | { kind: 'follower' }
  /** One request for a forwarded method. */
  | { kind: 'fullnode'; method: string; id: string | number | null }
  /** A batch with at least one forwarded request: `toFullNode[i]` says where item i goes. */
  | { kind: 'split'; items: unknown[]; toFullNode: boolean[] };

/** A request object's method, when it is one. */
function methodOf(item: unknown): string | null {
  return item && typeof item === 'object' && !Array.isArray(item) && typeof (item as { method?: unknown }).method === 'string' ? (item as { method: string }).method : null;
}

/** A valid JSON-RPC id (string or number), else null. */
export function idOf(item: unknown): string | number | null {
  const id = item && typeof item === 'object' ? (item as { id?: unknown }).id : undefined;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

/** Whether an upstream answers `item` (a request without an id is a notification: no answer). */
export function expectsAnswer(item: unknown): boolean {
  return !(methodOf(item) !== null && (item as { id?: unknown }).id === undefined);
}

/**
 * Plans bodies for one registry; `needles` make bodies that name no forwarded method
 * cost no parse. With a full node, calls a served method forwards for their params
 * (the `pending` nonce) go there too; without one, a follower answers them.
 */
export class Router {
  private readonly needles: string[];

  constructor(
    private readonly registry: Registry,
    private readonly opts: { fullNode: boolean } = { fullNode: true },
  ) {
    this.needles = registry.forwardedNames(opts.fullNode);
  }

  /** Where `body` goes on path `/rpc/<version>`. Malformed JSON goes to a follower, which answers -32700. */
  plan(body: string, version: ApiVersion): RoutePlan {
    if (!this.needles.some((n) => body.includes(n))) return { kind: 'follower' };
    // a body too deep to parse safely goes to a follower, which refuses it with -32600
    if (nestedDeeperThan(body, MAX_JSON_DEPTH)) return { kind: 'follower' };
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { kind: 'follower' };
    }
    const forwarded = (item: unknown): boolean => {
      const m = methodOf(item);
      if (m === null) return false;
      if (this.registry.route(m, version) === 'fullnode') return true;
      return this.opts.fullNode && this.registry.forwardsCall(m, (item as { params?: unknown }).params, version);
    };
    if (!Array.isArray(parsed)) {
      return forwarded(parsed) ? { kind: 'fullnode', method: methodOf(parsed)!, id: idOf(parsed) } : { kind: 'follower' };
    }
    const toFullNode = parsed.map(forwarded);
    if (!toFullNode.some(Boolean)) return { kind: 'follower' };
    return { kind: 'split', items: parsed, toFullNode };
  }
}

/**
 * Merge the answers of a split batch in request order. `answers[side]` is what that
 * side returned for its sub-batch: an array of answers in its request order (as
 * go-jsonrpc and our server return them, notifications omitted), or one error object
 * for the whole sub-batch, which then answers each of its requests with that error.
 */
export function mergeSplit(plan: Extract<RoutePlan, { kind: 'split' }>, answers: { fullnode: unknown; follower: unknown }): unknown[] {
  const queues = { fullnode: Array.isArray(answers.fullnode) ? [...answers.fullnode] : null, follower: Array.isArray(answers.follower) ? [...answers.follower] : null };
  const out: unknown[] = [];
  plan.items.forEach((item, i) => {
    if (!expectsAnswer(item)) return;
    const side = plan.toFullNode[i] ? 'fullnode' : 'follower';
    const q = queues[side];
    if (q) {
      const next = q.shift();
      if (next !== undefined) out.push(next);
      return;
    }
    const whole = answers[side] as { error?: unknown } | null;
    out.push({ error: whole?.error ?? { code: -32603, message: 'upstream gave no answer' }, id: idOf(item), jsonrpc: '2.0' });
  });
  return out;
}
