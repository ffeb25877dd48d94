/**
 * Miners, power, multisig, market, verified registry and supply on real state:
 * mainnet genesis (actors v0) through a follower's JSON-RPC API, and calibnet at
 * epoch 16800 (actors v8, 161 miners) through the state readers. Values are checked
 * against each other and against the chain's own invariants (claimed power = active
 * sectors × sector size, claims sum to the network total, deals match sectors), and
 * errors against Lotus's texts and codes.
 */
import '../helpers/watchdog.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture } from '../../common/paths.js';
import { loadCar } from '../../blockstore/car.js';
import type { CID } from '../../chain/cid.js';
import { actorCodeInfo } from '../../chain/actor-codes.js';
import { getActor, idOf, listActors } from '../../chain/state.js';
import { loadMiner, minerInfo, sectorCount, sectorInfo, provingDeadline, WPOST_CHALLENGE_WINDOW } from '../../chain/actors/miner.js';
import { POWER_ACTOR, listMiners, loadPower, meetsConsensusMinimum, powerClaim, totalPower } from '../../chain/actors/power.js';
import { loadMultisig } from '../../chain/actors/multisig.js';
import { cidJson } from '../../chain/json.js';
import { rpc } from '../helpers/cluster.js';
import { type InProcess, startInProcess } from '../helpers/inprocess.js';

let ip: InProcess;
let gk: unknown[];
const call = async (m: string, p: unknown[]) => (await rpc(ip.url, `Filecoin.${m}`, p)).body;
const ok = async (m: string, p: unknown[]) => {
  const r = await call(m, p);
  assert.equal(r.error, undefined, `${m}(${JSON.stringify(p).slice(0, 80)}): ${JSON.stringify(r.error)}`);
  return r.result;
};

before(async () => {
  ip = await startInProcess(fixture('chain', 'mainnet-genesis.car'));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !ip.follower.tracker.head) await new Promise((r) => setTimeout(r, 100));
  gk = ip.follower.tracker.head!.key.map(cidJson);
});
after(async () => {
  await ip?.stop();
});

