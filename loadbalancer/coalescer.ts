/**
 * Batch coalescing on the balancer's hot path: single calls for a follower that arrive in
 * the same event-loop turn travel to the follower as one JSON-RPC batch (at most
 * `maxBatch` calls), and the batch's answer is cut back into the single answers. One HTTP
 * exchange instead of N saves the balancer's and the follower's per-request HTTP work; a
 * call that arrives alone goes alone, as before (no waiting: a turn is what already
 * arrived). The answer each client gets is byte for byte what the follower would have
 * sent for its call alone:
 *  - a follower's batch answer is `[` + each single answer (`serialize`, which ends in a
 *    newline) joined by `,` + `]` (rpc/server.ts handleHttp), and JSON.stringify writes no
 *    raw newline, so element i ends at the i-th newline;
 *  - its HTTP status is the one go-jsonrpc gives that answer alone (rpc/server.ts statusFor);
 *  - an element a follower could not answer (-32603 with status ≥ 500) is asked again alone,
 *    which retries it on another follower, as a single call would have been;
 *  - a batch answer that is not such a list (an older follower, a batch limit) makes each
 *    call go alone.
 * Only calls `singleCall` accepts (plain id, so never a notification) of light and
 * standard cost are coalesced; StateWaitMsg and heavy methods always go alone.
 */
import { statusFor } from '../rpc/server.js';

/** A relayed answer: HTTP status, body bytes (or text made here), who answered. */
export interface Answer {
  status: number;
  body: Buffer | string;
  upstream: string;
}

interface Pending {
  body: Buffer;
  resolve: (a: Answer) => void;
}

/** Calls queued for one path and one preferred follower. */
interface Queue {
  path: string;
  affinity: number | undefined;
  items: Pending[];
}

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');
const NEWLINE = 0x0a;
const ERROR_PREFIX = Buffer.from('{"error":');

/**
 * The `n` single answers of a follower's batch answer, or null when it is not a list of
 * exactly `n` newline-terminated answers.
 */
export function splitBatch(body: Buffer, n: number): Buffer[] | null {
  if (body.length < 2 || body[0] !== 0x5b /* [ */ || body[body.length - 1] !== 0x5d /* ] */) return null;
  const out: Buffer[] = [];
  let start = 1;
  for (let i = 0; i < n; i++) {
    const nl = body.indexOf(NEWLINE, start);
    if (nl < 0) return null;
    const next = body[nl + 1];
    if (i < n - 1 ? next !== 0x2c /* , */ : nl + 2 !== body.length) return null;
    out.push(body.subarray(start, nl + 1));
    start = nl + 2;
  }
  return out;
}

/** The status go-jsonrpc gives one answer alone (200 unless it is an error it maps). */
function statusOfAnswer(a: Buffer): number {
  if (a.compare(ERROR_PREFIX, 0, ERROR_PREFIX.length, 0, ERROR_PREFIX.length) !== 0) return 200;
  try {
    return statusFor(JSON.parse(a.toString()));
  } catch {
    return 200;
  }
}

/**
 * Coalesces calls per path and preferred follower; `send` relays one body (a call or a
 * batch) to a follower, preferring the one `affinity` ranks first (balancer.ts).
 */
export class Coalescer {
  private readonly queues = new Map<string, Queue>();
  private scheduled = false;
  /** Batches sent and the calls in them (for metrics and the benchmark). */
  readonly stats = { batches: 0, calls: 0, alone: 0 };

  constructor(
    private readonly send: (path: string, body: Buffer, affinity?: number) => Promise<Answer>,
    private readonly maxBatch: number,
  ) {}

  /**
   * Relay one call's body, in a batch with the calls for the same path and the same
   * preferred follower (`group`: its URL, '' for none) that arrive in the same turn.
   */
  submit(path: string, body: Buffer, group = '', affinity?: number): Promise<Answer> {
    return new Promise((resolve) => {
      const key = `${path}\u0000${group}`;
      let q = this.queues.get(key);
      if (!q) this.queues.set(key, (q = { path, affinity, items: [] }));
      q.items.push({ body, resolve });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    for (const [key, q] of this.queues) {
      this.queues.delete(key);
      for (let i = 0; i < q.items.length; i += this.maxBatch) void this.relay(q.path, q.items.slice(i, i + this.maxBatch), q.affinity);
    }
  };

  /** Send one call alone and hand its answer over. */
  private async alone(path: string, p: Pending, affinity?: number): Promise<void> {
    this.stats.alone++;
    p.resolve(await this.send(path, p.body, affinity));
  }

  private async relay(path: string, items: Pending[], affinity: number | undefined): Promise<void> {
    if (items.length === 1) return this.alone(path, items[0]!, affinity);
    this.stats.batches++;
    this.stats.calls += items.length;
    const parts: Buffer[] = [OPEN];
    items.forEach((p, i) => parts.push(...(i === 0 ? [p.body] : [COMMA, p.body])));
    parts.push(CLOSE);
    const out = await this.send(path, Buffer.concat(parts), affinity);
    const answers = out.status === 200 && typeof out.body !== 'string' ? splitBatch(out.body, items.length) : null;
    if (!answers) {
      // no follower at all: what each call alone would get; any other answer: each call alone
      if (out.upstream === 'none') for (const p of items) p.resolve(out);
      else await Promise.all(items.map((p) => this.alone(path, p, affinity)));
      return;
    }
    await Promise.all(
      answers.map(async (a, i) => {
        const status = statusOfAnswer(a);
        // a follower that could not answer this call: asked again alone (retried elsewhere)
        if (status >= 500 && a.includes('"code":-32603')) return this.alone(path, items[i]!);
        items[i]!.resolve({ status, body: a, upstream: out.upstream });
      }),
    );
  }
}
