/**
 * Documents derived from the method registry: the OpenRPC document `Filecoin.Discover`
 * and `rpc.discover` answer (OpenRPC 1.2.6, https://spec.open-rpc.org; Lotus serves its
 * own as `apitypes.OpenRPCDocument`), and the README's API table
 * (`fil-follower methods --markdown`, checked by a test).
 * Extensions per method: `x-answer` (served/forwarded/refused), `x-refused-reason`,
 * `x-cache`, `x-lookback`, `x-cost`, `x-subscription`, `x-alias-of`.
 */
import { COMPONENT_SCHEMAS } from './schemas.js';
import { type ApiVersion, type MethodDef, type Namespace, type Registry } from './registry.js';
import { SOFTWARE_VERSION } from './version.js';

/** How a method is answered, in words. */
function answerText(m: MethodDef): 'served' | 'forwarded' | 'refused' {
  return typeof m.answer === 'object' ? 'refused' : m.answer;
}

function methodObject(m: MethodDef, name: string): Record<string, unknown> {
  const o: Record<string, unknown> = {
    name,
    summary: name === m.name ? m.summary : `Alias of ${m.name}. ${m.summary}`,
    params: m.params.map((p) => ({ name: p.name, required: !p.optional, schema: p.schema, description: `Go type ${p.goType}` })),
    result: { name: 'result', schema: m.result },
    paramStructure: 'by-position',
    'x-answer': answerText(m),
    'x-cache': m.cache,
    'x-lookback': m.lookback,
    'x-cost': m.cost,
  };
  if (typeof m.answer === 'object') o['x-refused-reason'] = m.answer.refused;
  if (m.channel) o['x-subscription'] = true;
  if (name !== m.name) o['x-alias-of'] = m.name;
  return o;
}

/**
 * The OpenRPC document of one API version: every method and alias, served,
 * forwarded or refused, with its params, result schema and policies.
 */
export function openRpcDocument(registry: Registry, version: ApiVersion): Record<string, unknown> {
  const methods = registry.forVersion(version).flatMap((m) => [m.name, ...(m.aliases ?? [])].map((n) => methodObject(m, n)));
  return {
    openrpc: '1.2.6',
    info: {
      title: 'fil-follower',
      version: SOFTWARE_VERSION,
      description: `Read-only Lotus JSON-RPC gateway, /rpc/${version}. Forwarded methods go to the full node behind the balancer; refused ones answer -32601 with the reason.`,
    },
    methods,
    components: { schemas: COMPONENT_SCHEMAS },
  };
}

const ORDER: Namespace[] = ['Chain', 'State', 'Msig', 'Wallet', 'Gas', 'Mpool', 'Eth', 'Net/Web3', 'Common'];

/**
 * The README's API table: one row per method, grouped by namespace, with aliases,
 * versions, how it is answered and where the answer comes from.
 */
export function methodsMarkdown(registry: Registry): string {
  const rows = [...registry.methods]
    .sort((a, b) => ORDER.indexOf(a.namespace) - ORDER.indexOf(b.namespace))
    .map((m) => {
      const names = [m.name, ...(m.aliases ?? [])].map((n) => `\`${n}\``).join(', ');
      const how = typeof m.answer === 'object' ? `refused: ${m.answer.refused}` : m.answer + (m.channel ? ' (WebSocket)' : '');
      return `| ${m.namespace} | ${names} | ${m.versions.join(', ')} | ${how} | ${m.cache} | ${m.cost} | ${m.source} |`;
    });
  return ['| namespace | method (aliases) | versions | answered | cache | cost | source of truth |', '|---|---|---|---|---|---|---|', ...rows].join('\n');
}
