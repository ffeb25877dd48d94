/**
 * Connecting to Apache Cassandra or YugabyteDB YCQL through `cassandra-driver`,
 * from one URL:
 *   cassandra://host1:9042,host2:9042/keyspace?dc=datacenter1&consistency=QUORUM&replication=3
 *   (`ycql://…` is the same for YugabyteDB's YCQL API)
 * Options: `dc` (local data center, default datacenter1), `consistency` for reads and
 * writes (default QUORUM), `replication` (SimpleStrategy factor, or `dc1:3,dc2:3` for
 * NetworkTopologyStrategy; default 1) used when creating the keyspace, `timeoutMs`
 * (the driver's request timeout, default 12000), `deadlineMs` (the most any request may
 * take whatever the driver does, default 2.5 × timeoutMs), `user`/`password` via the URL's userinfo.
 * Token-aware routing over DC-aware round robin; the driver's default retry policy.
 */
import cassandra from 'cassandra-driver';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectPath } from '../common/paths.js';

/** Parsed CQL connection settings. */
export interface CqlSettings {
  contactPoints: string[];
  keyspace: string;
  localDataCenter: string;
  consistency: number;
  consistencyName: string;
  replication: Record<string, string | number>;
  timeoutMs: number;
  /** ms; see cqlClient */
  deadlineMs: number;
  credentials?: { username: string; password: string };
}

/** Parse a `cassandra://` / `ycql://` URL. @throws Error naming what is wrong */
export function parseCqlUrl(url: string): CqlSettings {
  const m = /^(cassandra|ycql):\/\/(?:([^:@/]+)(?::([^@/]*))?@)?([^/?]+)\/([A-Za-z_][A-Za-z0-9_]*)(?:\?(.*))?$/.exec(url);
  if (!m) throw new Error('expected cassandra://host[:port][,host[:port]…]/keyspace[?dc=…&consistency=…&replication=…]');
  const params = new URLSearchParams(m[6] ?? '');
  const consistencyName = (params.get('consistency') ?? 'QUORUM').toUpperCase();
  const consistency = (cassandra.types.consistencies as unknown as Record<string, number>)[consistencyName.toLowerCase().replace(/_(.)/g, (_, c: string) => c.toUpperCase())];
  if (consistency === undefined) throw new Error(`unknown consistency "${consistencyName}"`);
  const ms = (name: string, dflt: number): number => {
    const v = Number(params.get(name) ?? dflt);
    if (!Number.isInteger(v) || v <= 0) throw new Error(`${name} must be a positive whole number of ms, got "${params.get(name)}"`);
    return v;
  };
  const timeoutMs = ms('timeoutMs', 12_000);
  const deadlineMs = ms('deadlineMs', Math.round(2.5 * timeoutMs));
  const rep = params.get('replication') ?? '1';
  const replication: Record<string, string | number> = /^\d+$/.test(rep)
    ? { class: 'SimpleStrategy', replication_factor: Number(rep) }
    : { class: 'NetworkTopologyStrategy', ...Object.fromEntries(rep.split(',').map((p) => { const [dc, n] = p.split(':'); return [dc!, Number(n)]; })) };
  return {
    contactPoints: m[4]!.split(',').map((h) => (h.includes(':') ? h : `${h}:9042`)),
    keyspace: m[5]!,
    localDataCenter: params.get('dc') ?? 'datacenter1',
    consistency,
    consistencyName,
    replication,
    timeoutMs,
    deadlineMs,
    credentials: m[2] ? { username: decodeURIComponent(m[2]), password: decodeURIComponent(m[3] ?? '') } : undefined,
  };
}

/**
 * A CQL request that did not settle within its deadline (see cqlClient): retryable, as
 * every statement here is idempotent.
 */
export class CqlDeadlineError extends Error {
  override name = 'CqlDeadlineError';
}

/**
 * A connected client (keyspace not yet selected). Its promise-form `execute` settles
 * within `deadlineMs` (2.5 × `timeoutMs`, 30 s, by default) whatever the driver does: requests that
 * hang when a node vanishes are a known failure of Cassandra drivers, and one hung
 * request must not stop the leader's replay or a follower's head moves for good. A
 * request given up on may still be applied later; that is harmless because the driver
 * stamps each write with its client-side timestamp when it is issued, so a late write
 * loses to every newer one (last write wins), and every statement is idempotent.
 * @throws CqlDeadlineError from `execute` past the deadline
 */
export function cqlClient(s: CqlSettings, keyspace?: string): cassandra.Client {
  const client = driverClient(s, keyspace);
  const { deadlineMs } = s;
  const execute = client.execute.bind(client) as (q: string, p?: unknown, o?: cassandra.QueryOptions) => Promise<cassandra.types.ResultSet>;
  (client as { execute: unknown }).execute = (query: string, params?: unknown, options?: cassandra.QueryOptions): Promise<cassandra.types.ResultSet> => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CqlDeadlineError(`CQL request did not settle within ${deadlineMs} ms: ${query.slice(0, 80)}`)), deadlineMs);
    });
    return Promise.race([execute(query, params, options), deadline]).finally(() => clearTimeout(timer));
  };
  return client;
}