test('mainnet genesis miners f01000–f01002: info, power = active sectors × sector size, claims sum to the total, deals match sectors', async () => {
  const actors = (await ok('StateListActors', [gk])) as string[];
  const minerActors: string[] = [];
  for (const a of actors) if (actorCodeInfo((await ok('StateGetActor', [a, gk])).Code['/'])?.name === 'storageminer') minerActors.push(a);
  const listed = (await ok('StateListMiners', [gk])) as string[];
  assert.deepEqual([...listed].sort(), ['f01000', 'f01001', 'f01002']);
  assert.deepEqual([...listed].sort(), [...minerActors].sort());
  let raw = 0n;
  let qa = 0n;
  let total: { RawBytePower: string; QualityAdjPower: string } | undefined;
  for (const m of listed) {
    const info = await ok('StateMinerInfo', [m, gk]);
    assert.deepEqual(Object.keys(info), ['Owner', 'Worker', 'NewWorker', 'ControlAddresses', 'WorkerChangeEpoch', 'PeerId', 'Multiaddrs', 'WindowPoStProofType', 'SectorSize', 'WindowPoStPartitionSectors', 'ConsensusFaultElapsed', 'PendingOwnerAddress', 'Beneficiary', 'BeneficiaryTerm', 'PendingBeneficiaryTerm']);
    // actors v0 record the seal proof (3: StackedDrg32GiBV1); its window PoSt proof is 8 (StackedDrgWindow32GiBV1)
    assert.equal(info.SectorSize, 32 * 2 ** 30);
    assert.equal(info.WindowPoStProofType, 8);
    assert.equal(info.WindowPoStPartitionSectors, 2349);
    assert.equal(info.NewWorker, '<empty>');
    assert.equal(info.WorkerChangeEpoch, -1);
    assert.equal(info.ConsensusFaultElapsed, -1);
    assert.equal(info.Beneficiary, '<empty>');
    assert.deepEqual(info.BeneficiaryTerm, { Quota: '0', UsedQuota: '0', Expiration: 0 });
    assert.match(info.PeerId, /^12D3KooW/);
    // the owner is an account whose key resolves
    assert.match(await ok('StateAccountKey', [info.Owner, gk]), /^f3/);
    const power = await ok('StateMinerPower', [m, gk]);
    const count = await ok('StateMinerSectorCount', [m, gk]);
    assert.deepEqual(Object.keys(count), ['Live', 'Active', 'Faulty']);
    assert.equal(count.Faulty, 0);
    assert.equal(BigInt(power.MinerPower.RawBytePower), BigInt(count.Active) * BigInt(info.SectorSize), `${m}: raw power = active sectors × sector size`);
    // genesis sectors hold verified deals: quality-adjusted power is 10× raw
    assert.equal(BigInt(power.MinerPower.QualityAdjPower), 10n * BigInt(power.MinerPower.RawBytePower));
    assert.equal(power.HasMinPower, true);
    raw += BigInt(power.MinerPower.RawBytePower);
    qa += BigInt(power.MinerPower.QualityAdjPower);
    total = power.TotalPower;
    // every live sector is in the sectors AMT; one past the last is null
    const first = await ok('StateSectorGetInfo', [m, 0, gk]);
    assert.deepEqual(Object.keys(first), ['SectorNumber', 'SealProof', 'SealedCID', 'Activation', 'Expiration', 'DealWeight', 'VerifiedDealWeight', 'InitialPledge', 'ExpectedDayReward', 'ExpectedStoragePledge', 'PowerBaseEpoch', 'ReplacedDayReward', 'SectorKeyCID', 'Flags', 'DailyFee']);
    assert.equal(first.SealProof, 3);
    assert.match(first.SealedCID['/'], /^bagboea/);
    assert.equal(first.ReplacedDayReward, null);
    assert.equal((await ok('StateSectorGetInfo', [m, count.Live - 1, gk])).SectorNumber, count.Live - 1);
    assert.equal(await ok('StateSectorGetInfo', [m, count.Live, gk]), null);
    // the proving deadline follows the state's period start and deadline index
    const st = (await ok('StateReadState', [m, gk])).State;
    const dl = await ok('StateMinerProvingDeadline', [m, gk]);
    assert.equal(dl.PeriodStart, st.ProvingPeriodStart);
    assert.equal(dl.Index, st.CurrentDeadline);
    assert.equal(dl.Open, dl.PeriodStart + dl.Index * 60);
    assert.deepEqual([dl.Close - dl.Open, dl.Open - dl.Challenge, dl.Open - dl.FaultCutoff, dl.WPoStPeriodDeadlines, dl.WPoStProvingPeriod], [60, 20, 70, 48, 2880]);
    const deadlines = await ok('StateMinerDeadlines', [m, gk]);
    assert.equal(deadlines.length, 48);
    assert.deepEqual(deadlines[0], { PostSubmissions: [0], DisputableProofCount: 0, DailyFee: '0' });
    // nothing is locked or vesting at genesis: available = balance − initial pledge
    const balance = BigInt((await ok('StateGetActor', [m, gk])).Balance);
    assert.equal(BigInt(await ok('StateMinerAvailableBalance', [m, gk])), balance - BigInt(st.InitialPledgeRequirement) - BigInt(st.LockedFunds) - BigInt(st.PreCommitDeposits));
  }
  assert.deepEqual(total, { RawBytePower: raw.toString(), QualityAdjPower: qa.toString() }, 'the claims sum to the network total');
  // each genesis sector carries one deal: deals 0… belong to the miners, 32 GiB verified pieces
  const deal = await ok('StateMarketStorageDeal', [0, gk]);
  assert.deepEqual(Object.keys(deal.Proposal), ['PieceCID', 'PieceSize', 'VerifiedDeal', 'Client', 'Provider', 'Label', 'StartEpoch', 'EndEpoch', 'StoragePricePerEpoch', 'ProviderCollateral', 'ClientCollateral']);
  assert.equal(deal.Proposal.PieceSize, 32 * 2 ** 30);
  assert.equal(deal.Proposal.VerifiedDeal, true);
  assert.ok(listed.includes(deal.Proposal.Provider));
  assert.match(deal.Proposal.PieceCID['/'], /^baga6ea4sea/);
  assert.deepEqual(Object.keys(deal.State), ['SectorNumber', 'SectorStartEpoch', 'LastUpdatedEpoch', 'SlashEpoch']);
  const sector = await ok('StateSectorGetInfo', [deal.Proposal.Provider, 0, gk]);
  assert.equal(deal.Proposal.EndEpoch, sector.Expiration, "the deal ends with its sector's expiration");
  const market = await ok('StateMarketBalance', [deal.Proposal.Provider, gk]);
  assert.deepEqual(market, { Escrow: '0', Locked: '0' });
});

