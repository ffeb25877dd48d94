/**
 * `fil-follower synth-fevm`: write the SYNTHETIC FEVM chain (synth/fevm-chain.ts) as
 * CAR files and a manifest: `<dir>/synth-fevm.car` (the main branch, roots = its
 * head), `<dir>/synth-fevm-fork.car` (the fork branch, roots = its head; importing
 * it after the main CAR reorgs the last tipsets) and `<dir>/synth-fevm.json` (keys,
 * addresses, every transaction with its hash and logs, final balances and token
 * storage). Files are written under a temporary name and renamed, so a crash never
 * leaves a half-written CAR under the final name.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { CarWriter } from '@ipld/car/writer';
import type { Block } from '../blockstore/types.js';
import type { TipSetKey } from '../chain/tipset.js';
import { Progress } from '../common/progress.js';
import { generateFevmChain, type SynthManifest, type SynthOptions } from './fevm-chain.js';

/** Paths written by writeSyntheticFevm. */
export interface SynthFiles {
  car: string;
  forkCar: string | null;
  manifest: string;
}

async function writeCar(path: string, roots: TipSetKey, blocks: Block[]): Promise<void> {
  const tmp = `${path}.partial`;
  const { writer, out } = CarWriter.create(roots);
  const file = createWriteStream(tmp);
  const pump = (async () => {
    for await (const chunk of out) if (!file.write(chunk)) await once(file, 'drain');
    file.end();
    await once(file, 'finish');
  })();
  for (const b of blocks) await writer.put({ cid: b.cid as never, bytes: b.bytes });
  await writer.close();
  await pump;
  await rename(tmp, path);
}

/**
 * Generate and write the SYNTHETIC chain into `dir` (created when missing).
 * @returns the paths and the manifest.
 * @throws Error from the generator (e.g. solc missing) or the file system.
 */
export async function writeSyntheticFevm(dir: string, opts: SynthOptions & { progress?: boolean } = {}): Promise<SynthFiles & { manifestData: SynthManifest }> {
  await mkdir(dir, { recursive: true });
  const bar = opts.progress === false ? null : new Progress('synth-fevm', 'tipsets');
  const chain = await generateFevmChain({ ...opts, onTipSet: (h, top) => bar?.update({ done: h, fraction: h / top }) });
  bar?.finish({ done: chain.manifest.head.height, fraction: 1 });
  const files: SynthFiles = { car: join(dir, 'synth-fevm.car'), forkCar: chain.fork ? join(dir, 'synth-fevm-fork.car') : null, manifest: join(dir, 'synth-fevm.json') };
  await writeCar(files.car, chain.roots, chain.blocks);
  if (chain.fork) await writeCar(files.forkCar!, chain.fork.roots, chain.fork.blocks);
  await writeFile(`${files.manifest}.partial`, JSON.stringify({ SYNTHETIC: true, ...chain.manifest }, null, 1));
  await rename(`${files.manifest}.partial`, files.manifest);
  return { ...files, manifestData: chain.manifest };
}
