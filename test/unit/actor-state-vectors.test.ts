/**
 * Actor state readers on real mainnet state (actors v9 "shark" and v10 "hygge"):
 * the state subsets of the fvm test vectors, before and after a real message. Each
 * case checks that the change the message made is what the readers see: a proposed
 * multisig transaction, an escrow deposit, minted datacap, a new peer ID, a created
 * miner, extended sector expirations.
 */
import '../helpers/watchdog.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCbor, equalBytes } from '../../chain/cid.js';
import { decodeBigInt } from '../../chain/bigint.js';
import { bitfieldRanges } from '../../chain/bitfield.js';
import { actorCodeInfo } from '../../chain/actor-codes.js';
import { getActor, idOf, lookupId } from '../../chain/state.js';
import { loadMultisig, pendingTxn } from '../../chain/actors/multisig.js';
import { MARKET_ACTOR, balanceIn, loadMarket } from '../../chain/actors/market.js';
import { DATACAP_ACTOR, DATACAP_GRANULARITY, VERIFREG_ACTOR, datacapBalance, loadVerifreg, verifierCap } from '../../chain/actors/verifreg.js';
import { loadMiner, minerInfo, sectorInfo } from '../../chain/actors/miner.js';
import { POWER_ACTOR, loadPower, powerClaim } from '../../chain/actors/power.js';
import { stateFields } from '../../chain/actors/state-json.js';
import { decodeMethodParams } from '../../chain/actors/method-params.js';
import { addressToString } from '../../chain/address.js';
import { type Vector, loadVectors } from '../helpers/vectors.js';

const actorAt = async (v: Vector, root: Vector['pre'], a: Uint8Array) => {
  const id = await lookupId(v.get, root, a);
  assert.ok(id, 'the actor resolves');
  const actor = await getActor(v.get, root, id);
  assert.ok(actor, 'the actor exists');
  return { id, actor };
};
const versionOf = (v: Vector): number => (v.nv === 17 ? 9 : 10);

test('multisig Propose (v9, v10): the new pending transaction is the proposal, approved by its proposer', async () => {
  const vs = await loadVectors('multisig/Propose/Ok');
  assert.equal(vs.length, 2);
  for (const v of vs) {
    const { actor: before } = await actorAt(v, v.pre, v.message.to);
    const { actor: after } = await actorAt(v, v.post, v.message.to);
    assert.equal(actorCodeInfo(after.code.toString())?.version, versionOf(v), v.name);
    const pre = await loadMultisig(v.get, before);
    const post = await loadMultisig(v.get, after);
    assert.equal(post.nextTxnId, pre.nextTxnId + 1);
    // the state subsets hold the HAMT paths the message touched: look the new ID up
    assert.equal(await pendingTxn(v.get, pre, pre.nextTxnId), null);
    const t = (await pendingTxn(v.get, post, pre.nextTxnId))!;
    assert.ok(t, `${v.name}: transaction ${pre.nextTxnId} pending`);
    const [to, value, method, params] = decodeCbor<[Uint8Array, Uint8Array, number, Uint8Array]>(v.message.params);
    assert.ok(equalBytes(t.to, to));
    assert.equal(t.value, decodeBigInt(value));
    assert.equal(t.method, method);
    assert.ok(equalBytes(t.params, params));
    const proposer = await lookupId(v.get, v.pre, v.message.from);
    assert.deepEqual(t.approved.map(idOf), [idOf(proposer!)]);
    // the receipt's return is [TxnID, Applied, Code, Ret]
    assert.equal(decodeCbor<unknown[]>(Buffer.from(v.receipt.return, 'base64'))[0], t.id);
  }
});

test('market AddBalance (v9, v10): the escrow of the named address grows by the message value', async () => {
  const vs = await loadVectors('storagemarket/AddBalance/Ok');
  assert.equal(vs.length, 2);
  for (const v of vs) {
    const target = decodeCbor<Uint8Array>(v.message.params);
    const id = (await lookupId(v.get, v.pre, target))!;
    // AddBalance touches only the escrow table (the subsets hold no path into the locked table)
    const escrow = async (root: Vector['pre']) => balanceIn(v.get, await loadMarket(v.get, (await getActor(v.get, root, MARKET_ACTOR))!), 'EscrowTable', id);
    assert.ok(v.message.value > 0n);
    assert.equal((await escrow(v.post)) - (await escrow(v.pre)), v.message.value, v.name);
  }
});

