/**
 * The Filecoin half through the balancer with the client libraries users use:
 * lotus-client-rpc (@filecoin-shipyard, Lotus's schema) reading miners, power,
 * multisig and deals of mainnet genesis over HTTP and WebSocket; and a wallet flow
 * with iso-filecoin on the SYNTHETIC chain: balance (served) → nonce and gas
 * estimate (forwarded to the full node) → sign on the client → MpoolPush (forwarded)
 * → StateWaitMsg (served), answered once the leader has applied the message's
 * tipset and `confidence` more. No Lotus node is reachable here: the full node is a
 * loopback stub that answers from the chain the leader is replaying (the message
 * the wallet signs is the one the chain will include).
 */
import '../helpers/watchdog.js';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { LotusRPC } from '@filecoin-shipyard/lotus-client-rpc';
import { NodejsProvider } from '@filecoin-shipyard/lotus-client-provider-nodejs';
import { mainnet } from '@filecoin-shipyard/lotus-client-schema';
import { RPC } from 'iso-filecoin/rpc';
import { signMessage } from 'iso-filecoin/wallet';
import { Message as IsoMessage } from 'iso-filecoin/message';
import { fixture } from '../../common/paths.js';
import { loadCar } from '../../blockstore/car.js';
import { CID } from '../../chain/cid.js';
import { addressToString } from '../../chain/address.js';
import { decodeSignedMessage } from '../../chain/types.js';
import { writeSyntheticFevm } from '../../synth/write.js';
import { type TestCluster, freePort, rpc, startCluster, waitFor } from '../helpers/cluster.js';
import { scratchDir } from '../helpers/tmp.js';

let genesisCluster: TestCluster;
let synthCluster: TestCluster;
let fullNode: FastifyInstance;
const pushed: unknown[] = [];

after(async () => {
  await genesisCluster?.stop();
  await synthCluster?.stop();
  await fullNode?.close();
});

test('lotus-client-rpc through the balancer: StateMinerPower, StateMinerInfo, StateListMiners, MsigGetAvailableBalance, StateMarketStorageDeal over HTTP and WebSocket', async () => {
  genesisCluster = await startCluster({ car: fixture('chain', 'mainnet-genesis.car'), followers: 2 });
  await waitFor(async () => (await rpc(genesisCluster.lbUrl, 'Filecoin.ChainHead')).body?.result?.Height === 0, 60_000, 'genesis head');
  for (const url of [genesisCluster.lbUrl, genesisCluster.lbWsUrl]) {
    const client = new LotusRPC(new NodejsProvider(url), { schema: mainnet.fullNode }) as unknown as Record<string, (...a: unknown[]) => Promise<any>> & { destroy(): Promise<void> };
    try {
      const head = await client.chainHead!();
      assert.equal(head.Height, 0);
      const power = await client.stateMinerPower!('f01000', head.Cids);
      assert.deepEqual(power.MinerPower, { RawBytePower: '26388279066624', QualityAdjPower: '263882790666240' });
      assert.equal(power.HasMinPower, true);
      const miners = (await client.stateListMiners!(head.Cids)) as string[];
      assert.deepEqual([...miners].sort(), ['f01000', 'f01001', 'f01002']);
      let raw = 0n;
      for (const m of miners) raw += BigInt((await client.stateMinerPower!(m, head.Cids)).MinerPower.RawBytePower);
      assert.equal(raw.toString(), power.TotalPower.RawBytePower);
      const info = await client.stateMinerInfo!('f01000', head.Cids);
      assert.equal(info.SectorSize, 34359738368);
      assert.equal(info.PeerId, '12D3KooWHUFDReKfiR4Hs5MkSkC36sntffcXZsNyyA2ZEQwTPogX');
      const vesting = await client.msigGetVestingSchedule!('f0115', head.Cids);
      assert.equal(vesting.UnlockDuration, 6307200);
      assert.match(await client.msigGetAvailableBalance!('f0115', head.Cids), /^\d+$/);
      const deal = await client.stateMarketStorageDeal!(0, head.Cids);
      assert.ok(miners.includes(deal.Proposal.Provider));
    } finally {
      await client.destroy?.();
    }
  }
  // the balancer serves /rpc/v2 too: selectors instead of tipset keys
  const v2 = genesisCluster.lbUrl.replace(/\/rpc\/v1$/, '/rpc/v2');
  const actor = (await rpc(v2, 'Filecoin.StateGetActor', ['f01000', { tag: 'latest' }])).body;
  assert.equal(actor.result?.Balance, (await rpc(genesisCluster.lbUrl, 'Filecoin.StateGetActor', ['f01000', null])).body.result.Balance, JSON.stringify(actor));
  assert.equal((await rpc(v2, 'Filecoin.ChainGetTipSet', [{ tag: 'finalized' }])).body.result.Height, 0);
});

