/**
 * EIP-1559 transactions and Ethereum addresses (chain/eth/) on real data: the 144
 * signed mainnet transactions of eth/eip1559-signed-txs.json (from Lotus's own test,
 * chain id 314). Each must parse to its listed fields, re-encode to its unsigned
 * (`nosigTx`) and signed bytes exactly, hash as Lotus hashes it (keccak-256 of the
 * signed encoding), and recover the sender viem recovers — viem being an
 * independent implementation, the one dApps use. Bad input gets Lotus's messages.
 */
import '../helpers/watchdog.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fromRlp, keccak256, recoverAddress } from 'viem';
import { fixture } from '../../common/paths.js';
import { addressToString, addressFromString } from '../../chain/address.js';
import { EthTxError, METHOD_INVOKE_CONTRACT, delegatedSignature, parseEip1559Tx, recoverSender, signedRlp, toFilecoinMessage, txHash, unsignedRlp } from '../../chain/eth/transaction.js';
import { NotAnEthAddressError, ethAddressFromFilecoin, ethAddressString, ethAddressToFilecoin, parseEthAddress } from '../../chain/eth/address.js';

interface Vector {
  input: string;
  output: string;
  nosigTx: string;
}
const vectors = JSON.parse(readFileSync(fixture('eth', 'eip1559-signed-txs.json'), 'utf8')) as Vector[];
const hex = (b: Uint8Array): string => `0x${Buffer.from(b).toString('hex')}`;
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.slice(2), 'hex'));

test('144 real signed EIP-1559 transactions parse to their listed fields and re-encode byte for byte', () => {
  assert.equal(vectors.length, 144);
  for (const [i, v] of vectors.entries()) {
    const tx = parseEip1559Tx(bytes(v.input));
    const want = JSON.parse(v.output) as { to: string; value: string; gasLimit: number; maxFeePerGas: string; maxPriorityFeePerGas: string; data: string | null; nonce: number; type: number; chainId: number };
    assert.equal(tx.chainId, want.chainId, `#${i} chainId`);
    assert.equal(tx.nonce, want.nonce, `#${i} nonce`);
    assert.equal(ethAddressString(tx.to!), want.to.toLowerCase(), `#${i} to`);
    assert.equal(tx.value, BigInt(want.value), `#${i} value`);
    assert.equal(tx.gasLimit, want.gasLimit, `#${i} gasLimit`);
    assert.equal(tx.maxFeePerGas, BigInt(want.maxFeePerGas), `#${i} maxFeePerGas`);
    assert.equal(tx.maxPriorityFeePerGas, BigInt(want.maxPriorityFeePerGas), `#${i} maxPriorityFeePerGas`);
    assert.equal(hex(tx.input), want.data ? want.data : '0x', `#${i} input`);
    assert.equal(hex(unsignedRlp(tx)), v.nosigTx, `#${i} unsigned encoding`);
    assert.equal(hex(signedRlp(tx)), v.input, `#${i} signed encoding`);
  }
});

test('each hashes as Lotus hashes it and recovers the sender viem recovers, as an f410 address', async () => {
  const senders = new Set<string>();
  for (const [i, v] of vectors.entries()) {
    const tx = parseEip1559Tx(bytes(v.input));
    assert.equal(hex(txHash(tx)), keccak256(v.input as `0x${string}`), `#${i} hash`);
    // viem's own RLP reading and secp256k1 recovery over the listed unsigned bytes
    // (its parseTransaction refuses some of these vectors: a tip above the fee cap)
    const fields = fromRlp(`0x${v.input.slice(4)}`, 'hex') as `0x${string}`[];
    assert.equal(BigInt(fields[10]!), tx.r, `#${i} r`);
    assert.equal(BigInt(fields[11]!), tx.s, `#${i} s`);
    assert.equal(fields[9] === '0x' ? 0n : BigInt(fields[9]!), tx.v, `#${i} v`);
    const from = recoverSender(tx);
    const viemFrom = await recoverAddress({ hash: keccak256(v.nosigTx as `0x${string}`), signature: { r: fields[10]!, s: fields[11]!, yParity: Number(tx.v) } });
    assert.equal(ethAddressString(from), viemFrom.toLowerCase(), `#${i} sender`);
    const f410 = addressToString(ethAddressToFilecoin(from), 'f');
    assert.match(f410, /^f410f[a-z2-7]+$/);
    // and back: the f410 address gives the same Ethereum address
    assert.equal(ethAddressString(ethAddressFromFilecoin(addressFromString(f410), f410)), ethAddressString(from));
    senders.add(f410);
    const sig = delegatedSignature(tx);
    assert.equal(sig.length, 65);
    assert.equal(hex(sig), `0x${tx.r.toString(16).padStart(64, '0')}${tx.s.toString(16).padStart(64, '0')}0${tx.v}`);
  }
  assert.ok(senders.size >= 1);
});

