/**
 * One JSON-RPC request body read once for the balancer's hot path: the edge cache and
 * the batch coalescer both need its method, params and id, and nothing else parses it.
 */
import { MAX_JSON_DEPTH, nestedDeeperThan } from '../rpc/server.js';

/** A single request with a plain id: an integer or a short string without escapes. */
export interface SingleCall {
  method: string;
  /** The params as JSON text (`[]` when absent). */
  paramsText: string;
  /** The id as JSON text, as a follower echoes it (`7`, `"a-1"`). */
  idText: string;
}

const PLAIN_ID = /^(?:-?[1-9]\d{0,14}|0|"[A-Za-z0-9_.:-]{1,64}")$/;

/**
 * The call in `body`, when it is one plain single request (≤ 4 KiB, `jsonrpc: "2.0"`, a
 * method, a plain id; not nested deeper than one level less than the followers accept, so
 * that it may also travel inside a batch); else null.
 */
export function singleCall(body: string): SingleCall | null {
  if (body.length > 4096 || body.charCodeAt(0) !== 123 /* { */) return null;
  if (nestedDeeperThan(body, MAX_JSON_DEPTH - 1)) return null;
  let req: { id?: unknown; method?: unknown; params?: unknown; jsonrpc?: unknown };
  try {
    req = JSON.parse(body);
  } catch {
    return null;
  }
  if (typeof req.method !== 'string' || req.jsonrpc !== '2.0') return null;
  const idText = JSON.stringify(req.id);
  if (idText === undefined || !PLAIN_ID.test(idText)) return null;
  return { method: req.method, paramsText: req.params === undefined ? '[]' : JSON.stringify(req.params), idText };
}