test('mainnet genesis multisigs: vesting schedule, available balance (actors v0 formula), pending, vested', async () => {
  const actors = (await ok('StateListActors', [gk])) as string[];
  let n = 0;
  for (const a of actors) {
    const actor = await ok('StateGetActor', [a, gk]);
    if (actorCodeInfo(actor.Code['/'])?.name !== 'multisig') continue;
    n++;
    const st = (await ok('StateReadState', [a, gk])).State;
    const vesting = await ok('MsigGetVestingSchedule', [a, gk]);
    assert.deepEqual(vesting, { InitialBalance: st.InitialBalance, StartEpoch: st.StartEpoch, UnlockDuration: st.UnlockDuration });
    const avail = BigInt(await ok('MsigGetAvailableBalance', [a, gk]));
    const [ib, ud, elapsed] = [BigInt(st.InitialBalance), BigInt(st.UnlockDuration), BigInt(0 - st.StartEpoch)];
    // specs-actors v0 AmountLocked: 0 after the duration, all before the start, else floor(IB/UD) × (UD − elapsed)
    const locked = elapsed >= ud ? 0n : elapsed < 0n ? ib : (ib / ud) * (ud - elapsed);
    assert.equal(avail, BigInt(actor.Balance) - locked, a);
    assert.deepEqual(await ok('MsigGetPending', [a, gk]), []);
    assert.equal(await ok('MsigGetVested', [a, gk, gk]), '0');
  }
  assert.equal(n, 10);
  const reserve = await ok('MsigGetVestingSchedule', ['f090', gk]);
  assert.equal(reserve.UnlockDuration, 0, 'the reserve (f090) does not vest');
});

test('mainnet genesis supply and network: VM circulating supply, collateral bounds, network params', async () => {
  const s = await ok('StateVMCirculatingSupplyInternal', [gk]);
  assert.deepEqual(Object.keys(s), ['FilVested', 'FilMined', 'FilBurnt', 'FilLocked', 'FilCirculating', 'FilReserveDisbursed']);
  // before Assembly the genesis pledge counts as vested and as locked; the power actor records it
  const power = (await ok('StateReadState', ['f04', gk])).State;
  assert.equal(s.FilLocked, power.TotalPledgeCollateral);
  assert.equal(BigInt(s.FilCirculating), BigInt(s.FilVested) - BigInt(s.FilLocked), 'nothing mined, burnt or disbursed at genesis');
  assert.equal(s.FilCirculating, '6898560', "Lotus's pre-Ignition vesting reads the FIL tables as attoFIL");
  const bounds = await ok('StateDealProviderCollateralBounds', [32 * 2 ** 30, true, gk]);
  assert.deepEqual(bounds, { Min: '0', Max: '2000000000000000000000000000' });
  const np = await ok('StateGetNetworkParams', []);
  assert.equal(np.NetworkName, 'testnetnet');
  assert.equal(np.ConsensusMinerMinPower, String(10 * 2 ** 40));
  assert.equal(np.ForkUpgradeParams.UpgradeLiftoffHeight, 148888);
  assert.equal(Object.keys(np.ForkUpgradeParams).length, 34);
  assert.equal(np.GenesisTimestamp, 1598306400);
  assert.equal(np.Eip155ChainID, 314);
  // the per-actor walk: every FIL is either circulating or not (the walk checks the 2e9 total)
  const circ = BigInt(await ok('StateCirculatingSupply', [gk]));
  assert.ok(circ > 0n && circ < 2_000_000_000n * 10n ** 18n);
});

