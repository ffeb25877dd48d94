/**
 * One JSON-RPC POST to a follower (or the full node) over an undici Pool, through its
 * raw `dispatch` interface: no Readable stream, no body mixin, no string decoding per
 * request. The answer comes back as the bytes the upstream sent, to be written to the
 * client unchanged. The handler speaks the callbacks undici's Client calls natively
 * (onConnect/onHeaders/onData/onComplete/onError; undici 7 wraps the newer
 * onRequestStart/onResponse* form in an adapter per request).
 */
import type { Dispatcher } from 'undici';

/** An upstream's answer: HTTP status and body bytes. */
export interface UpstreamAnswer {
  status: number;
  body: Buffer;
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/**
 * POST `body` to `path` on `pool`. `timeoutMs` bounds both the wait for the response
 * headers and the gaps in its body.
 * @throws undici's errors (`code` ECONNREFUSED, UND_ERR_SOCKET, UND_ERR_HEADERS_TIMEOUT…)
 */
export function postRaw(pool: Dispatcher, path: string, body: Buffer | string, timeoutMs: number, headers: Record<string, string> = JSON_HEADERS): Promise<UpstreamAnswer> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let first: Buffer | null = null;
    let more: Buffer[] | null = null;
    let length = 0;
    pool.dispatch(
      { path, method: 'POST', body, headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs },
      {
        onConnect() {},
        onHeaders(statusCode: number) {
          status = statusCode;
          return true;
        },
        onData(chunk: Buffer) {
          length += chunk.length;
          if (first === null) first = chunk;
          else (more ??= [first]).push(chunk);
          return true;
        },
        onComplete() {
          resolve({ status, body: more ? Buffer.concat(more, length) : (first ?? Buffer.alloc(0)) });
        },
        onError(err: Error) {
          reject(err);
        },
      } as Dispatcher.DispatchHandler,
    );
  });
}
