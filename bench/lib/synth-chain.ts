/**
 * A SYNTHETIC mainnet-shaped chain for the scale and import benchmarks, written as a CAR
 * (CARv1, roots = the head tipset's blocks): `epochs` tipsets of `blocksPerTipset` blocks,
 * each block with `messagesPerBlock` messages (secp256k1-signed and BLS, with params
 * bytes), its TxMeta and message AMTs, and each tipset's receipts of its parent tipset's
 * messages, all in the real encodings (chain/types.ts, chain/amt.ts: legacy AMTs of bit
 * width 3, as Lotus's blockadt). Made up: the addresses, values, signatures, tickets and
 * proofs (random bytes of the right sizes), and the state roots (every header names the
 * empty AMT: no state is served from this chain). Deterministic for a given seed.
 */
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CarWriter } from '@ipld/car';
import { buildAmt } from '../../chain/amt.js';
import { type CID, cborCid } from '../../chain/cid.js';
import { type BlockHeader, type Message, SigType, encodeBlockHeader, encodeMessage, encodeSignedMessage, encodeTxMeta, receiptToCbor } from '../../chain/types.js';
import { idAddress } from '../../chain/state.js';
import { TipSet } from '../../chain/tipset.js';

/** Shape of the chain. */
export interface SynthShape {
  epochs: number;
  blocksPerTipset: number;
  messagesPerBlock: number;
  /** Share of messages that are BLS (the rest secp256k1-signed), 0–1. */
  blsShare?: number;
}

/** What was written. */
export interface SynthChain {
  path: string;
  bytes: number;
  blocks: number;
  headers: number;
  messages: number;
  /** Block header CIDs and signed/BLS message CIDs, a sample for read mixes (strings). */
  sample: { headers: string[]; messages: string[] };
}

/** xorshift32 random bytes, fixed seed. */
class Rand {
  constructor(private s = 0x2545f491) {}
  u32(): number {
    let s = this.s;
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return (this.s = s);
  }
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const x = this.u32();
      b[i] = x & 255; b[i + 1] = (x >>> 8) & 255; b[i + 2] = (x >>> 16) & 255; b[i + 3] = x >>> 24;
    }
    return b;
  }
}

/**
 * Write the chain to `path`. `progress` is called every 500 epochs.
 * @throws on I/O errors
 */
