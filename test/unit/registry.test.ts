/**
 * The method registry and what is derived from it, without a database: the README's
 * API and configuration tables, the OpenRPC document (validated against the OpenRPC
 * meta-schema by @open-rpc/schema-utils-js), routing, and declaration rules.
 */
import '../helpers/watchdog.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { validateOpenRPCDocument } from '@open-rpc/schema-utils-js';
import { REGISTRY } from '../../api/methods.js';
import { methodsMarkdown, openRpcDocument } from '../../api/docs.js';
import { Registry, method } from '../../api/registry.js';
import { notServedError } from '../../api/dispatch.js';
import { P } from '../../api/params.js';
import { settingsMarkdown } from '../../common/config.js';
import { projectPath } from '../../common/paths.js';

/** The README text between `<!-- name:begin … -->` and `<!-- name:end -->`. */
function readmeSection(name: string): string {
  const readme = readFileSync(projectPath('README.md'), 'utf8');
  const m = readme.match(new RegExp(`<!-- ${name}:begin[^>]*-->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`));
  assert.ok(m, `README has a ${name} section`);
  return m[1]!;
}

test("the README's API table is the registry's (regenerate: fil-follower methods --markdown)", () => {
  assert.equal(readmeSection('methods'), methodsMarkdown(REGISTRY));
});

test("the README's configuration table is the settings registry's (regenerate: fil-follower config --markdown)", () => {
  assert.equal(readmeSection('config'), settingsMarkdown());
});

for (const version of ['v1', 'v0'] as const) {
  test(`the OpenRPC document of /rpc/${version} validates against the OpenRPC meta-schema and lists every method and alias`, () => {
    const doc = openRpcDocument(REGISTRY, version) as { methods: Array<{ name: string; 'x-answer': string; 'x-refused-reason'?: string; params: unknown[] }> };
    assert.equal(validateOpenRPCDocument(doc as never), true);
    const names = doc.methods.map((m) => m.name);
    assert.equal(new Set(names).size, names.length, 'each name once');
    for (const m of REGISTRY.forVersion(version)) for (const n of [m.name, ...(m.aliases ?? [])]) assert.ok(names.includes(n), n);
    const by = (n: string) => doc.methods.find((m) => m.name === n)!;
    assert.equal(by('Filecoin.ChainHead')['x-answer'], 'served');
    assert.equal(by('eth_call')['x-answer'], 'forwarded');
    assert.equal(by('Filecoin.MpoolPushMessage')['x-answer'], 'refused');
    assert.match(by('Filecoin.MpoolPushMessage')['x-refused-reason']!, /holds no keys/);
    // the v0 and v1 signatures of StateSearchMsg differ
    assert.equal(by('Filecoin.StateSearchMsg').params.length, version === 'v1' ? 4 : 1);
  });
}

test('a document that breaks the meta-schema is refused by the validator (the check can fail)', () => {
  const doc = openRpcDocument(REGISTRY, 'v1') as { methods: Array<Record<string, unknown>> };
  const broken = { ...doc, methods: [{ ...doc.methods[0], params: 'none' }] };
  assert.notEqual(validateOpenRPCDocument(broken as never), true);
});

test('routing: forwarded methods and their aliases go to the full node, everything else to a follower', () => {
  for (const n of ['Filecoin.StateCall', 'Filecoin.MpoolPush', 'Filecoin.GasEstimateMessageGas', 'eth_call', 'Filecoin.EthSendRawTransaction']) assert.equal(REGISTRY.route(n), 'fullnode', n);
  for (const n of ['Filecoin.ChainHead', 'eth_chainId', 'Filecoin.MpoolPushMessage', 'Filecoin.NoSuchMethod', 'rpc.discover']) assert.equal(REGISTRY.route(n), 'follower', n);
  assert.ok(REGISTRY.forwardedNames().includes('eth_estimateGas'));
  assert.equal(REGISTRY.lookup('eth_syncing')?.name, 'Filecoin.EthSyncing');
  assert.equal(REGISTRY.route('eth_syncing'), 'follower', 'a served method added with one declaration is routed to followers');
  assert.equal(REGISTRY.lookup('Filecoin.StateSearchMsgLimited', 'v1'), undefined, 'v0 only');
});

test('declaration rules: one name per version, handlers only on served methods', () => {
  const d = (name: string, versions: ('v0' | 'v1')[]) =>
    method({ name, namespace: 'Chain', versions, summary: '', params: [P.cid('c')], result: {}, answer: 'served', cache: 'none', lookback: 'none', cost: 'light', source: '', handler: (_ctx, [c]) => c.toString() });
  assert.throws(() => new Registry([d('Filecoin.X', ['v1']), d('Filecoin.X', ['v1'])]), /declared twice for v1/);
  assert.doesNotThrow(() => new Registry([d('Filecoin.X', ['v1']), d('Filecoin.X', ['v0'])]));
  assert.throws(() => method({ name: 'Filecoin.Y', namespace: 'Chain', versions: ['v1'], summary: '', params: [], result: {}, answer: 'forwarded', cache: 'none', lookback: 'none', cost: 'light', source: '', handler: () => 1 }), /only served methods have handlers/);
  for (const m of REGISTRY.methods) assert.equal(m.answer === 'served', typeof m.handler === 'function', m.name);
});

test('what a method that is not served answers: -32601, forwarded without a full node, or refused with its reason', () => {
  const f = notServedError(REGISTRY.lookup('eth_call')!, 'eth_call');
  assert.equal(f.code, -32601);
  assert.equal(f.message, "method 'eth_call' needs execution or the mempool, which this read-only gateway does not serve (no full node configured)");
  const r = notServedError(REGISTRY.lookup('Filecoin.MpoolPushMessage')!, 'Filecoin.MpoolPushMessage');
  assert.match(r.message, /^method 'Filecoin.MpoolPushMessage' is not served by this read-only gateway: the gateway holds no keys; sign on the client/);
});
