/** The CIDs a dag-cbor block links to, in the order they appear (independent of the code under test). */
import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';

export function cborLinks(bytes: Uint8Array): CID[] {
  const out: CID[] = [];
  const visit = (v: unknown): void => {
    const cid = CID.asCID(v);
    if (cid) out.push(cid);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object' && !(v instanceof Uint8Array)) Object.values(v).forEach(visit);
  };
  visit(dagCbor.decode(bytes));
  return out;
}
