/**
 * Lotus-exact answers: every miner, multisig, market, verified registry and actor
 * state read of this gateway on real state, compared field for field with what
 * Lotus v1.35.0's own code (tools/lotus-ref, built from the Go module proxy) answers
 * on the same state, through a follower's JSON-RPC API: mainnet genesis (actors v0),
 * and calibnet at epoch 16800 (actors v8) under a SYNTHETIC genesis header (the
 * state ships without its header; only the header is made up).
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from '../../common/paths.js';
import { actorCodeInfo } from '../../chain/actor-codes.js';
import { cidJson } from '../../chain/json.js';
import { rpc } from '../helpers/cluster.js';
import { type InProcess, startInProcess } from '../helpers/inprocess.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CID } from '../../chain/cid.js';
import { type RefAnswer, buildLotusRef, lotusRef } from '../helpers/lotus-ref.js';
import { writeStateGenesisCar } from '../helpers/state-genesis.js';

const GENESIS_STATE = 'bafy2bzacech3yb7xlb7c57v2xh7rvmt4skeidk7z2g36llksaz4biflblbt24';
let ip: InProcess;
let gk: unknown[];

before(async () => {
  // build the reference first (minutes when cold), then start the follower
  await buildLotusRef();
  ip = await startInProcess(fixture('chain', 'mainnet-genesis.car'));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !ip.follower.tracker.head) await new Promise((r) => setTimeout(r, 100));
  gk = ip.follower.tracker.head!.key.map(cidJson);
});
after(async () => {
  await ip?.stop();
});

/** A follower on `car`, once its head is at `height`. */
async function serve(car: string, height: number): Promise<InProcess> {
  const p = await startInProcess(car);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && p.follower.tracker.head?.height !== height) await new Promise((r) => setTimeout(r, 100));
  assert.equal(p.follower.tracker.head?.height, height, `follower on ${car} at ${height}`);
  return p;
}

/** Compare each case with the reference; @returns [answers equal, errors equal]. */
async function compare(url: string, tsk: unknown[], cases: Array<[string, unknown[], unknown[]]>, ref: RefAnswer[]): Promise<[number, number]> {
  assert.equal(ref.length, cases.length);
  let results = 0;
  let errors = 0;
  for (let i = 0; i < cases.length; i++) {
    const [m, p] = cases[i]!;
    const ours = (await rpc(url, `Filecoin.${m}`, [...p, tsk])).body;
    const want = ref[i]!;
    const what = `${m}(${JSON.stringify(p)})`;
    if ('error' in want) {
      assert.ok(ours.error, `${what}: Lotus fails with "${want.error}", we answered ${JSON.stringify(ours.result)?.slice(0, 200)}`);
      assert.equal(ours.error.message, want.error, what);
      errors++;
    } else {
      assert.equal(ours.error, undefined, `${what}: Lotus answers ${JSON.stringify(want.result)?.slice(0, 200)}, we failed with ${JSON.stringify(ours.error)}`);
      assert.deepEqual(ours.result, want.result, what);
      results++;
    }
  }
  return [results, errors];
}

