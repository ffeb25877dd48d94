/**
 * PostgreSQL's binary COPY format, and COPY … FROM STDIN on a `pg` client
 * (pg-copy-streams). Format: PostgreSQL docs, "COPY — File Formats — Binary Format":
 * the 11-byte signature `PGCOPY\n\377\r\n\0`, a 32-bit flags field (0) and
 * header-extension length (0); per tuple a 16-bit field count, then each field as a
 * 32-bit byte length (-1: NULL) and its bytes in the type's binary send format
 * (bytea verbatim, int8/int4 big-endian, bool one byte); a 16-bit -1 trailer.
 * Binary COPY spares both sides the hex text of bytea parameters, which is most of what
 * an INSERT … unnest of block rows costs.
 */
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Signature + flags + header extension length. */
const HEADER = Buffer.concat([SIGNATURE, Buffer.alloc(8)]);

/** A column's type in a binary COPY. */
export type CopyType = 'bytea' | 'int8' | 'int4' | 'bool';
/** A column's value: Buffer for bytea, number for int8/int4, boolean for bool; null for NULL. */
export type CopyValue = Buffer | number | boolean | null;

const WIDTH: Record<Exclude<CopyType, 'bytea'>, number> = { int8: 8, int4: 4, bool: 1 };

/**
 * One binary COPY payload of `rows`, each with one value per entry of `types`, in order.
 * @throws TypeError when a value does not fit its column (e.g. a non-integer int8)
 */
export function encodeCopy(types: readonly CopyType[], rows: ReadonlyArray<readonly CopyValue[]>): Buffer {
  let n = HEADER.length + 2;
  for (const row of rows) {
    n += 2;
    for (let j = 0; j < types.length; j++) {
      const v = row[j];
      const t = types[j]!;
      n += 4 + (v === null || v === undefined ? 0 : t === 'bytea' ? (v as Buffer).length : WIDTH[t]);
    }
  }
  const out = Buffer.allocUnsafe(n);
  HEADER.copy(out, 0);
  let o = HEADER.length;
  for (const row of rows) {
    o = out.writeInt16BE(types.length, o);
    for (let j = 0; j < types.length; j++) {
      const v = row[j];
      const t = types[j]!;
      if (v === null || v === undefined) {
        o = out.writeInt32BE(-1, o);
      } else if (t === 'bytea') {
        if (!Buffer.isBuffer(v)) throw new TypeError(`COPY column ${j}: bytea wants a Buffer`);
        o = out.writeInt32BE(v.length, o);
        o += v.copy(out, o);
      } else if (t === 'bool') {
        o = out.writeInt32BE(1, o);
        o = out.writeUInt8(v ? 1 : 0, o);
      } else {
        if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new TypeError(`COPY column ${j}: ${t} wants a safe integer, got ${String(v)}`);
        o = out.writeInt32BE(WIDTH[t], o);
        o = t === 'int8' ? out.writeBigInt64BE(BigInt(v), o) : out.writeInt32BE(v, o);
      }
    }
  }
  out.writeInt16BE(-1, o);
  return out;
}

/**
 * `COPY <target> FROM STDIN (FORMAT binary)` of `payload` on `client` (inside the caller's
 * transaction, if any): all rows or, on an error, none.
 * @param target table and column list, e.g. `blocks (mh, data)` (trusted text, never user input)
 * @throws the server's error (code 23505 when a row's key is taken)
 */
export async function copyInto(client: pg.PoolClient | pg.Client, target: string, payload: Buffer): Promise<void> {
  const stream = client.query(copyFrom(`COPY ${target} FROM STDIN (FORMAT binary)`));
  await new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
    stream.end(payload);
  });
}

/**
 * COPY block rows (multihash, data) into `blocks` on one client from `pool`: all of them
 * or none. The client is discarded after a failure, not reused.
 * @throws the server's error (code 23505 when a block is stored already)
 */
export async function copyBlocks(pool: pg.Pool, keys: Buffer[], datas: Buffer[]): Promise<void> {
  const client = await pool.connect();
  const onError = (): void => undefined; // surfaces through the stream; unheard it would crash the process
  client.on('error', onError);
  let broken: Error | undefined;
  try {
    await copyInto(client, 'blocks (mh, data)', encodeCopy(['bytea', 'bytea'], keys.map((k, i) => [k, datas[i]!])));
  } catch (e) {
    broken = e as Error;
    throw e;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