test('verified registry AddVerifiedClient (v9, v10): the client gains the allowance in datacap tokens, the verifier loses it', async () => {
  const vs = await loadVectors('verifiedregistry/AddVerifiedClient/Ok');
  assert.equal(vs.length, 2);
  for (const v of vs) {
    const [client, allowanceBytes] = decodeCbor<[Uint8Array, Uint8Array]>(v.message.params);
    const allowance = decodeBigInt(allowanceBytes);
    const clientId = BigInt(idOf((await lookupId(v.get, v.post, client))!));
    const datacap = async (root: Vector['pre']) => (await datacapBalance(v.get, (await getActor(v.get, root, DATACAP_ACTOR))!, clientId)) ?? 0n;
    assert.equal((await datacap(v.post)) - (await datacap(v.pre)), allowance * DATACAP_GRANULARITY, v.name);
    const verifier = (await lookupId(v.get, v.pre, v.message.from))!;
    const cap = async (root: Vector['pre']) => verifierCap(v.get, await loadVerifreg(v.get, (await getActor(v.get, root, VERIFREG_ACTOR))!), verifier);
    assert.equal((await cap(v.pre))! - ((await cap(v.post)) ?? 0n), allowance, v.name);
  }
});

test('miner ChangePeerID (v9, v10): MinerInfo (14 fields) carries the new peer ID', async () => {
  const vs = await loadVectors('storageminer/ChangePeerID/Ok');
  assert.equal(vs.length, 2);
  for (const v of vs) {
    const [newId] = decodeCbor<[Uint8Array]>(v.message.params);
    const { actor } = await actorAt(v, v.post, v.message.to);
    const st = await loadMiner(v.get, actor);
    assert.equal(st.version, versionOf(v));
    const info = await minerInfo(v.get, st);
    assert.ok(equalBytes(info.peerId, newId), v.name);
    const before = await minerInfo(v.get, await loadMiner(v.get, (await actorAt(v, v.pre, v.message.to)).actor));
    // the owner and worker are the same before and after; v9+ has a beneficiary (the owner unless changed)
    assert.ok(equalBytes(before.owner, info.owner) && equalBytes(before.worker, info.worker));
    assert.ok(info.beneficiary && info.beneficiaryTerm);
    assert.ok([8, 13].includes(info.windowPoStProofType) || info.windowPoStProofType >= 5, `window PoSt proof ${info.windowPoStProofType}`);
  }
});

test('power CreateMiner (v9, v10): the new miner has a zero claim with its proof type, and its MinerInfo names the owner and worker', async () => {
  const vs = await loadVectors('storagepower/CreateMiner/Ok');
  assert.equal(vs.length, 2);
  for (const v of vs) {
    const [owner, worker, proofType, peer] = decodeCbor<[Uint8Array, Uint8Array, number, Uint8Array]>(v.message.params);
    const [idAddr] = decodeCbor<[Uint8Array, Uint8Array]>(Buffer.from(v.receipt.return, 'base64'));
    const power = await loadPower(v.get, (await getActor(v.get, v.post, POWER_ACTOR))!);
    assert.deepEqual(await powerClaim(v.get, power, idAddr), { proofType, raw: 0n, qa: 0n }, v.name);
    assert.equal(await powerClaim(v.get, await loadPower(v.get, (await getActor(v.get, v.pre, POWER_ACTOR))!), idAddr), null, 'no claim before');
    const info = await minerInfo(v.get, await loadMiner(v.get, (await getActor(v.get, v.post, idAddr))!));
    assert.equal(idOf(info.owner), idOf((await lookupId(v.get, v.post, owner))!));
    assert.equal(idOf(info.worker), idOf((await lookupId(v.get, v.post, worker))!));
    assert.equal(info.windowPoStProofType, proofType);
    assert.ok(equalBytes(info.peerId, peer));
    assert.equal(idOf(info.beneficiary!), idOf(info.owner), 'the beneficiary starts as the owner');
  }
});

test('miner ExtendSectorExpiration (v9, v10): SectorOnChainInfo shows the new expiration of every extended sector', async () => {
  const vs = await loadVectors('storageminer/ExtendSectorExpiration/Ok');
  assert.ok(vs.length >= 1);
  for (const v of vs) {
    const [extensions] = decodeCbor<[Array<[number, number, Uint8Array, number]>]>(v.message.params);
    const post = await loadMiner(v.get, (await actorAt(v, v.post, v.message.to)).actor);
    const pre = await loadMiner(v.get, (await actorAt(v, v.pre, v.message.to)).actor);
    let checked = 0;
    for (const [, , sectors, newExpiration] of extensions) {
      for (const [a, b] of bitfieldRanges(sectors)) {
        for (let n = a; n < b; n++) {
          const after = await sectorInfo(v.get, post, n);
          const before = await sectorInfo(v.get, pre, n);
          assert.ok(after && before, `sector ${n} exists`);
          assert.equal(after.expiration, newExpiration, `${v.name} sector ${n}`);
          assert.ok(before.expiration < newExpiration);
          assert.equal(after.sectorNumber, n);
          assert.equal(after.sealedCid.toString(), before.sealedCid.toString());
          assert.equal(after.sealedCid.code, 0xf102, 'sealed sector CIDs are commitments (bagboea…)');
          checked++;
        }
      }
    }
    assert.ok(checked > 0, `${v.name}: some sectors extended`);
  }
});