/** How long a keyspace the migration just created may take to reach every node (ms). */
const KEYSPACE_PROPAGATION_MS = 60_000;

/**
 * A client on `s.keyspace`, connected. Right after CREATE KEYSPACE, a node still joining
 * the ring (a cluster starting, as in `docker compose up`) may not have the keyspace yet
 * when the driver's schema-agreement wait gives up; the connection is tried again, once a
 * second, while the error is "Keyspace … does not exist", for up to `patienceMs` (60 s;
 * 0 where no migration just created it: a keyspace that was never made fails at once).
 * @param onWait called with the error before each wait
 * @throws the driver's last error after that, or any other connection error at once
 */
export async function connectKeyspace(
  s: CqlSettings,
  { patienceMs = KEYSPACE_PROPAGATION_MS, onWait = () => undefined }: { patienceMs?: number; onWait?: (e: Error) => void } = {},
): Promise<cassandra.Client> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    const client = cqlClient(s, s.keyspace);
    try {
      await client.connect();
      return client;
    } catch (e) {
      await client.shutdown().catch(() => undefined);
      if (!/Keyspace '?[\w]+'? does not exist/i.test((e as Error).message) || Date.now() >= deadline) throw e;
      onWait(e as Error);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** The driver's client with this project's policies. */
function driverClient(s: CqlSettings, keyspace?: string): cassandra.Client {
  // nodes the driver discovers (system.peers) are dialled on protocolOptions.port, 9042 unless
  // set: use the contact points' port, so a cluster on another port is reached on all its nodes
  const ports = new Set(s.contactPoints.map((h) => Number(h.slice(h.lastIndexOf(':') + 1))));
  return new cassandra.Client({
    contactPoints: s.contactPoints,
    ...(ports.size === 1 ? { protocolOptions: { port: [...ports][0]! } } : {}),
    localDataCenter: s.localDataCenter,
    keyspace,
    credentials: s.credentials,
    policies: {
      loadBalancing: new cassandra.policies.loadBalancing.TokenAwarePolicy(new cassandra.policies.loadBalancing.DCAwareRoundRobinPolicy(s.localDataCenter)),
      retry: new cassandra.policies.retry.RetryPolicy(),
    },
    // a node that vanishes without a reset (a killed container, a dead host) is noticed
    // sooner than with the driver's defaults: a heartbeat on connections idle for 5 s
    // (default 30 s), which itself waits out the read timeout, and a connection on which
    // more than 8 requests timed out is dropped (default 64), so requests stop waiting out
    // `timeoutMs` on it one after another
    socketOptions: { connectTimeout: 5000, readTimeout: s.timeoutMs, defunctReadTimeoutThreshold: 8 },
    pooling: { heartBeatInterval: 5000 },
    // every statement here is idempotent (content-addressed blocks, index rows keyed by what they
    // describe, the head row overwritten): the driver may retry one on another node when a node dies
    queryOptions: { consistency: s.consistency, prepare: true, isIdempotent: true },
  });
}

/** The CQL migrations, in version order: `[version, name, statements]`. */
export async function cqlMigrations(): Promise<Array<{ version: number; name: string; statements: string[] }>> {
  const dir = projectPath('migrations', 'cql');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cql')).sort();
  return Promise.all(
    files.map(async (f) => {
      const m = /^(\d+)_([a-z0-9_]+)\.cql$/.exec(f);
      if (!m) throw new Error(`migration file name ${f} is not NNN_name.cql`);
      const text = (await readFile(join(dir, f), 'utf8')).split('\n').filter((l) => !l.trim().startsWith('--')).join('\n');
      return { version: Number(m[1]), name: m[2]!, statements: text.split(';').map((x) => x.trim()).filter(Boolean) };
    }),
  );
}

/**
 * Create the keyspace (with the URL's replication) and apply pending CQL migrations;
 * every statement is IF NOT EXISTS, so running twice (or concurrently) is safe.
 * @returns versions applied.
 */
export async function migrateCql(s: CqlSettings): Promise<number[]> {
  const admin = cqlClient(s);
  try {
    const rep = JSON.stringify(s.replication).replace(/"/g, "'");
    await admin.execute(`CREATE KEYSPACE IF NOT EXISTS ${s.keyspace} WITH replication = ${rep}`, [], { consistency: cassandra.types.consistencies.all });
  } finally {
    await admin.shutdown();
  }
  const client = await connectKeyspace(s);
  const applied: number[] = [];
  try {
    await client.execute('CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, name text, applied_at timestamp)');
    const done = new Set((await client.execute('SELECT version FROM schema_migrations')).rows.map((r) => r.version as number));
    for (const m of await cqlMigrations()) {
      if (done.has(m.version)) continue;
      for (const st of m.statements) await client.execute(st);
      await client.execute('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, toTimestamp(now()))', [m.version, m.name]);
      applied.push(m.version);
    }
  } finally {
    await client.shutdown();
  }
  return applied;
}
