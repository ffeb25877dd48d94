/**
 * The real mainnet message test vectors of ../shared/data/test-vectors
 * (filecoin-project/fvm-test-vectors): each vector's message, receipt, and the CAR
 * (gzip, base64) holding the state-tree paths to the actors it touched, before and
 * after the message.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CarReader } from '@ipld/car';
import { fixturesDir } from '../../common/paths.js';
import { CID } from '../../chain/cid.js';
import { MemoryBlockstore } from '../../blockstore/memory.js';
import { type Message, decodeMessage } from '../../chain/types.js';

/** One test vector, loaded. */
export interface Vector {
  /** `0001-shark-01/fil_9_multisig/Propose/Ok` */
  name: string;
  epoch: number;
  nv: number;
  pre: CID;
  post: CID;
  message: Message;
  receipt: { exit_code: number; return: string; gas_used: number };
  blocks: MemoryBlockstore;
  get: (c: CID) => Promise<Uint8Array | null>;
}

/** Every vector whose path contains `filter` (`fil_9_multisig/Propose/Ok`), loaded. */
export async function loadVectors(filter: string): Promise<Vector[]> {
  const root = join(fixturesDir(), 'test-vectors');
  const out: Vector[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const f of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, f.name);
      const r = rel ? `${rel}/${f.name}` : f.name;
      if (f.isDirectory()) await walk(p, r);
      else if (f.name.endsWith('.json') && r.includes(filter)) {
        const v = JSON.parse(readFileSync(p, 'utf8'));
        const car = await CarReader.fromBytes(gunzipSync(Buffer.from(v.car, 'base64')));
        const blocks: Array<{ cid: CID; bytes: Uint8Array }> = [];
        for await (const b of car.blocks()) blocks.push({ cid: CID.asCID(b.cid)!, bytes: b.bytes });
        const store = new MemoryBlockstore(blocks);
        out.push({
          name: r.slice(0, r.lastIndexOf('/')),
          epoch: v.preconditions.variants[0].epoch,
          nv: v.preconditions.variants[0].nv,
          pre: CID.parse(v.preconditions.state_tree.root_cid['/']),
          post: CID.parse(v.postconditions.state_tree.root_cid['/']),
          message: decodeMessage(Buffer.from(v.apply_messages[0].bytes, 'base64')),
          receipt: v.postconditions.receipts[0],
          blocks: store,
          get: async (c: CID) => store.getSync(c),
        });
      }
    }
  };
  await walk(root, '');
  return out;
}