test('mainnet genesis: our answers equal Lotus v1.35.0 code for every miner, multisig, market, verified registry and actor state read', async () => {
  const actors = (await rpc(ip.url, 'Filecoin.StateListActors', [gk])).body.result as string[];
  const kinds = new Map<string, string>();
  for (const a of actors) kinds.set(a, actorCodeInfo((await rpc(ip.url, 'Filecoin.StateGetActor', [a, gk])).body.result.Code['/'])!.name);
  const of = (k: string) => actors.filter((a) => kinds.get(a) === k);
  const miners = of('storageminer');
  const msigs = of('multisig');
  assert.equal(miners.length, 3);
  // [our method, our params (tipset key appended), Lotus harness params]
  const cases: Array<[string, unknown[], unknown[]]> = [['StateListMiners', [], []]];
  for (const a of actors) cases.push(['StateReadState', [a], [a]]);
  for (const m of [...miners, 'f0100', 'f09999']) {
    cases.push(['StateMinerInfo', [m], [m]], ['StateMinerPower', [m], [m]], ['StateMinerSectorCount', [m], [m]], ['StateMinerDeadlines', [m], [m]], ['StateMinerProvingDeadline', [m], [m, 0]], ['StateMinerAvailableBalance', [m], [m, 0]], ['StateMarketBalance', [m], [m]], ['StateVerifiedClientStatus', [m], [m]], ['StateVerifierStatus', [m], [m]]);
    for (const s of [0, 1, 500, 767, 768]) cases.push(['StateSectorGetInfo', [m, s], [m, s]]);
  }
  for (const a of [...msigs, 'f0100']) cases.push(['MsigGetAvailableBalance', [a], [a, 0]], ['MsigGetVestingSchedule', [a], [a]], ['MsigGetPending', [a], [a]]);
  for (const d of [0, 1, 767, 2303, 2304, 999999]) cases.push(['StateMarketStorageDeal', [d], [d]]);
  for (const a of of('account').slice(0, 5)) cases.push(['StateVerifiedClientStatus', [a], [a]], ['StateVerifierStatus', [a], [a]], ['StateMarketBalance', [a], [a]]);
  const ref = await lotusRef(fixture('chain', 'mainnet-genesis.car'), GENESIS_STATE, cases.map(([m, , p]) => ({ method: m, params: p })));
  const [results, errors] = await compare(ip.url, gk, cases, ref);
  process.stdout.write(`# lotus-ref: ${results} answers and ${errors} errors equal Lotus's on mainnet genesis\n`);
  assert.ok(results > 100 && errors > 5);
});