test('every touched singleton actor state has the layout of its actors version (no generic fallback)', async () => {
  const vs = await loadVectors('');
  assert.equal(vs.length, 60);
  let seen = 0;
  for (const v of vs) {
    for (const a of [POWER_ACTOR, MARKET_ACTOR, VERIFREG_ACTOR, DATACAP_ACTOR, v.message.to]) {
      for (const root of [v.pre, v.post]) {
        let actor;
        try {
          actor = await getActor(v.get, root, (await lookupId(v.get, root, a)) ?? a);
        } catch {
          continue; // not part of this vector's state subset
        }
        const b = actor && (await v.get(actor.head));
        if (!actor || !b) continue;
        const info = actorCodeInfo(actor.code.toString());
        assert.ok(info, `code ${actor.code} is known`);
        if (['evm', 'placeholder', 'ethaccount', 'eam'].includes(info.name)) continue;
        assert.ok(stateFields(info, decodeCbor(b)), `${v.name}: ${info.name} v${info.version} state has its layout`);
        seen++;
      }
    }
  }
  assert.ok(seen > 100, `${seen} states checked`);
});

test("StateDecodeParams' decoders on the vectors' real messages: Lotus's JSON of each method's param type", async () => {
  const cases: Array<[string, (j: Record<string, unknown>, v: Vector) => void]> = [
    ['multisig/Propose/Ok', (j, v) => {
      const [to, value, method] = decodeCbor<[Uint8Array, Uint8Array, number]>(v.message.params);
      assert.deepEqual(Object.keys(j), ['To', 'Value', 'Method', 'Params']);
      assert.equal(j.To, addressToString(to, 'f'));
      assert.equal(j.Value, decodeBigInt(value).toString());
      assert.equal(j.Method, method);
    }],
    ['verifiedregistry/AddVerifiedClient/Ok', (j, v) => {
      const [client, allowance] = decodeCbor<[Uint8Array, Uint8Array]>(v.message.params);
      assert.deepEqual(j, { Address: addressToString(client, 'f'), Allowance: decodeBigInt(allowance).toString() });
    }],
    ['storageminer/ChangePeerID/Ok', (j, v) => assert.deepEqual(j, { NewID: Buffer.from(decodeCbor<[Uint8Array]>(v.message.params)[0]).toString('base64') })],
    ['storagepower/CreateMiner/Ok', (j) => {
      assert.deepEqual(Object.keys(j), ['Owner', 'Worker', 'WindowPoStProofType', 'Peer', 'Multiaddrs']);
      assert.match(String(j.Owner), /^f[0-3]/);
    }],
    ['storagemarket/AddBalance/Ok', (j, v) => assert.equal(j, addressToString(decodeCbor<Uint8Array>(v.message.params), 'f'))],
    ['storageminer/WithdrawBalance/Ok', (j, v) => assert.deepEqual(j, { AmountRequested: decodeBigInt(decodeCbor<[Uint8Array]>(v.message.params)[0]).toString() })],
  ];
  let n = 0;
  for (const [filter, check] of cases) {
    for (const v of await loadVectors(filter)) {
      const { actor } = await actorAt(v, v.pre, v.message.to);
      const info = actorCodeInfo(actor.code.toString())!;
      const j = decodeMethodParams(info.name, info.version, v.message.method, v.message.params, 'f');
      assert.notEqual(j, undefined, `${v.name}: method ${v.message.method} of ${info.name} decodes`);
      check(j as Record<string, unknown>, v);
      n++;
    }
  }
  assert.ok(n >= 10, `${n} messages decoded`);
  assert.deepEqual(decodeMethodParams('account', 10, 0, Uint8Array.of(1, 2, 3), 'f'), {}, 'Send takes no params');
  assert.throws(() => decodeMethodParams('multisig', 10, 2, Uint8Array.of(0x01), 'f'), /cbor input should be of type array/);
  assert.throws(() => decodeMethodParams('multisig', 10, 2, Uint8Array.of(0x81, 0x01), 'f'), /cbor input had wrong number of fields/);
});