export async function writeSynthChain(path: string, shape: SynthShape, progress: (line: string) => void = () => undefined): Promise<SynthChain> {
  const r = new Rand();
  const accounts = Array.from({ length: 5000 }, () => Uint8Array.from([1, ...r.bytes(20)]));
  const nonces = new Uint32Array(accounts.length);
  const emptyAmt = buildAmt([], { bitWidth: 3, legacy: true });
  // the roots (the head's blocks) are known only at the end: the header names placeholders of
  // the same count and length, replaced in place when the chain is written
  const { writer, out } = CarWriter.create(Array.from({ length: shape.blocksPerTipset }, () => emptyAmt.root) as never);
  let bytes = 0;
  let blocks = 0;
  let headers = 0;
  let messages = 0;
  const counter = Readable.from(out).on('data', (d: Uint8Array) => (bytes += d.length));
  const done = pipeline(counter, createWriteStream(path));
  const put = async (cid: CID, data: Uint8Array): Promise<void> => {
    blocks++;
    await writer.put({ cid: cid as never, bytes: data });
  };
  for (const b of emptyAmt.blocks) await put(b.cid, b.bytes);
  const sample = { headers: [] as string[], messages: [] as string[] };
  let parents: CID[] = [];
  let parentMessages: CID[] = [];
  let head: TipSet | null = null;
  const bls = shape.blsShare ?? 0.15;
  for (let height = 0; height < shape.epochs; height++) {
    // receipts of the parent tipset's messages, one per distinct message, in order
    const receipts = buildAmt(parentMessages.map((_, i) => receiptToCbor({ exitCode: 0, return: new Uint8Array(0), gasUsed: 1_000_000 + (i % 977) * 1000, eventsRoot: null, hasEventsRoot: true })), { bitWidth: 3, legacy: true });
    for (const b of receipts.blocks) await put(b.cid, b.bytes);
    const tipsetMessages: CID[] = [];
    const made: Array<{ cid: CID; header: BlockHeader }> = [];
    const perBlock = height === 0 ? 0 : shape.messagesPerBlock;
    for (let k = 0; k < shape.blocksPerTipset; k++) {
      const blsCids: CID[] = [];
      const secpCids: CID[] = [];
      for (let m = 0; m < perBlock; m++) {
        const who = r.u32() % accounts.length;
        const msg: Message = {
          version: 0, to: idAddress(1000 + (r.u32() % 100_000)), from: accounts[who]!, nonce: nonces[who]!++,
          value: BigInt(r.u32()) * 1_000_000_000n, gasLimit: 10_000_000 + (r.u32() % 50_000_000), gasFeeCap: 100_000_000n + BigInt(r.u32() % 1000), gasPremium: 100_000n + BigInt(r.u32() % 1000),
          method: r.u32() % 4 === 0 ? 0 : 2 + (r.u32() % 20), params: r.bytes(r.u32() % 4 === 0 ? 0 : 32 + (r.u32() % 160)),
        };
        if (m < perBlock * bls) {
          const data = encodeMessage(msg);
          const cid = cborCid(data);
          await put(cid, data);
          blsCids.push(cid);
        } else {
          const data = encodeSignedMessage({ message: msg, signature: { type: SigType.Secp256k1, data: r.bytes(65) } });
          const cid = cborCid(data);
          await put(cid, data);
          secpCids.push(cid);
        }
      }
      messages += blsCids.length + secpCids.length;
      if (sample.messages.length < 20_000 && height % 3 === 0) sample.messages.push(...[...blsCids, ...secpCids].slice(0, 8).map(String));
      const blsAmt = buildAmt(blsCids, { bitWidth: 3, legacy: true });
      const secpAmt = buildAmt(secpCids, { bitWidth: 3, legacy: true });
      for (const b of [...blsAmt.blocks, ...secpAmt.blocks]) await put(b.cid, b.bytes);
      const txMeta = encodeTxMeta({ blsMessages: blsAmt.root, secpkMessages: secpAmt.root });
      const txCid = cborCid(txMeta);
      await put(txCid, txMeta);
      tipsetMessages.push(...blsCids, ...secpCids);
      const header: BlockHeader = {
        miner: idAddress(1000 + k * 7 + (height % 13)), ticket: { vrfProof: r.bytes(96) }, electionProof: height === 0 ? null : { winCount: 1, vrfProof: r.bytes(96) },
        beaconEntries: [{ round: 2_000_000 + height, data: r.bytes(96) }], winPoStProof: [{ postProof: 3, proofBytes: r.bytes(192) }],
        parents, parentWeight: BigInt(height) * 1000n, height, parentStateRoot: emptyAmt.root, parentMessageReceipts: receipts.root, messages: txCid,
        blsAggregate: { type: SigType.BLS, data: r.bytes(96) }, timestamp: 1598306400 + 30 * height, blockSig: { type: SigType.BLS, data: r.bytes(96) }, forkSignaling: 0, parentBaseFee: 100n,
      } as BlockHeader;
      const hb = encodeBlockHeader(header);
      const cid = cborCid(hb);
      await put(cid, hb);
      headers++;
      made.push({ cid, header });
      if (sample.headers.length < 20_000) sample.headers.push(cid.toString());
    }
    head = TipSet.create(made as never);
    parents = [...head.key];
    // distinct messages of the tipset, in block order (what the next tipset's receipts cover)
    const seen = new Set<string>();
    parentMessages = tipsetMessages.filter((c) => (seen.has(c.toString()) ? false : (seen.add(c.toString()), true)));
    if ((height + 1) % 500 === 0) progress(`synthetic chain: ${height + 1} of ${shape.epochs} epochs, ${(bytes / 2 ** 20).toFixed(0)} MiB`);
  }
  await writer.close();
  await done;
  // the head tipset becomes the roots, in place: the placeholder roots have the same count and CID length
  const fd = await open(path, 'r+');
  try {
    await CarWriter.updateRootsInFile(fd, [...head!.key] as never);
  } finally {
    await fd.close();
  }
  return { path, bytes, blocks, headers, messages, sample };
}