test('calibnet epoch 16800 (actors v8, 161 miners, 495 actors): our answers equal Lotus v1.35.0 code', async () => {
  const root = CID.parse('bafy2bzacedxtdhqjsrw2twioyaeomdk4z7umhgfv36vzrrotjb4woutphqgyg');
  const dir = mkdtempSync(join(tmpdir(), 'lotus-ref-'));
  const car = join(dir, 'calibnet-e16800-genesis.car');
  await writeStateGenesisCar(fixture('state', 'calibnet-e16800-state.car'), root, car);
  const cal = await serve(car, 0);
  try {
    const tsk = cal.follower.tracker.head!.key.map(cidJson);
    const actors = (await rpc(cal.url, 'Filecoin.StateListActors', [tsk])).body.result as string[];
    assert.equal(actors.length, 495);
    const kinds = new Map<string, string>();
    for (const a of actors) kinds.set(a, actorCodeInfo((await rpc(cal.url, 'Filecoin.StateGetActor', [a, tsk])).body.result.Code['/'])?.name ?? '?');
    const of = (k: string) => actors.filter((a) => kinds.get(a) === k);
    const cases: Array<[string, unknown[], unknown[]]> = [['StateListMiners', [], []]];
    // every actor state but the EVM-era kinds whose code blobs the CAR lacks
    for (const a of actors) if (kinds.get(a) !== '?') cases.push(['StateReadState', [a], [a]]);
    for (const m of of('storageminer')) {
      cases.push(['StateMinerInfo', [m], [m]], ['StateMinerPower', [m], [m]], ['StateMinerSectorCount', [m], [m]], ['StateMinerProvingDeadline', [m], [m, 0]], ['StateMinerAvailableBalance', [m], [m, 0]], ['StateMarketBalance', [m], [m]], ['StateSectorGetInfo', [m, 1], [m, 1]]);
    }
    for (const m of of('storageminer').slice(0, 10)) cases.push(['StateMinerDeadlines', [m], [m]]);
    for (const a of [...of('multisig'), ...of('account').slice(0, 20)]) cases.push(['MsigGetAvailableBalance', [a], [a, 0]], ['MsigGetVestingSchedule', [a], [a]], ['MsigGetPending', [a], [a]], ['StateVerifiedClientStatus', [a], [a]], ['StateVerifierStatus', [a], [a]], ['StateMarketBalance', [a], [a]]);
    for (const d of [0, 1, 2, 10, 100, 1000]) cases.push(['StateMarketStorageDeal', [d], [d]]);
    const ref = await lotusRef(car, root.toString(), cases.map(([m, , p]) => ({ method: m, params: p })), { testnet: true });
    const [results, errors] = await compare(cal.url, tsk, cases, ref);
    process.stdout.write(`# lotus-ref: ${results} answers and ${errors} errors equal Lotus's on calibnet 16800\n`);
    assert.ok(results > 1000, `${results} answers compared`);
  } finally {
    await cal.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('mainnet actors v9 and v10 (the 60 test vectors, before and after each message): the touched actors read as Lotus v1.35.0 reads them', async () => {
  const { loadVectors } = await import('../helpers/vectors.js');
  const { writeStateChainCar } = await import('../helpers/state-genesis.js');
  const { addressToString } = await import('../../chain/address.js');
  const vs = await loadVectors('');
  assert.equal(vs.length, 60);
  const dir = mkdtempSync(join(tmpdir(), 'lotus-ref-vec-'));
  const car = join(dir, 'vectors.car');
  const roots = vs.flatMap((v) => [v.pre, v.post]);
  const heads = await writeStateChainCar(vs.flatMap((v) => [...v.blocks.values()]), roots, car);
  const chain = await serve(car, roots.length - 1);
  try {
    let results = 0;
    const versions = new Set<number>();
    for (let i = 0; i < roots.length; i++) {
      const v = vs[i >> 1]!;
      versions.add(v.nv === 17 ? 9 : 10);
      const tsk = [{ '/': heads[i]!.toString() }];
      const cases: Array<[string, unknown[], unknown[]]> = [];
      for (const a of new Set([addressToString(v.message.to, 'f'), addressToString(v.message.from, 'f'), 'f04', 'f05', 'f06', 'f07', 'f02'])) {
        cases.push(['StateReadState', [a], [a]], ['StateMinerInfo', [a], [a]], ['StateMinerProvingDeadline', [a], [a, i]], ['MsigGetVestingSchedule', [a], [a]], ['StateMinerPower', [a], [a]]);
      }
      const ref = await lotusRef(car, roots[i]!.toString(), cases.map(([m, , p]) => ({ method: m, params: p })));
      // the states are subsets (the paths the message touched): compare where Lotus could read them
      const readable = cases.map((c, j) => [c, ref[j]!] as const).filter(([, r]) => 'result' in r);
      const [r] = await compare(chain.url, tsk, readable.map(([c]) => c), readable.map(([, r]) => r));
      results += r;
    }
    process.stdout.write(`# lotus-ref: ${results} answers equal Lotus's on the test vectors' states (actors v${[...versions].join(', v')})\n`);
    assert.ok(results > 300, `${results} answers compared`);
  } finally {
    await chain.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SYNTHETIC actors v16 state (power with the ramp, inline vesting, 13-field deadlines, 15/16-field sectors, datacap, allocations): our answers equal Lotus v1.35.0 code', async () => {
  const { syntheticBuiltinState } = await import('../../synth/builtin-states.js');
  const { writeStateChainCar } = await import('../helpers/state-genesis.js');
  const { blocks, facts } = syntheticBuiltinState(16);
  const dir = mkdtempSync(join(tmpdir(), 'lotus-ref-v16-'));
  const car = join(dir, 'builtin-v16.car');
  // heights 0 and 1 over the same state, so that vesting and deadlines are read at two epochs
  const heads = await writeStateChainCar(blocks, [facts.root, facts.root], car);
  const chain = await serve(car, 1);
  try {
    const tsk = [{ '/': heads[1]!.toString() }];
    const actors = (await rpc(chain.url, 'Filecoin.StateListActors', [tsk])).body.result as string[];
    const cases: Array<[string, unknown[], unknown[]]> = [['StateListMiners', [], []]];
    for (const a of actors) cases.push(['StateReadState', [a], [a]]);
    for (const m of facts.miners) {
      const a = `f0${m.id}`;
      cases.push(['StateMinerInfo', [a], [a]], ['StateMinerPower', [a], [a]], ['StateMinerSectorCount', [a], [a]], ['StateMinerDeadlines', [a], [a]], ['StateMinerProvingDeadline', [a], [a, 1]], ['StateMinerAvailableBalance', [a], [a, 1]], ['StateMarketBalance', [a], [a]]);
      for (let s = 0; s <= m.sectors; s++) cases.push(['StateSectorGetInfo', [a, s], [a, s]]);
    }
    for (const d of [...facts.deals, 99]) cases.push(['StateMarketStorageDeal', [d], [d]]);
    for (const a of ['f0103', 'f0104', 'f0105', 'f0200', 'f0100']) cases.push(['StateVerifiedClientStatus', [a], [a]], ['StateVerifierStatus', [a], [a]], ['StateMarketBalance', [a], [a]], ['MsigGetPending', [a], [a]], ['MsigGetVestingSchedule', [a], [a]], ['MsigGetAvailableBalance', [a], [a, 1]]);
    const ref = await lotusRef(car, facts.root.toString(), cases.map(([m, , p]) => ({ method: m, params: p })), { devnet: true });
    const [results, errors] = await compare(chain.url, tsk, cases, ref);
    process.stdout.write(`# lotus-ref: ${results} answers and ${errors} errors equal Lotus's on the SYNTHETIC actors v16 state\n`);
    assert.ok(results > 50 && errors > 5, `${results} answers, ${errors} errors`);
    // allocations and claims (not in the reference): what the state holds
    const allocs = (await rpc(chain.url, 'Filecoin.StateGetAllocations', ['f0104', tsk])).body.result;
    assert.deepEqual(Object.keys(allocs).sort(), facts.clients[0]!.allocations.map(String));
    assert.deepEqual(allocs['2'], { Client: 104, Provider: 1000, Data: { '/': 'baga6ea4seaqao7s73y24kcutaosvacpdjgfe5pw76ooefnyqw4ynr3d2y6x2mpq' }, Size: 4096, TermMin: 518400, TermMax: 5256000, Expiration: 1002 });
    assert.deepEqual((await rpc(chain.url, 'Filecoin.StateGetAllocation', ['f0104', 1, tsk])).body.result, allocs['1']);
    assert.equal((await rpc(chain.url, 'Filecoin.StateGetAllocation', ['f0104', 9, tsk])).body.result, null);
    assert.deepEqual((await rpc(chain.url, 'Filecoin.StateGetAllocations', ['f0105', tsk])).body.result, {});
    assert.deepEqual((await rpc(chain.url, 'Filecoin.StateGetAllocationForPendingDeal', [3, tsk])).body.result, allocs['1'], 'deal 3 waits for allocation 1');
    assert.equal((await rpc(chain.url, 'Filecoin.StateGetAllocationForPendingDeal', [0, tsk])).body.result, null);
    const claim = (await rpc(chain.url, 'Filecoin.StateGetClaim', ['f01000', 5, tsk])).body.result;
    assert.deepEqual(claim, { Provider: 1000, Client: 104, Data: { '/': 'baga6ea4seaqao7s73y24kcutaosvacpdjgfe5pw76ooefnyqw4ynr3d2y6x2mpq' }, Size: 2048, TermMin: 518400, TermMax: 5256000, TermStart: 100, Sector: 3 });
    assert.deepEqual((await rpc(chain.url, 'Filecoin.StateGetClaims', ['f01000', tsk])).body.result, { 5: claim });
    assert.equal((await rpc(chain.url, 'Filecoin.StateGetClaim', ['f01001', 5, tsk])).body.result, null);
  } finally {
    await chain.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
