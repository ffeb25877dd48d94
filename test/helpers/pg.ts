/**
 * A real embedded PostgreSQL for one test file, in a temporary data directory on a
 * free loopback port, with the schema migrated and a store open on it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../store/embedded-postgres.js';
import { openStore, type Store } from '../../store/open.js';
import { silentLogger } from '../../common/logger.js';
import { freePort } from './cluster.js';

/** A running test database. */
export interface TestPg {
  /** `postgres://…` of the `filfollower` database. */
  url: string;
  /** A migrated store on it. */
  store: Store;
  /** Close the store and stop the server. */
  stop(): Promise<void>;
}

/** Start PostgreSQL, migrate, open a store. */
export async function startTestPg(prefix = 'filf-'): Promise<TestPg> {
  const pgh = await startEmbeddedPostgres({ dataDir: join(mkdtempSync(join(tmpdir(), prefix)), 'pg'), port: await freePort(), log: silentLogger() });
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
