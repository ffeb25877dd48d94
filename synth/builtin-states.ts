/**
 * A SYNTHETIC state tree of the builtin actors at a newer actors version (v16 by
 * default, mainnet bundle codes), written in the real encodings with the layouts
 * of go-state-types `builtin/v16`: reward, power (17 fields, with the ramp), market
 * (13 fields: deals, balance tables, pending allocations), verified registry and
 * datacap (allocations and claims as HAMTs of HAMTs), multisigs with pending
 * transactions, and miners with v16 info, inline vesting funds, 48 deadlines of
 * 13 fields, partitions and sectors (15 and 16 fields). No real chain has these
 * values; the real data here stops at actors v10. Used to check the readers
 * against Lotus's own code (tools/lotus-ref).
 */
import { CID, cborCid, encodeCbor } from '../chain/cid.js';
import { ACTOR_BUNDLES } from '../chain/actor-codes.js';
import { buildAmt } from '../chain/amt.js';
import { encodeBigInt } from '../chain/bigint.js';
import { encodeBitfield } from '../chain/bitfield.js';
import { buildHamt } from '../chain/hamt.js';
import { idAddress } from '../chain/state.js';
import { uvarintKey, varintKey } from '../chain/actors/keys.js';

type Block = { cid: CID; bytes: Uint8Array };

/** What the state holds, for tests to check against (all SYNTHETIC). */
export interface BuiltinStateFacts {
  root: CID;
  version: number;
  miners: Array<{ id: number; owner: number; sectors: number; faulty: number; sectorSize: number }>;
  multisigs: Array<{ id: number; pending: number[] }>;
  deals: number[];
  clients: Array<{ id: number; datacap: bigint; allocations: number[] }>;
  providers: Array<{ id: number; claims: number[] }>;
  verifiers: Array<{ id: number; cap: bigint }>;
}

const FIL = 10n ** 18n;
const big = encodeBigInt;
const NETWORK_NAME = 'synthetic-builtin-v16';

/**
 * Build the state. Deterministic: the same version gives the same blocks.
 * @throws Error when the bundle of `version` is unknown
 */
