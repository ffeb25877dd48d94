/**
 * Versioned schema migrations for the SQL backends. Each `migrations/<dialect>/NNN_name.sql`
 * runs once, in order, inside a transaction, recorded in `schema_migrations`;
 * a session advisory lock keeps concurrent runs (several processes starting at
 * once) from racing. Running twice is a no-op.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { projectPath } from '../common/paths.js';

/** SQL dialects with their own migration folder: PostgreSQL, and YugabyteDB YSQL (same SQL plus sharding clauses). */
export type SqlDialect = 'postgres' | 'yugabyte';

/** Parse a dialect name. @throws Error for an unknown one */
export function parseDialect(s: string): SqlDialect {
  if (s === 'postgres' || s === 'yugabyte') return s;
  throw new Error(`unknown SQL dialect "${s}" (postgres, yugabyte)`);
}

/** The SQL a dry run prints: every migration of the dialect, in order, with a header line each. */
export async function migrationsText(dialect: SqlDialect): Promise<string> {
  return (await loadMigrations(dialect)).map((m) => `-- migration ${String(m.version).padStart(3, '0')}_${m.name} (${dialect})\n${m.sql.trim()}\n`).join('\n');
}

/** One migration file. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const LOCK_KEY = 0x46494c46; // "FILF"

/** The migrations of a dialect, in version order. @throws Error on a misnamed file. */
export async function loadMigrations(dialect: SqlDialect): Promise<Migration[]> {
  const dir = projectPath('migrations', dialect);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  return Promise.all(
    files.map(async (f) => {
      const m = /^(\d+)_([a-z0-9_]+)\.sql$/.exec(f);
      if (!m) throw new Error(`migration file name ${f} is not NNN_name.sql`);
      return { version: Number(m[1]), name: m[2]!, sql: await readFile(join(dir, f), 'utf8') };
    }),
  );
}

/**
 * Apply pending migrations.
 * @returns the versions applied by this call (empty when up to date).
 */
export async function migrate(pool: pg.Pool, dialect: SqlDialect = 'postgres'): Promise<number[]> {
  const migrations = await loadMigrations(dialect);
  const client = await pool.connect();
  const onError = (): void => undefined; // see PgChainIndex.applyHeadChange
  client.on('error', onError);
  const applied: number[] = [];
  // YugabyteDB YSQL has no reliable advisory locks across versions: its migrations are
  // written to be safe concurrently (IF NOT EXISTS, ON CONFLICT on the version row)
  const lock = dialect === 'postgres';
  try {
    if (lock) await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING', [m.version, m.name]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.version}_${m.name} failed: ${(e as Error).message}`, { cause: e });
      }
      applied.push(m.version);
    }
  } finally {
    if (lock) await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    client.off('error', onError);
    client.release();
  }
  return applied;
}