test('miner, multisig, market and verified registry errors as Lotus gives them', async () => {
  const err = async (m: string, p: unknown[]) => (await call(m, p)).error;
  assert.deepEqual(await err('StateMinerInfo', ['f09999', gk]), { code: 1, message: 'failed to load miner actor: actor not found' });
  assert.deepEqual(await err('StateMinerInfo', ['f0100', gk]), { code: 1, message: 'failed to load miner actor state: unknown actor code bafkqadlgnfwc6mjpmfrwg33vnz2a' });
  assert.deepEqual(await err('StateSectorGetInfo', ['f09999', 0, gk]), { code: 1, message: '(get sset) failed to load miner actor: actor not found' });
  assert.deepEqual(await err('StateMinerSectorCount', ['f09999', gk]), { code: 1, message: 'actor not found' });
  assert.deepEqual(await ok('StateMinerPower', ['f0100', gk]).then((r) => [r.MinerPower, r.HasMinPower]), [{ RawBytePower: '0', QualityAdjPower: '0' }, false], 'no claim: zero power, no error');
  assert.deepEqual(await err('MsigGetAvailableBalance', ['f099', gk]), { code: 1, message: 'failed to load multisig actor state: unknown actor code bafkqadlgnfwc6mjpmfrwg33vnz2a' });
  assert.equal((await err('StateMarketStorageDeal', [999999, gk])).message, 'deal 999999 not found - deal may not have completed sealing before deal proposal start epoch, or deal may have been slashed');
  assert.deepEqual(await err('StateGetAllocations', ['f0100', gk]), { code: 1, message: 'getting allocations: unsupported in actors v0' });
  assert.deepEqual(await err('StateGetClaim', ['f01000', 1, gk]), { code: 1, message: 'getting claim: unsupported in actors v0' });
  assert.deepEqual(await err('StateGetAllocationForPendingDeal', [0, gk]), { code: 1, message: 'unsupported before actors v9' });
  const unknownKey = 'f1abjxfbp274xpdqcpuaykwkfb43omjotacm2p3za';
  assert.deepEqual(await err('StateVerifiedClientStatus', [unknownKey, gk]), { code: 11, message: 'actor not found' });
  assert.deepEqual(await err('StateMarketBalance', [unknownKey, gk]), { code: 1, message: `resolve address ${unknownKey}: actor not found` });
  assert.equal(await ok('StateVerifierStatus', ['f0100', gk]), null);
  const neg = await err('StateSectorGetInfo', ['f01000', -1, gk]);
  assert.equal(neg.code, -32602);
  assert.match(neg.message, /abi\.SectorNumber/);
  assert.equal((await err('StateMarketStorageDeal', ['0', gk])).code, -32602);
});

