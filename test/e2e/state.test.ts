/**
 * State reads without execution, on real state trees: mainnet genesis (actors v0,
 * the old HAMT format) through a follower's API, and calibnet at epoch 16800
 * (StateRoot v4, actors v8, the new HAMT format) through the state library.
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from '../../common/paths.js';
import { loadCar } from '../../blockstore/car.js';
import { CID } from '../../chain/cid.js';
import { actorCodeInfo } from '../../chain/actor-codes.js';
import { addressToString } from '../../chain/address.js';
import { actorState, getActor, listActors, lookupId, lookupRobustAddress, openStateTree } from '../../chain/state.js';
import { actorStateJson } from '../../chain/actors/state-json.js';
import { cidJson } from '../../chain/json.js';
import { rpc } from '../helpers/cluster.js';
import { type InProcess, startInProcess } from '../helpers/inprocess.js';

let ip: InProcess;
let genesisKey: unknown[];
const FIL = 10n ** 18n;

before(async () => {
  ip = await startInProcess(fixture('chain', 'mainnet-genesis.car'));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !ip.follower.tracker.head) await new Promise((r) => setTimeout(r, 100));
  genesisKey = ip.follower.tracker.head!.key.map(cidJson);
});
after(async () => {
  await ip?.stop();
});

test('mainnet genesis: StateGetActor for all 37 actors; balances sum to exactly 2,000,000,000 FIL', async () => {
  const list = (await rpc(ip.url, 'Filecoin.StateListActors', [genesisKey])).body.result as string[];
  assert.equal(list.length, 37);
  let total = 0n;
  const names = new Map<string, number>();
  for (const a of list) {
    assert.match(a, /^f0\d+$/);
    const r = await rpc(ip.url, 'Filecoin.StateGetActor', [a, genesisKey]);
    assert.equal(r.body.error, undefined, `${a}: ${JSON.stringify(r.body.error)}`);
    assert.deepEqual(Object.keys(r.body.result), ['Code', 'Head', 'Nonce', 'Balance', 'DelegatedAddress']);
    total += BigInt(r.body.result.Balance);
    const info = actorCodeInfo(r.body.result.Code['/']);
    assert.ok(info, `code of ${a} resolves`);
    assert.equal(info!.version, 0, 'genesis runs actors v0');
    names.set(info!.name, (names.get(info!.name) ?? 0) + 1);
    // WalletBalance at the head (genesis) agrees
    assert.equal((await rpc(ip.url, 'Filecoin.WalletBalance', [a])).body.result, r.body.result.Balance);
  }
  assert.equal(total, 2_000_000_000n * FIL);
  for (const n of ['system', 'init', 'reward', 'cron', 'storagepower', 'storagemarket', 'verifiedregistry', 'account']) assert.ok(names.has(n), `genesis has a ${n} actor`);
  assert.equal((await rpc(ip.url, 'Filecoin.StateNetworkName')).body.result, 'testnetnet');
  assert.equal((await rpc(ip.url, 'Filecoin.StateNetworkVersion', [genesisKey])).body.result, 0);
});

test('mainnet genesis: StateLookupID and StateAccountKey agree for every account actor', async () => {
  const list = (await rpc(ip.url, 'Filecoin.StateListActors', [genesisKey])).body.result as string[];
  let accounts = 0;
  let unregistered = 0;
  for (const id of list) {
    const actor = (await rpc(ip.url, 'Filecoin.StateGetActor', [id, genesisKey])).body.result;
    if (actorCodeInfo(actor.Code['/'])?.name !== 'account') continue;
    accounts++;
    const key = (await rpc(ip.url, 'Filecoin.StateAccountKey', [id, genesisKey])).body;
    assert.equal(key.error, undefined, `${id}: ${JSON.stringify(key.error)}`);
    if (id === 'f099') {
      // the burnt-funds account records its own ID address as its key
      assert.equal(key.result, 'f099');
      continue;
    }
    assert.match(key.result, /^f[13]/, 'a secp256k1 or BLS key address');
    const back = (await rpc(ip.url, 'Filecoin.StateLookupID', [key.result, genesisKey])).body;
    if (id === 'f081') {
      // real-data quirk: genesis never registered f081's BLS key in the init actor's
      // AddressMap, so Lotus cannot resolve it either (actor not found, code 11)
      assert.equal(back.error.code, 11);
      unregistered++;
    } else {
      assert.equal(back.result, id);
    }
    const state = (await rpc(ip.url, 'Filecoin.StateReadState', [id, genesisKey])).body.result;
    assert.deepEqual(state.State, { Address: key.result });
    assert.equal(state.Balance, actor.Balance);
  }
  assert.equal(accounts, 17);
  assert.equal(unregistered, 1);
});

test('state errors and limits as Lotus gives them', async () => {
  const missing = await rpc(ip.url, 'Filecoin.StateGetActor', ['f099999', genesisKey]);
  assert.deepEqual(missing.body.error, { code: 1, message: 'actor not found' });
  const noKey = 'f1abjxfbp274xpdqcpuaykwkfb43omjotacm2p3za';
  const missingRobust = await rpc(ip.url, 'Filecoin.StateGetActor', [noKey, genesisKey]);
  assert.deepEqual(missingRobust.body.error, { code: 1, message: `resolution lookup failed (${noKey}): resolve address ${noKey}: actor not found` });
  assert.deepEqual((await rpc(ip.url, 'Filecoin.StateLookupID', [noKey, genesisKey])).body.error, { code: 11, message: 'actor not found' });
  assert.equal((await rpc(ip.url, 'Filecoin.StateLookupID', ['f099999', genesisKey])).body.result, 'f099999', 'ID addresses come back unchecked');
  assert.deepEqual((await rpc(ip.url, 'Filecoin.StateLookupRobustAddress', ['f0115', genesisKey])).body.error, { code: 1, message: 'Address f0115 not found' });
  assert.equal((await rpc(ip.url, 'Filecoin.StateLookupRobustAddress', ['f01000', genesisKey])).body.result.slice(0, 2), 'f2');
  assert.deepEqual((await rpc(ip.url, 'Filecoin.StateAccountKey', ['f04', genesisKey])).body.error.message, 'failed to get account actor state for f04: unknown actor code bafkqaetgnfwc6mjpon2g64tbm5sxa33xmvza');
  assert.deepEqual((await rpc(ip.url, 'Filecoin.StateAccountKey', ['f09999', genesisKey])).body.error.message, 'failed to find actor: f09999');
  assert.deepEqual((await rpc(ip.url, 'Filecoin.StateReadState', ['f09999', genesisKey])).body.error.message, 'getting actor: actor not found');
  assert.equal((await rpc(ip.url, 'Filecoin.WalletBalance', ['f099999'])).body.result, '0');
  const badAddr = await rpc(ip.url, 'Filecoin.StateGetActor', ['f0xyz', genesisKey]);
  assert.equal(badAddr.body.error.code, -32602);
  assert.match(badAddr.body.error.message, /\(param: \*address\.Address\): actor: /);
});

test('StateReadState renders actor states as Lotus does (values Lotus itself printed for mainnet genesis)', async () => {
  const read = async (a: string) => (await rpc(ip.url, 'Filecoin.StateReadState', [a, genesisKey])).body.result.State;
  const init = await read('f01');
  assert.deepEqual([init.NextID, init.NetworkName, Object.keys(init)], [1003, 'testnetnet', ['AddressMap', 'NextID', 'NetworkName']]);
  assert.deepEqual(await read('f02'), {
    CumsumBaseline: '0', CumsumRealized: '0', EffectiveNetworkTime: 0, EffectiveBaselinePower: '1152921504606846976', ThisEpochReward: '36266264293777134739',
    ThisEpochRewardSmoothed: { PositionEstimate: '12340768897043811082913117521041414330876498465539749838848', VelocityEstimate: '-37396269384748225153347462373739139597454335279104' },
    ThisEpochBaselinePower: '1152921504606846975', Epoch: 0, TotalMined: '0',
  });
  assert.deepEqual(await read('f00'), {});
  assert.deepEqual(await read('f03'), { Entries: [{ Receiver: 'f04', MethodNum: 5 }, { Receiver: 'f05', MethodNum: 9 }] });
  const power = await read('f04');
  assert.equal(power.LastProcessedCronEpoch, -1);
  assert.equal(power.ProofValidationBatch, null);
  assert.equal(Object.keys(power).length, 16);
  assert.equal((await read('f06')).RootKey, 'f080');
  const msig = await read('f0115');
  assert.deepEqual([msig.Signers[0], msig.NumApprovalsThreshold, msig.NextTxnID, msig.InitialBalance, msig.StartEpoch, msig.UnlockDuration], ['f0103', 3, 0, '50000000000000000000000000', 0, 6307200]);
  const miner = await read('f01000');
  assert.equal(Object.keys(miner).length, 13);
  assert.deepEqual(miner.EarlyTerminations, [0]);
  assert.equal(miner.CurrentDeadline, 0);
});

test('calibnet epoch 16800 (StateRoot v4, new HAMT): all 495 actors by ID and by robust address; codes resolve', async () => {
  const car = await loadCar(fixture('state', 'calibnet-e16800-state.car'));
  const get = (c: CID) => car.blocks.get(c);
  const root = car.roots[0]!;
  assert.equal((await openStateTree(get, root)).version, 4);
  const actors = await listActors(get, root);
  assert.equal(actors.length, 495);
  let robust = 0;
  const kinds = new Map<string, number>();
  for (const [id, actor] of actors) {
    const found = await getActor(get, root, id);
    assert.equal(found!.head.toString(), actor.head.toString());
    const info = actorCodeInfo(actor.code.toString());
    assert.ok(info, `code ${actor.code} of ${addressToString(id, 't')} resolves`);
    assert.equal(info!.network, 'calibnet');
    assert.equal(info!.version, 8);
    kinds.set(info!.name, (kinds.get(info!.name) ?? 0) + 1);
    const r = await lookupRobustAddress(get, root, id);
    if (r) {
      robust++;
      const back = await lookupId(get, root, r);
      assert.equal(addressToString(back!, 't'), addressToString(id, 't'), `${addressToString(r, 't')} → ${addressToString(id, 't')}`);
    }
  }
  assert.ok(robust > 400, `most actors have a robust address (${robust})`);
  assert.ok((kinds.get('storageminer') ?? 0) > 0 && (kinds.get('multisig') ?? 0) > 0 && (kinds.get('account') ?? 0) > 0, JSON.stringify([...kinds]));
  // every actor's state renders with its v8 layout (field names, not the generic fallback)
  const fieldsOf: Record<string, string[]> = {
    account: ['Address'],
    storageminer: ['Info', 'PreCommitDeposits', 'LockedFunds', 'VestingFunds', 'FeeDebt', 'InitialPledge', 'PreCommittedSectors', 'PreCommittedSectorsCleanUp', 'AllocatedSectors', 'Sectors', 'ProvingPeriodStart', 'CurrentDeadline', 'Deadlines', 'EarlyTerminations', 'DeadlineCronActive'],
    multisig: ['Signers', 'NumApprovalsThreshold', 'NextTxnID', 'InitialBalance', 'StartEpoch', 'UnlockDuration', 'PendingTxns'],
    reward: ['CumsumBaseline', 'CumsumRealized', 'EffectiveNetworkTime', 'EffectiveBaselinePower', 'ThisEpochReward', 'ThisEpochRewardSmoothed', 'ThisEpochBaselinePower', 'Epoch', 'TotalStoragePowerReward', 'SimpleTotal', 'BaselineTotal'],
    init: ['AddressMap', 'NextID', 'NetworkName'],
  };
  let rendered = 0;
  for (const [, actor] of actors) {
    const info = actorCodeInfo(actor.code.toString())!;
    const want = fieldsOf[info.name];
    if (!want) continue;
    const st = actorStateJson(info, await actorState(get, actor), 't') as Record<string, unknown>;
    assert.deepEqual(Object.keys(st), want, info.name);
    if (info.name === 'storageminer') assert.ok(Array.isArray(st.EarlyTerminations) && typeof st.DeadlineCronActive === 'boolean');
    if (info.name === 'init') assert.equal(st.NetworkName, 'calibrationnet');
    rendered++;
  }
  assert.ok(rendered > 400, `rendered ${rendered} states`);
});

test('FilecoinAddressToEthAddress / EthAddressToFilecoinAddress on every genesis account key, f0 and f410 addresses', async () => {
  const list = (await rpc(ip.url, 'Filecoin.StateListActors', [genesisKey])).body.result as string[];
  const masked = (id: string): string => `0xff${'0'.repeat(22)}${BigInt(id.slice(2)).toString(16).padStart(16, '0')}`;
  let keys = 0;
  for (const id of list) {
    // an ID address converts without state, to its masked ID, and back
    const e = (await rpc(ip.url, 'Filecoin.FilecoinAddressToEthAddress', [id])).body.result;
    assert.equal(e, masked(id));
    assert.equal((await rpc(ip.url, 'Filecoin.EthAddressToFilecoinAddress', [e])).body.result, id);
    const actor = (await rpc(ip.url, 'Filecoin.StateGetActor', [id, genesisKey])).body.result;
    if (actorCodeInfo(actor.Code['/'])?.name !== 'account' || id === 'f099' || id === 'f081') continue;
    // a key address resolves through the init actor at `finalized` (here: genesis), as Lotus does
    const key = (await rpc(ip.url, 'Filecoin.StateAccountKey', [id, genesisKey])).body.result as string;
    for (const blk of [undefined, 'latest', 'pending', 'safe', 'finalized']) {
      const r = await rpc(ip.url, 'Filecoin.FilecoinAddressToEthAddress', blk === undefined ? [key] : [key, blk]);
      assert.equal(r.body.result, masked(id), `${key} at ${blk}`);
    }
    keys++;
  }
  assert.equal(keys, 15, 'the 17 accounts but f099 (its own ID) and f081 (key not registered)');
  // an f410 address and its Ethereum address, both ways (the sender of a real mainnet transaction)
  const eth = '0x77a5535bd66c24472c8aefff87e3f40a1eac8484';
  const f410 = (await rpc(ip.url, 'Filecoin.EthAddressToFilecoinAddress', [eth])).body.result;
  assert.match(f410, /^f410f/);
  assert.equal((await rpc(ip.url, 'Filecoin.FilecoinAddressToEthAddress', [f410])).body.result, eth);
});

test('address conversion errors as Lotus gives them', async () => {
  const noKey = 'f1abjxfbp274xpdqcpuaykwkfb43omjotacm2p3za';
  assert.deepEqual((await rpc(ip.url, 'Filecoin.FilecoinAddressToEthAddress', [noKey])).body.error, {
    code: 1,
    message: `failed to lookup ID address for given Filecoin address ${noKey} (ensure that the address has been instantiated on-chain and sufficient epochs have passed since instantiation to confirm to the given 'blkParam': "finalized"): resolution lookup failed (${noKey}): resolve address ${noKey}: actor not found`,
  });
  const key = (await rpc(ip.url, 'Filecoin.StateAccountKey', ['f0100', genesisKey])).body.result;
  assert.deepEqual((await rpc(ip.url, 'Filecoin.FilecoinAddressToEthAddress', [key, 'earliest'])).body.error, { code: 1, message: 'block param "earliest" is not supported' });
  assert.deepEqual((await rpc(ip.url, 'Filecoin.FilecoinAddressToEthAddress', [key, '0x5'])).body.error, { code: 1, message: "requested a future epoch (beyond 'latest')" });
  assert.deepEqual((await rpc(ip.url, 'Filecoin.FilecoinAddressToEthAddress', [key, 'soon'])).body.error, { code: 1, message: 'failed to parse block number: strconv.ParseUint: parsing "soon": invalid syntax' });
  const bad = await rpc(ip.url, 'Filecoin.EthAddressToFilecoinAddress', ['0x1234']);
  assert.equal(bad.body.error.code, -32602);
  assert.match(bad.body.error.message, /expected hex string length sans prefix 40, got 4$/);
});