export function syntheticBuiltinState(version = 16): { blocks: Block[]; facts: BuiltinStateFacts } {
  const bundle = ACTOR_BUNDLES.find((b) => b.network === 'mainnet' && b.version === version && !b.superseded);
  if (!bundle) throw new Error(`no mainnet bundle for actors v${version}`);
  const code = (name: string): CID => {
    const c = bundle.codes[name];
    if (!c) throw new Error(`no ${name} in actors v${version}`);
    return cidOf(c);
  };
  const blocks: Block[] = [];
  const put = (v: unknown): CID => {
    const bytes = encodeCbor(v);
    const cid = cborCid(bytes);
    blocks.push({ cid, bytes });
    return cid;
  };
  const hamt = (entries: Array<[Uint8Array, unknown]>, bitWidth = 5): CID => {
    const h = buildHamt(entries, bitWidth);
    blocks.push(...h.blocks);
    return h.root;
  };
  const amt = (values: unknown[], bitWidth: number): CID => {
    const a = buildAmt(values, { bitWidth, legacy: false });
    blocks.push(...a.blocks);
    return a.root;
  };
  const emptyAmt = (bitWidth: number) => amt([], bitWidth);
  const pair = (raw: bigint, qa: bigint) => [big(raw), big(qa)];
  const actors: Array<[number, CID, CID, bigint]> = [];
  const addActor = (id: number, kind: string, head: CID, balance: bigint) => actors.push([id, code(kind), head, balance]);

  // accounts f0100… (secp key addresses derived from the ID, SYNTHETIC)
  const keyAddr = (id: number): Uint8Array => Uint8Array.from([1, ...Array.from({ length: 20 }, (_, i) => (id * 31 + i * 7) & 0xff)]);
  const accounts = [100, 101, 102, 103, 104, 105];
  for (const id of accounts) addActor(id, 'account', put([keyAddr(id)]), 1000n * FIL + BigInt(id));

  // miners f01000… with sectors in partitions over the 48 deadlines
  const SECTOR_SIZE = 32 * 2 ** 30;
  const minerSpecs = [{ id: 1000, owner: 100, sectors: 7, faulty: 2 }, { id: 1001, owner: 101, sectors: 3, faulty: 0 }, { id: 1002, owner: 102, sectors: 0, faulty: 0 }];
  const miners: BuiltinStateFacts['miners'] = [];
  const claims: Array<[Uint8Array, unknown]> = [];
  let totalRaw = 0n;
  for (const m of minerSpecs) {
    const info = put([
      idAddress(m.owner), idAddress(m.owner), [idAddress(103)], null,
      Uint8Array.from([0x00, 0x24, 0x08, 0x01, 0x12, 0x20, ...new Uint8Array(32).fill(m.id & 0xff)]), [Uint8Array.from([0x04, 127, 0, 0, 1, 0x06, 0x1f, 0x90])],
      8 + 5, SECTOR_SIZE, 2349, -1, null,
      idAddress(m.owner), [big(0n), big(0n), 0], null,
    ]);
    const sectorNumbers = Array.from({ length: m.sectors }, (_, i) => i);
    const sectorInfos = sectorNumbers.map((n) => {
      const base = [n, 8, cidOf('bagboea4b5abcatlxechwbp7kjpjguna6r6q7ejrhe6mdp3lf34pmswn27pkkiekz'), [], 100 + n, 1_000_000 + n, big(0n), big(BigInt(SECTOR_SIZE) * 1000n), big(10n ** 17n + BigInt(n)), n % 2 ? null : big(10n ** 15n), big(2n * 10n ** 16n), 50 + n, n % 3 ? big(5n) : null, null, n % 2];
      // v16: the daily fee is optional (absent in sectors onboarded before it)
      return n % 2 === 0 ? [...base, big(1000n + BigInt(n))] : base;
    });
    const sectorsRoot = amt(sectorInfos, 5);
    const faults = sectorNumbers.slice(0, m.faulty);
    const partition = [
      encodeBitfield(m.sectors ? [[0, m.sectors]] : []), encodeBitfield([]), encodeBitfield(faults.length ? [[0, faults.length]] : []), encodeBitfield([]), encodeBitfield([]),
      emptyAmt(4), emptyAmt(4), pair(BigInt(m.sectors * SECTOR_SIZE), BigInt(m.sectors * SECTOR_SIZE)), pair(0n, 0n), pair(BigInt(m.faulty * SECTOR_SIZE), BigInt(m.faulty * SECTOR_SIZE)), pair(0n, 0n),
    ];
    const deadlineCids: CID[] = [];
    for (let d = 0; d < 48; d++) {
      const parts = d === 0 && m.sectors > 0 ? [partition] : [];
      deadlineCids.push(put([
        amt(parts, 3), emptyAmt(5), encodeBitfield(d === 1 ? [[0, 1]] : []), encodeBitfield([]), d === 0 ? m.sectors : 0, d === 0 ? m.sectors : 0, pair(0n, 0n),
        emptyAmt(2), emptyAmt(5), emptyAmt(3), amt(d === 2 ? [[encodeBitfield([[0, 1]]), new Uint8Array([1, 2])]] : [], 2), pair(0n, 0n), big(d === 0 ? 77n : 0n),
      ]));
    }
    const deadlines = put([deadlineCids]);
    const tail = put([[2000, big(3n * FIL)], [3000, big(4n * FIL)]]);
    const state = put([
      info, big(0n), big(9n * FIL), [[1000, big(2n * FIL)], tail], big(1n * FIL), big(10n * FIL), hamt([]), emptyAmt(6),
      put(encodeBitfield(m.sectors ? [[0, m.sectors]] : [])), sectorsRoot, 1234 + m.id, 5, deadlines, encodeBitfield([]), true,
    ]);
    addActor(m.id, 'storageminer', state, 100n * FIL);
    const raw = BigInt((m.sectors - m.faulty) * SECTOR_SIZE);
    claims.push([idAddress(m.id), [8 + 5, big(raw), big(raw * 10n)]]);
    totalRaw += raw;
    miners.push({ ...m, sectorSize: SECTOR_SIZE });
  }

  // power, reward
  const smoothed = [big(1n << 128n), big(3n << 64n)];
  addActor(4, 'storagepower', put([
    big(totalRaw), big(totalRaw), big(totalRaw * 10n), big(totalRaw * 10n), big(30n * FIL), big(totalRaw), big(totalRaw * 10n), big(30n * FIL),
    smoothed, minerSpecs.length, 2, 1000, 500, hamt([]), 0, hamt(claims), null,
  ]), 0n);
  addActor(2, 'reward', put([big(1n << 60n), big(1n << 59n), 1000, big(1n << 60n), big(5n * FIL), smoothed, big(1n << 61n), 1000, big(123n * FIL), big(100n * FIL), big(23n * FIL)]), 1_000_000n * FIL);

  // market: deals 0…3, balance tables (bit width 6), pending deal → allocation
  const deals = [0, 1, 2, 3];
  const proposals = deals.map((d) => [cidOf('baga6ea4seaqao7s73y24kcutaosvacpdjgfe5pw76ooefnyqw4ynr3d2y6x2mpq'), 2048, d % 2 === 0, idAddress(104), idAddress(1000), d === 3 ? new Uint8Array([0xff, 0x00]) : `label-${d}`, 10 + d, 10_000 + d, big(BigInt(d)), big(FIL), big(0n)]);
  const dealStates = deals.slice(0, 3).map((d) => [d, 20 + d, 30 + d, -1]);
  const escrow = hamt([[idAddress(104), big(50n * FIL)], [idAddress(1000), big(7n * FIL)]], 6);
  const locked = hamt([[idAddress(104), big(5n * FIL)]], 6);
  addActor(5, 'storagemarket', put([
    amt(proposals, 5), amt(dealStates, 6), hamt([]), escrow, locked, deals.length, hamt([]), 99, big(1n), big(2n), big(3n),
    hamt([[uvarintKey(3), 1]]), hamt([]),
  ]), 60n * FIL);

  // verified registry and datacap: verifier f0103, client f0104 with allocations 1, 2; provider f01000 with claim 5
  const allocation = (id: number) => [104, 1000, cidOf('baga6ea4seaqao7s73y24kcutaosvacpdjgfe5pw76ooefnyqw4ynr3d2y6x2mpq'), 2048 * id, 518400, 5256000, 1000 + id];
  const allocations = hamt([[uvarintKey(104), hamt([[uvarintKey(1), allocation(1)], [uvarintKey(2), allocation(2)]])]]);
  const claimsV = hamt([[uvarintKey(1000), hamt([[uvarintKey(5), [1000, 104, cidOf('baga6ea4seaqao7s73y24kcutaosvacpdjgfe5pw76ooefnyqw4ynr3d2y6x2mpq'), 2048, 518400, 5256000, 100, 3]]])]]);
  addActor(6, 'verifiedregistry', put([idAddress(80), hamt([[idAddress(103), big(1n << 40n)]]), hamt([]), allocations, 3, claimsV]), 0n);
  const datacapBalances = hamt([[uvarintKey(104), big(4096n * FIL)], [uvarintKey(105), big(1n)]], 6);
  addActor(7, 'datacap', put([idAddress(6), [big(4097n * FIL), datacapBalances, hamt([], 6), 6]]), 0n);

  // multisig f0200 with pending transactions 0, 1, 64 (zigzag varint keys)
  const txn = (to: number, value: bigint, method: number, params: Uint8Array) => [idAddress(to), big(value), method, params, [idAddress(100)]];
  const pendingIds = [0, 1, 64];
  addActor(200, 'multisig', put([[idAddress(100), idAddress(101)], 2, 65, big(600n * FIL), 10, 1000, hamt(pendingIds.map((i) => [varintKey(i), txn(101, BigInt(i) * FIL, i % 2, i === 64 ? new Uint8Array([0x80]) : new Uint8Array())]))]), 700n * FIL);

  // system, init (NetworkName), burnt funds, reserve
  addActor(0, 'system', put([put([])]), 0n);
  addActor(1, 'init', put([hamt(accounts.map((id) => [keyAddr(id), id])), 1003, NETWORK_NAME]), 0n);
  addActor(99, 'account', put([idAddress(99)]), 11n * FIL);

  const tree = hamt(actors.map(([id, c, head, balance]) => [idAddress(id), [c, head, 0, big(balance), null]]));
  const root = put([5, tree, put([])]);
  return {
    blocks,
    facts: {
      root, version, miners, multisigs: [{ id: 200, pending: pendingIds }], deals,
      clients: [{ id: 104, datacap: 4096n, allocations: [1, 2] }], providers: [{ id: 1000, claims: [5] }], verifiers: [{ id: 103, cap: 1n << 40n }],
    },
  };
}

const cidOf = (s: string): CID => CID.parse(s);