test('iso-filecoin wallet flow through the balancer: balance, nonce, gas, sign, push, then StateWaitMsg answers after the leader applies the message plus confidence', async () => {
  const files = await writeSyntheticFevm(scratchDir('wallet'), { epochs: 40, progress: false });
  const m = files.manifestData;
  const native = m.accounts.find((a) => a.eth === null)!;
  const sends = m.txs.filter((t) => t.kind === 'native-send');
  const target = sends.at(-1)!;
  assert.ok(target.height >= 26, `a native send late in the chain (${target.height})`);
  const { blocks } = await loadCar(files.car);
  const chainMsg = decodeSignedMessage(blocks.getSync(CID.parse(target.cid))!);
  const from = addressToString(chainMsg.message.from, 't');
  const to = addressToString(chainMsg.message.to, 't');
  assert.equal(from, addressToString(Buffer.from(native.robust.replace(/^0x/, ''), 'hex'), 't'));

  // the full node: nonce and gas as the chain's message has them; MpoolPush answers the signed message's CID
  fullNode = Fastify();
  fullNode.post('/rpc/v1', async (req) => {
    const r = req.body as { id: unknown; method: string; params: unknown[] };
    const result = (() => {
      if (r.method === 'Filecoin.MpoolGetNonce') return chainMsg.message.nonce;
      if (r.method === 'Filecoin.GasEstimateMessageGas') return { ...(r.params[0] as object), GasLimit: chainMsg.message.gasLimit, GasFeeCap: chainMsg.message.gasFeeCap.toString(), GasPremium: chainMsg.message.gasPremium.toString() };
      if (r.method === 'Filecoin.MpoolPush') {
        pushed.push(r.params[0]);
        return { '/': target.cid };
      }
      return undefined;
    })();
    return result === undefined ? { jsonrpc: '2.0', id: r.id, error: { code: -32601, message: `stub: ${r.method}` } } : { jsonrpc: '2.0', id: r.id, result };
  });
  const fnPort = await freePort();
  await fullNode.listen({ host: '127.0.0.1', port: fnPort });
  synthCluster = await startCluster({ car: files.car, epochMs: 400, followers: 2, extra: ['--fullnode-url', `http://127.0.0.1:${fnPort}/rpc/v1`] });
  await waitFor(async () => (await rpc(synthCluster.lbUrl, 'Filecoin.ChainHead')).body?.result?.Height >= 2, 60_000, 'head ≥ 2');

  const client = new RPC({ api: synthCluster.lbUrl, network: 'testnet' });
  const balance = await client.balance(from);
  assert.equal(balance.error, undefined, String(balance.error));
  assert.ok(BigInt(balance.result!) > 0n, 'the native account is funded');
  const nonce = await client.nonce(from);
  assert.equal(nonce.result, chainMsg.message.nonce);
  const draft = new IsoMessage({ from, to, value: chainMsg.message.value.toString(), nonce: nonce.result! });
  const gas = await client.gasEstimate({ msg: draft });
  assert.equal(gas.error, undefined, String(gas.error));
  const msg = new IsoMessage({ ...draft, gasLimit: gas.result!.GasLimit, gasFeeCap: gas.result!.GasFeeCap, gasPremium: gas.result!.GasPremium });
  // the client signs what the chain will include: the same CID and signature as the chain's message
  const signature = signMessage(Buffer.from(native.privateKey.replace(/^0x/, ''), 'hex'), 'SECP256K1', msg);
  assert.equal(Buffer.from(signature.data).toString('hex'), Buffer.from(chainMsg.signature.data).toString('hex'));
  const push = await client.pushMessage({ msg, signature });
  assert.equal(push.error, undefined, String(push.error));
  assert.equal(pushed.length, 1, 'MpoolPush went to the full node');
  const headAtWait = (await rpc(synthCluster.lbUrl, 'Filecoin.ChainHead')).body.result.Height as number;
  assert.ok(headAtWait < target.height + 1, `the wait starts before the message is executed (head ${headAtWait}, included at ${target.height})`);
  const confidence = 3;
  const waited = await client.waitMsg({ cid: push.result!, confidence }, { timeout: 120_000 });
  assert.equal(waited.error, undefined, String(waited.error));
  const headAfter = (await rpc(synthCluster.lbUrl, 'Filecoin.ChainHead')).body.result.Height as number;
  const lookup = waited.result as unknown as { Message: { '/': string }; Receipt: { ExitCode: number }; Height: number };
  assert.equal(lookup.Message['/'], target.cid);
  assert.equal(lookup.Receipt.ExitCode, 0);
  assert.ok(lookup.Height > target.height, 'executed in a later tipset than the one including it');
  assert.ok(headAfter - lookup.Height >= confidence, `answered ${confidence} epochs deep (head ${headAfter}, executed at ${lookup.Height})`);
  assert.deepEqual((await rpc(synthCluster.lbUrl, 'Filecoin.StateSearchMsg', [[], { '/': target.cid }, -1, true])).body.result.Height, lookup.Height);
});
