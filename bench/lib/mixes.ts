/**
 * The read mixes users run against a public endpoint, as lists of JSON-RPC bodies over
 * real data (mainnet-h0-341.car: its 342 tipsets, 547 block header CIDs and the miner
 * addresses in them). A mix is a weighted list of request makers; `bodies` deals `n`
 * bodies in those proportions in a fixed pseudo-random order (same order every run).
 */
import type { CarReplaySource } from '../../leader/car-source.js';
import { addressToString } from '../../chain/address.js';

/** One request kind of a mix and its share (weights need not sum to 1). */
interface Part {
  weight: number;
  make: (i: number) => { method: string; params: unknown[] };
}

/** A named mix. */
export interface Mix {
  name: string;
  /** What it stands for, for the report. */
  what: string;
  parts: Part[];
}

/** Lotus's masked-ID eth address of actor ID `id` (0xff + 11 zero bytes + 8-byte big-endian ID). */
function maskedId(id: number): string {
  return `0xff${'00'.repeat(11)}${id.toString(16).padStart(16, '0')}`;
}

/** The mixes, over one replayed CAR. */
export function mixes(src: CarReplaySource): Mix[] {
  const cids = src.tipsets.flatMap((t) => t.blocks.map((b) => b.cid.toString()));
  const heights = src.tipsets.map((t) => t.height);
  const miners = [...new Set(src.tipsets.flatMap((t) => t.blocks.map((b) => addressToString(b.header.miner, 'f'))))];
  const accounts = [...miners, 'f00', 'f01', 'f02', 'f03', 'f04', 'f05', 'f099'];
  const ids = accounts.map((a) => Number(a.slice(2))).filter(Number.isFinite);
  const pick = <T>(xs: readonly T[], i: number): T => xs[(i * 7919) % xs.length]!;
  return [
    {
      name: 'explorer',
      what: 'ChainHead 25 %, ChainGetBlock over the real header CIDs 35 %, ChainGetTipSetByHeight 25 %, eth_blockNumber 15 %',
      parts: [
        { weight: 25, make: () => ({ method: 'Filecoin.ChainHead', params: [] }) },
        { weight: 35, make: (i) => ({ method: 'Filecoin.ChainGetBlock', params: [{ '/': pick(cids, i) }] }) },
        { weight: 25, make: (i) => ({ method: 'Filecoin.ChainGetTipSetByHeight', params: [pick(heights, i), null] }) },
        { weight: 15, make: () => ({ method: 'eth_blockNumber', params: [] }) },
      ],
    },
    {
      name: 'wallet',
      what: 'ChainHead 30 %, WalletBalance 30 %, StateGetActor 25 %, StateLookupID 15 % over the miner and system actors',
      parts: [
        { weight: 30, make: () => ({ method: 'Filecoin.ChainHead', params: [] }) },
        { weight: 30, make: (i) => ({ method: 'Filecoin.WalletBalance', params: [pick(accounts, i)] }) },
        { weight: 25, make: (i) => ({ method: 'Filecoin.StateGetActor', params: [pick(accounts, i), null] }) },
        { weight: 15, make: (i) => ({ method: 'Filecoin.StateLookupID', params: [pick(accounts, i), null] }) },
      ],
    },
    {
      name: 'eth-dapp',
      what: 'eth_blockNumber 30 %, eth_chainId 20 %, eth_getBlockByNumber 25 %, eth_getBalance 25 % (masked-ID addresses)',
      parts: [
        { weight: 30, make: () => ({ method: 'eth_blockNumber', params: [] }) },
        { weight: 20, make: () => ({ method: 'eth_chainId', params: [] }) },
        { weight: 25, make: (i) => ({ method: 'eth_getBlockByNumber', params: [`0x${pick(heights, i).toString(16)}`, false] }) },
        { weight: 25, make: (i) => ({ method: 'eth_getBalance', params: [maskedId(pick(ids, i)), 'latest'] }) },
      ],
    },
  ];
}

/** `n` bodies of a mix, its parts in proportion, in a fixed shuffled order. */
export function bodies(mix: Mix, n = 2000): string[] {
  const total = mix.parts.reduce((a, p) => a + p.weight, 0);
  const out: string[] = [];
  mix.parts.forEach((p) => {
    const k = Math.round((n * p.weight) / total);
    for (let i = 0; i < k; i++) out.push(JSON.stringify({ jsonrpc: '2.0', id: out.length + 1, ...p.make(i) }));
  });
  // xorshift32, fixed seed: the same order every run
  let s = 0x9e3779b9;
  const rnd = (): number => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 2 ** 32;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
