/**
 * Per-client-IP rate limits priced by the method registry: each request takes the
 * tokens of its methods' cost classes (api/registry.ts COST_WEIGHT: light 1,
 * standard 4, heavy 20; a batch takes the sum) from a token bucket that refills at
 * `ratePerSecond` and holds at most `burstSeconds` of it. A request that finds too
 * few tokens is refused (HTTP 429 with `Retry-After`, JSON-RPC -32005) without being
 * forwarded. Methods are read from the body by a scan for `"method":"…"` (no JSON
 * parse), so reads stay as cheap as before. Buckets are kept for at most 100,000
 * IPs (LRU): memory is bounded whatever the number of clients.
 * Compare lotus-gateway's `--rate-limit` (a global token bucket of method costs) and
 * `--per-conn-rate-limit`.
 */
import { LRUCache } from 'lru-cache';
import type { Metrics } from '../common/metrics.js';
import { LimitExceededError } from '../rpc/errors.js';
import { errorResponse, serialize } from '../rpc/server.js';
import { COST_WEIGHT, type Registry } from './registry.js';

/** Rate-limit settings. */
export interface RateLimitOptions {
  /** Tokens per second per IP; 0 turns the limit off. */
  ratePerSecond: number;
  /** Bucket size in seconds of rate (burst). */
  burstSeconds: number;
}

/** The outcome of taking a request's cost. */
export type Admission = { ok: true } | { ok: false; retryAfterSeconds: number; cost: number };

/** Token buckets per client IP. */
export class RateLimiter {
  private readonly buckets = new LRUCache<string, { tokens: number; at: number }>({ max: 100_000 });
  private readonly capacity: number;

  constructor(
    private readonly registry: Registry,
    private readonly opts: RateLimitOptions,
    private readonly now: () => number = () => performance.now(),
    private readonly metrics?: Metrics,
  ) {
    this.capacity = opts.ratePerSecond * Math.max(1, opts.burstSeconds);
  }

  /** Whether limits apply at all. */
  get enabled(): boolean {
    return this.opts.ratePerSecond > 0;
  }

  /** Tokens a body costs: the sum of its methods' weights (a body naming none costs 1). */
  cost(body: string): number {
    let total = 0;
    let n = 0;
    for (const m of body.matchAll(/"method"\s*:\s*"([^"\\]{1,128})"/g)) {
      total += COST_WEIGHT[this.registry.lookup(m[1]!)?.cost ?? 'light'];
      if (++n >= 1000) break;
    }
    return Math.max(1, total);
  }

  /** Take `cost` tokens from `ip`'s bucket, or say when enough will be there. */
  take(ip: string, cost: number): Admission {
    if (!this.enabled) return { ok: true };
    const t = this.now();
    const b = this.buckets.get(ip) ?? { tokens: this.capacity, at: t };
    b.tokens = Math.min(this.capacity, b.tokens + ((t - b.at) / 1000) * this.opts.ratePerSecond);
    b.at = t;
    this.buckets.set(ip, b);
    // a single request costlier than the whole bucket is admitted when the bucket is full (else never)
    const need = Math.min(cost, this.capacity);
    if (b.tokens >= need) {
      b.tokens -= need;
      return { ok: true };
    }
    return { ok: false, cost, retryAfterSeconds: Math.max(1, Math.ceil((need - b.tokens) / this.opts.ratePerSecond)) };
  }

  /**
   * null when `ip` may send `body` now; else the answer to send instead (JSON-RPC -32005,
   * the request's id when it names one early in the body) and when to retry, for HTTP 429
   * `Retry-After`. Counted in `filfollower_rate_limited_total`.
   */
  refusal(ip: string, body: string): { body: string; retryAfterSeconds: number } | null {
    if (!this.enabled) return null;
    const a = this.take(ip, this.cost(body));
    if (a.ok) return null;
    this.metrics?.rateLimited.inc();
    const m = /^\s*\{[^]*?"id"\s*:\s*("(?:[^"\\]{0,64})"|-?\d{1,16})/.exec(body.slice(0, 4096));
    const id = m ? (JSON.parse(m[1]!) as string | number) : null;
    const message = `rate limit exceeded: this request costs ${a.cost} tokens at ${this.opts.ratePerSecond} per second; retry in ${a.retryAfterSeconds} s`;
    return { retryAfterSeconds: a.retryAfterSeconds, body: serialize(errorResponse(id, LimitExceededError.code, message)) };
  }
}
