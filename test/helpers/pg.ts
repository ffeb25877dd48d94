/**
 * A real embedded PostgreSQL for one test file, in a temporary data directory on a
 * free loopback port, with the schema migrated and a store open on it.
 */
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../store/embedded-postgres.js';
import { openStore, type Store } from '../../store/open.js';
import { silentLogger } from '../../common/logger.js';
import { freePort } from './cluster.js';
import { scratchDir } from './tmp.js';
import assert from 'node:assert/strict';
import pg from 'pg';

/** A running test database. */
export interface TestPg {
  /** `postgres://…` of the `filfollower` database. */
  url: string;
  /** A migrated store on it. */
  store: Store;
  /** Close the store and stop the server. */
  stop(): Promise<void>;
}

/** Start PostgreSQL in scratch directory `filf-<name>-…` (removed at exit), migrate, open a store. */
export async function startTestPg(name = 'pg'): Promise<TestPg> {
  const pgh = await startEmbeddedPostgres({ dataDir: join(scratchDir(name), 'pg'), port: await freePort(), log: silentLogger() });
  const store = await openStore(pgh.url, { migrate: true });
  return {
    url: pgh.url,
    store,
    stop: async () => {
      await store.close();
      await pgh.stop();
    },
  };
}

/**
 * Assert that a store holds exactly the replay of mainnet-h0-341.car: its 8,475
 * blocks, 319 canonical tipsets, no height twice (nothing lost, nothing doubled).
 */
export async function assertFullReplayOf341(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    assert.equal(Number((await c.query('SELECT count(*) AS n FROM blocks')).rows[0].n), 8475, 'nothing lost or extra');
    assert.equal(Number((await c.query('SELECT count(*) AS n FROM tipsets WHERE NOT reverted')).rows[0].n), 319, 'every tipset once');
    assert.equal((await c.query('SELECT height FROM tipsets WHERE NOT reverted GROUP BY height HAVING count(*) > 1')).rowCount, 0);
  } finally {
    await c.end();
  }
}
