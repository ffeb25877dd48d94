/**
 * SYNTHETIC headers over real state trees: a CAR holding height-0… headers whose
 * ParentStateRoots are the given state roots, an empty TxMeta and receipts AMT, and
 * every block of the states. It lets a follower serve a real state (calibnet
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
  return (await writeStateChainCar(blocks.values(), [root], out, timestamp))[0]!;
}

/**
 * A SYNTHETIC chain of one-block tipsets at heights 0, 1, … whose parent state roots
 * are `roots` in order (real states; made-up headers), with the state blocks.
 * @returns the header CIDs by height.
 */
export async function writeStateChainCar(stateBlocks: Iterable<{ cid: CID; bytes: Uint8Array }>, roots: CID[], out: string, timestamp = 1598306400): Promise<CID[]> {
  const extra: Array<{ cid: CID; bytes: Uint8Array }> = [];
  const empty = buildAmt([], { bitWidth: 3, legacy: true });
  extra.push(...empty.blocks);
  const txMetaBytes = encodeTxMeta({ blsMessages: empty.root, secpkMessages: empty.root });
  extra.push({ cid: cborCid(txMetaBytes), bytes: txMetaBytes });
  const headers: Array<{ cid: CID; bytes: Uint8Array }> = [];
  roots.forEach((root, height) => {
    const bytes = encodeBlockHeader({
      miner: idAddress(0), ticket: { vrfProof: new Uint8Array(96) }, electionProof: height === 0 ? null : { winCount: 1, vrfProof: new Uint8Array(96) }, beaconEntries: [{ round: height, data: new Uint8Array(32) }], winPoStProof: [],
      parents: height === 0 ? [] : [headers[height - 1]!.cid], parentWeight: BigInt(height), height, parentStateRoot: root, parentMessageReceipts: empty.root, messages: cborCid(txMetaBytes),
      blsAggregate: { type: SigType.BLS, data: Uint8Array.from([0xc0, ...new Uint8Array(95)]) }, timestamp: timestamp + 30 * height, blockSig: null, forkSignaling: 0, parentBaseFee: 100n,
    });
    headers.push({ cid: cborCid(bytes), bytes });
  });
  const { writer, out: bytes } = CarWriter.create([headers.at(-1)!.cid as never]);
  const done = pipeline(Readable.from(bytes), createWriteStream(out));
  for (const b of [...headers, ...extra]) await writer.put({ cid: b.cid as never, bytes: b.bytes });
  const seen = new Set<string>([...headers, ...extra].map((b) => b.cid.toString()));
  for (const b of stateBlocks) {
    const k = b.cid.toString();
    if (seen.has(k)) continue;
    seen.add(k);
    await writer.put({ cid: b.cid as never, bytes: b.bytes });
  }
  await writer.close();
  await done;
  return headers.map((h) => h.cid);
}
