/**
 * A SYNTHETIC genesis block over a real state tree: a CAR holding one height-0 header
 * whose ParentStateRoot is the given state root, an empty TxMeta and receipts AMT,
 * and every block of the state CAR. It lets a follower serve a real state (calibnet
 * at epoch 16800, which ships without its header) through the API; only the header
 * is made up.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CarWriter } from '@ipld/car';
import { loadCar } from '../../blockstore/car.js';
import { type CID, cborCid } from '../../chain/cid.js';
import { buildAmt } from '../../chain/amt.js';
import { SigType, encodeBlockHeader, encodeTxMeta } from '../../chain/types.js';
import { idAddress } from '../../chain/state.js';

/** Write the CAR to `out`. @returns the genesis header CID. */
export async function writeStateGenesisCar(stateCar: string, root: CID, out: string, timestamp = 1667326380): Promise<CID> {
  const { blocks } = await loadCar(stateCar);
  const extra: Array<{ cid: CID; bytes: Uint8Array }> = [];
  const empty = buildAmt([], { bitWidth: 3, legacy: true });
  extra.push(...empty.blocks);
  const txMetaBytes = encodeTxMeta({ blsMessages: empty.root, secpkMessages: empty.root });
  extra.push({ cid: cborCid(txMetaBytes), bytes: txMetaBytes });
  const header = encodeBlockHeader({
    miner: idAddress(0), ticket: { vrfProof: new Uint8Array(96) }, electionProof: null, beaconEntries: [{ round: 0, data: new Uint8Array(32) }], winPoStProof: [],
    parents: [], parentWeight: 0n, height: 0, parentStateRoot: root, parentMessageReceipts: empty.root, messages: cborCid(txMetaBytes),
    blsAggregate: { type: SigType.BLS, data: Uint8Array.from([0xc0, ...new Uint8Array(95)]) }, timestamp, blockSig: null, forkSignaling: 0, parentBaseFee: 100n,
  });
  const headerCid = cborCid(header);
  const { writer, out: bytes } = CarWriter.create([headerCid as never]);
  const done = pipeline(Readable.from(bytes), createWriteStream(out));
  await writer.put({ cid: headerCid as never, bytes: header });
  for (const b of extra) await writer.put({ cid: b.cid as never, bytes: b.bytes });
  for (const b of blocks.values()) await writer.put({ cid: b.cid as never, bytes: b.bytes });
  await writer.close();
  await done;
  return headerCid;
}