test('as a Filecoin message: InvokeContract on the masked-ID recipient f01004, the input CBOR-wrapped', () => {
  for (const v of vectors) {
    const tx = parseEip1559Tx(bytes(v.input));
    const m = toFilecoinMessage(tx);
    assert.equal(m.method, METHOD_INVOKE_CONTRACT);
    // 0xff000000000000000000000000000000000003ec is the masked ID of actor 1004
    assert.equal(addressToString(m.to, 'f'), 'f01004');
    if (tx.input.length === 0) assert.equal(m.params.length, 0);
    else assert.deepEqual([...m.params.subarray(0, 2)], [0x58, tx.input.length], 'CBOR byte string header (36-byte input)');
  }
  const creation = { ...parseEip1559Tx(bytes(vectors[0]!.input)), to: null };
  assert.equal(addressToString(toFilecoinMessage(creation).to, 'f'), 'f010');
  assert.throws(() => toFilecoinMessage({ ...creation, chainId: 1 }), { message: 'invalid chain id: 1' });
});

test("malformed transactions and addresses get Lotus's messages", () => {
  const good = bytes(vectors[0]!.input);
  const cases: Array<[Uint8Array, string | RegExp]> = [
    [new Uint8Array(0), 'empty data'],
    [Uint8Array.from([1, ...good.subarray(1)]), 'not an EIP-1559 transaction: first byte is not 2'],
    [Uint8Array.from([2, 0xc0]), 'not an EIP-1559 transaction: should have 12 elements in the rlp list'],
    [Uint8Array.from([2, 0x80]), 'not an EIP-1559 transaction: decoded data is not a list'],
    [good.subarray(0, good.length - 5), /^invalid rlp data: /],
  ];
  for (const [b, msg] of cases) assert.throws(() => parseEip1559Tx(b), (e: Error) => e instanceof EthTxError && (typeof msg === 'string' ? e.message === msg : msg.test(e.message)), String(msg));
  assert.throws(() => parseEthAddress('0x1234'), { message: 'expected hex string length sans prefix 40, got 4' });
  assert.throws(() => parseEthAddress('0x' + 'zz'.repeat(20)), /^Error: cannot parse hex value/);
  assert.throws(() => ethAddressFromFilecoin(addressFromString('f1abjxfbp274xpdqcpuaykwkfb43omjotacm2p3za'), 'f1…'), NotAnEthAddressError);
  assert.equal(ethAddressString(ethAddressFromFilecoin(addressFromString('f01004'), 'f01004')), '0xff000000000000000000000000000000000003ec');
  assert.equal(addressToString(ethAddressToFilecoin(parseEthAddress('0xff000000000000000000000000000000000003ec')), 'f'), 'f01004');
});

test('12,207 real InvokeEVM messages to f410 addresses (2023 mpool): the eth transaction they carry maps back to the same recipient, method and params, and a native-message EthTx gets their calldata', async () => {
  const { gunzipSync } = await import('node:zlib');
  const { parseMessageJson } = await import('../../chain/json.js');
  const { decodeCborByteString, ethTxFromSignedMessage } = await import('../../chain/eth/transaction.js');
  const { ethTxJsonFromNative } = await import('../../chain/eth/json.js');
  const text = gunzipSync(readFileSync(fixture('json', 'mainnet-2023-mpool-messages.json.gz'))).toString('utf8');
  const objects = JSON.parse(`[${text.trim().replace(/\}\s*\{/g, '},{')}]`) as Array<{ Message: Record<string, unknown> }>;
  let n = 0;
  for (const { Message: j } of objects) {
    const msg = parseMessageJson(j);
    if (BigInt(msg.method) !== METHOD_INVOKE_CONTRACT || msg.to[0] !== 4) continue;
    const input = decodeCborByteString(msg.params);
    const to = ethAddressFromFilecoin(msg.to, String(j.To));
    const back = toFilecoinMessage({ chainId: 314, nonce: msg.nonce, to, value: msg.value, maxFeePerGas: msg.gasFeeCap, maxPriorityFeePerGas: msg.gasPremium, gasLimit: msg.gasLimit, input, v: 0n, r: 0n, s: 0n });
    assert.deepEqual([Buffer.from(back.to).toString('hex'), back.method, Buffer.from(back.params).toString('hex')], [Buffer.from(msg.to).toString('hex'), METHOD_INVOKE_CONTRACT, Buffer.from(msg.params).toString('hex')]);
    // signed with a delegated signature it would be this EIP-1559 transaction (when the sender is an f410)
    if (msg.from[0] === 4) {
      const tx = ethTxFromSignedMessage({ message: msg, signature: { type: 3, data: new Uint8Array(65) } }, 314);
      assert.deepEqual([ethAddressString(tx.to!), tx.nonce, tx.input.length], [ethAddressString(to), msg.nonce, input.length]);
    }
    const native = ethTxJsonFromNative({ chainId: 314, hash: new Uint8Array(32), from: new Uint8Array(20), to, decodedInput: input, message: msg }, null);
    assert.equal(native.input, `0x${Buffer.from(input).toString('hex')}`);
    n++;
  }
  assert.equal(n, 12207);
});
