/**
 * How much of Lotus's Gateway API the registry answers, per version: every method of
 * Lotus's lists (api/lotus-gateway.ts, transcribed from api/api_gateway.go and
 * api/v0api/gateway.go) is served, forwarded to the full node, refused with a
 * reason, or unknown here. The counts are printed; the eth reads must all be served.
 */
import '../helpers/watchdog.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REGISTRY } from '../../api/methods.js';
import { LOTUS_GATEWAY_V0, LOTUS_GATEWAY_V1, LOTUS_GATEWAY_V2 } from '../../api/lotus-gateway.js';

/** Eth methods of the Gateway that need execution or a mempool: the full node's. */
const ETH_FORWARDED = new Set(['EthCall', 'EthEstimateGas', 'EthSendRawTransaction', 'EthSendRawTransactionUntrusted', 'EthTraceBlock', 'EthTraceReplayBlockTransactions', 'EthTraceTransaction', 'EthTraceFilter']);

test('Lotus Gateway coverage from the registry: served / forwarded / refused with a reason / unknown, per version', () => {
  const lines: string[] = [];
  for (const [version, list] of [['v1', LOTUS_GATEWAY_V1], ['v0', LOTUS_GATEWAY_V0], ['v2', LOTUS_GATEWAY_V2]] as const) {
    const count = { served: 0, forwarded: 0, refused: 0, unknown: 0 };
    const unknown: string[] = [];
    for (const name of list) {
      const d = REGISTRY.lookup(`Filecoin.${name}`, version);
      if (!d) {
        count.unknown++;
        unknown.push(name);
      } else if (d.answer === 'served') count.served++;
      else if (d.answer === 'forwarded') count.forwarded++;
      else count.refused++;
    }
    assert.equal(count.served + count.forwarded + count.refused + count.unknown, list.length);
    lines.push(`${version}: ${list.length} Gateway methods: ${count.served} served, ${count.forwarded} forwarded, ${count.refused} refused with a reason, ${count.unknown} unknown (${unknown.join(', ')})`);
    // every eth and actor-event read of the Gateway is served here (issue 10)
    const ethReads = list.filter((n) => (n.startsWith('Eth') || n.includes('ActorEvents') || n === 'FilecoinAddressToEthAddress') && !ETH_FORWARDED.has(n));
    const notServed = ethReads.filter((n) => REGISTRY.lookup(`Filecoin.${n}`, version)?.answer !== 'served' && !(n === 'EthNewPendingTransactionFilter'));
    assert.deepEqual(notServed, [], `${version} eth reads not served`);
    // every method of Lotus's Gateway is known here: served, forwarded with a reason, or refused with one (issue 11)
    assert.deepEqual(unknown, [], `${version}: Gateway methods unknown to the registry`);
    // and no read is refused: the refusals are the writes a read-only gateway cannot do
    const refused = list.filter((n) => { const a = REGISTRY.lookup(`Filecoin.${n}`, version)?.answer; return typeof a === 'object'; });
    assert.ok(refused.every((n) => ['ChainPutObj', 'EthNewPendingTransactionFilter'].includes(n)), `${version} refused: ${refused.join(', ')}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
});
