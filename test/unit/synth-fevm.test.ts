/**
 * The SYNTHETIC FEVM chain (synth/fevm-chain.ts) checked from the outside, with
 * libraries that share no code with the generator: viem parses and recovers every
 * EIP-1559 transaction from the stored SignedMessages, viem decodes every stored
 * EVM log event with the contract's ABI, and the ERC-20 balances replayed from the
 * Transfer events equal the values read back from the EVM actor's KAMT storage in
 * the final state tree; actor balances and nonces come from the state tree.
 */
import '../helpers/watchdog.js';
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEventLog, keccak256, parseAbi, recoverTransactionAddress, type Hex } from 'viem';
import { generateFevmChain, SYNTH_CHAIN_ID, type SynthChain } from '../../synth/fevm-chain.js';
import { MemoryBlockstore } from '../../blockstore/memory.js';
import { ChainReader } from '../../blockstore/chain-reader.js';
import { type CID, decodeCbor } from '../../chain/cid.js';
import { amtValues } from '../../chain/amt.js';
import { eventFromCbor, receiptFromCbor } from '../../chain/types.js';
import { actorCodeInfo } from '../../chain/actor-codes.js';
import { getActor, idAddress, listActors, networkName } from '../../chain/state.js';
import { kamtGet, padWord } from '../../chain/kamt.js';
import { ethTransactionFromSignedMessage, ethTransactionHash, legacySignedRlp, recoverSender, signedRlp } from '../../chain/eth/transaction.js';
import { ethAddressToFilecoin } from '../../chain/eth/address.js';

const ABI = parseAbi([
  'event Transfer(address indexed from, address indexed to, uint256 value)',
  'event Approval(address indexed owner, address indexed spender, uint256 value)',
  'event Noted(address indexed who, uint256 indexed tag, bytes32 indexed ref, string memo)',
]);
const hex = (b: Uint8Array): Hex => `0x${Buffer.from(b).toString('hex')}`;

let chain: SynthChain;
let store: MemoryBlockstore;
let reader: ChainReader;
const get = (c: CID) => store.get(c);
before(async () => {
  chain = await generateFevmChain({ epochs: 40 });
  store = new MemoryBlockstore(chain.blocks);
  reader = new ChainReader(store);
});

/** The chain from the head down to genesis. */
async function tipsets() {
  const out = [await reader.loadTipSet(chain.roots)];
  while (out.at(-1)!.height > 0) out.push(await reader.parentOf(out.at(-1)!));
  return out.reverse();
}

test('SYNTHETIC chain shape: genesis to 40, null rounds absent, 2-block tipsets, a devnet with actors v16 codes', async () => {
  const ts = await tipsets();
  assert.equal(ts[0]!.height, 0);
  assert.equal(ts.at(-1)!.height, 40);
  assert.deepEqual(chain.manifest.nullRounds, [9, 10, 23]);
  for (const h of [9, 10, 23]) assert.ok(!ts.some((t) => t.height === h), `null round ${h}`);
  assert.ok(ts.some((t) => t.blocks.length === 2));
  assert.equal(await networkName(get, ts.at(-1)!.parentState), 'synthnet');
  const actors = await listActors(get, ts.at(-1)!.parentState);
  const names = actors.map(([, a]) => actorCodeInfo(a.code.toString())).map((i) => `${i!.name}@v${i!.version}`);
  for (const n of ['system@v16', 'init@v16', 'eam@v16', 'ethaccount@v16', 'placeholder@v10', 'evm@v16', 'account@v16']) assert.ok(names.includes(n), n);
});