test('calibnet epoch 16800 (actors v8): all 161 miners: MinerInfo decodes, claimed raw power = active sectors × sector size, claims sum to the total, 29 above the minimum', async () => {
  const car = await loadCar(fixture('state', 'calibnet-e16800-state.car'));
  const get = async (c: CID) => car.blocks.get(c);
  const root = car.roots[0]!;
  const power = await loadPower(get, (await getActor(get, root, POWER_ACTOR))!);
  assert.equal(power.version, 8);
  const miners = await listMiners(get, power);
  assert.equal(miners.length, 161);
  let raw = 0n;
  let qa = 0n;
  let aboveMin = 0;
  let live = 0;
  for (const m of miners) {
    const claim = (await powerClaim(get, power, m))!;
    raw += claim.raw;
    qa += claim.qa;
    // calibnet's consensus minimum is 32 GiB
    if (meetsConsensusMinimum(power, claim, 32n << 30n)) aboveMin++;
    const st = await loadMiner(get, (await getActor(get, root, m))!);
    assert.equal(st.version, 8);
    const info = await minerInfo(get, st);
    assert.equal(claim.proofType, info.windowPoStProofType, `f0${idOf(m)}: the claim's proof type is the miner's`);
    const count = await sectorCount(get, st);
    assert.equal(BigInt(count.active) * BigInt(info.sectorSize), claim.raw, `f0${idOf(m)}: raw power`);
    live += count.live;
    if (count.live > 0) {
      const s = (await sectorInfo(get, st, 0)) ?? (await sectorInfo(get, st, 1));
      if (s) assert.equal(s.sealedCid.code, 0xf102);
    }
    const dl = provingDeadline(st, 16800);
    assert.ok(dl.close > 16800 && dl.open === dl.periodStart + dl.index * WPOST_CHALLENGE_WINDOW, `f0${idOf(m)}: the next deadline not elapsed at 16800`);
  }
  assert.deepEqual(totalPower(power), { raw, qa });
  assert.equal(aboveMin, Number(power.fields.MinerAboveMinPowerCount));
  assert.equal(aboveMin, 29);
  assert.ok(live > 4000, `${live} live sectors`);
  // the one multisig of this state decodes with the v8 layout
  const msigs = (await listActors(get, root)).filter(([, a]) => actorCodeInfo(a.code.toString())?.name === 'multisig');
  assert.equal(msigs.length, 1);
  const msig = await loadMultisig(get, msigs[0]![1]);
  assert.equal(msig.version, 8);
  assert.ok(msig.threshold >= 1 && msig.signers.length >= msig.threshold);
});

test('StateDecodeParams on mainnet genesis actors: a multisig proposal, Send, bad params, unknown actors, forwarded method numbers', async () => {
  const { encodeCbor } = await import('../../chain/cid.js');
  const { encodeBigInt } = await import('../../chain/bigint.js');
  const { addressFromString } = await import('../../chain/address.js');
  const { REGISTRY } = await import('../../api/methods.js');
  const propose = Buffer.from(encodeCbor([addressFromString('f0100'), encodeBigInt(10n ** 18n), 0, new Uint8Array()])).toString('base64');
  assert.deepEqual(await ok('StateDecodeParams', ['f0115', 2, propose, gk]), { To: 'f0100', Value: '1000000000000000000', Method: 0, Params: null });
  // actors v0: the multisig constructor has no StartEpoch
  const ctor = Buffer.from(encodeCbor([[addressFromString('f0100')], 1, 100])).toString('base64');
  assert.deepEqual(await ok('StateDecodeParams', ['f0115', 1, ctor, gk]), { Signers: ['f0100'], NumApprovalsThreshold: 1, UnlockDuration: 100 });
  assert.deepEqual(await ok('StateDecodeParams', ['f0100', 0, 'AQID', gk]), {}, 'Send: {} whatever the bytes');
  assert.deepEqual((await call('StateDecodeParams', ['f0115', 2, 'AQ==', gk])).error, { code: 1, message: 'cbor input should be of type array' });
  assert.deepEqual((await call('StateDecodeParams', ['f09999', 2, propose, gk])).error, { code: 1, message: 'getting actor: actor not found' });
  assert.equal((await call('StateDecodeParams', ['f0115', 2, '!!', gk])).error.code, -32602);
  // method numbers no decoder here knows go to the full node; the rest are answered here
  assert.equal(REGISTRY.forwardsCall('Filecoin.StateDecodeParams', ['f01000', 25, '', null]), true);
  assert.equal(REGISTRY.forwardsCall('Filecoin.StateDecodeParams', ['f0115', 2, propose, null]), false);
});