test('every delegated message is the eth transaction viem recovers (EIP-1559, EIP-155 and Homestead legacy): sender and hash; native messages are secp-signed', async () => {
  let delegated = 0;
  let native = 0;
  const legacy = { homestead: 0, eip155: 0 };
  for (const t of await tipsets()) {
    for (const m of await reader.messagesForTipset(t)) {
      if (m.signed?.signature.type === 1) {
        native++;
        continue;
      }
      const etx = ethTransactionFromSignedMessage(m.signed!, SYNTH_CHAIN_ID);
      // EIP-1559: 0x02 ‖ RLP; legacy (EIP-155 and Homestead): the bare RLP list
      const raw = hex(etx.type === 2 ? signedRlp(etx.tx) : legacySignedRlp(etx.tx));
      assert.equal(keccak256(raw), hex(ethTransactionHash(etx)));
      const from = (await recoverTransactionAddress({ serializedTransaction: raw as `0x02${string}` })).toLowerCase();
      if (etx.type === 2) assert.equal(from, hex(recoverSender(etx.tx)));
      else legacy[etx.tx.chainId === 0 ? 'homestead' : 'eip155']++;
      assert.equal(hex(ethAddressToFilecoin(Uint8Array.from(Buffer.from(from.slice(2), 'hex')))), hex(m.message.from));
      // the manifest lists executed transactions: all but the head's
      const listed = chain.manifest.txs.find((x) => x.cid === m.cid.toString());
      assert.ok(listed || t.height === 40, `listed: ${m.cid}`);
      if (listed) assert.deepEqual([listed.hash, listed.from], [hex(ethTransactionHash(etx)), from]);
      delegated++;
    }
  }
  assert.ok(delegated >= 40 && native >= 5, `${delegated} delegated, ${native} native`);
  assert.ok(legacy.homestead >= 1 && legacy.eip155 >= 1, JSON.stringify(legacy));
});

test('events decode with the contract ABI, and the ERC-20 balances replayed from Transfer events equal the KAMT storage of the EVM actor', async () => {
  const ts = await tipsets();
  const balances = new Map<string, bigint>();
  let events = 0;
  let reverted = 0;
  // the head's own messages are not executed: receipts of tipset i are in tipset i+1
  for (let i = 0; i + 1 < ts.length; i++) {
    const msgs = await reader.messagesForTipset(ts[i]!);
    const receipts = (await amtValues(get, ts[i + 1]!.blocks[0]!.header.parentMessageReceipts)).map(receiptFromCbor);
    assert.equal(receipts.length, msgs.length, `receipts of ${ts[i]!.height}`);
    for (const r of receipts) {
      if (r.exitCode === 33) reverted++;
      if (!r.eventsRoot) continue;
      for (const v of await amtValues(get, r.eventsRoot)) {
        const e = eventFromCbor(v);
        assert.equal(e.emitter, chain.manifest.token.id);
        const topics = e.entries.filter((x) => x.key.startsWith('t')).map((x) => hex(x.value)) as [Hex, ...Hex[]];
        assert.ok(e.entries.every((x) => x.flags === 3 && x.codec === 0x55));
        const data = hex(e.entries.find((x) => x.key === 'd')?.value ?? new Uint8Array(0));
        const log = decodeEventLog({ abi: ABI, topics, data });
        if (log.eventName === 'Transfer') {
          const { from, to, value } = log.args;
          balances.set(from.toLowerCase(), (balances.get(from.toLowerCase()) ?? 0n) - value);
          balances.set(to.toLowerCase(), (balances.get(to.toLowerCase()) ?? 0n) + value);
        }
        events++;
      }
    }
  }
  assert.ok(events > 20 && reverted > 3, `${events} events, ${reverted} reverted calls`);
  const state = ts.at(-1)!.parentState;
  const evm = (await getActor(get, state, idAddress(chain.manifest.token.id)))!;
  const [bytecodeCid, bytecodeHash, storageRoot, transient, nonce, tombstone] = decodeCbor<[CID, Uint8Array, CID, null, number, null]>((await get(evm.head))!);
  const code = (await get(bytecodeCid))!;
  assert.equal(bytecodeCid.code, 0x55);
  assert.equal(hex(bytecodeHash), keccak256(code));
  assert.deepEqual([transient, nonce, tombstone], [null, 1, null]);
  for (const [addr, bal] of balances) {
    if (addr === '0x0000000000000000000000000000000000000000') continue;
    // balanceOf is slot 1: keccak(pad(addr) ‖ pad(1))
    const slot = Uint8Array.from(Buffer.from(keccak256(`0x${addr.slice(2).padStart(64, '0')}${'1'.padStart(64, '0')}`).slice(2), 'hex'));
    const stored = await kamtGet(get, storageRoot, slot);
    assert.equal(stored ? BigInt(hex(stored)) : 0n, bal, `balanceOf ${addr}`);
  }
  assert.equal(BigInt(hex((await kamtGet(get, storageRoot, padWord(new Uint8Array(0))))!)), 1_000_000n * 10n ** 18n, 'totalSupply');
  for (const a of chain.manifest.accounts) {
    const actor = (await getActor(get, state, idAddress(a.id)))!;
    assert.equal(actor.balance.toString(), chain.manifest.finalState[a.eth ?? a.robust]!.balance, a.label);
  }
});
