/**
 * Gateway methods a follower cannot answer from stored blocks: they need the VM
 * (StateReplay re-executes a message; MinerGetBaseInfo computes mining eligibility
 * from beacon randomness and power at a lookback), F3 (finality certificates and
 * power tables live in the F3 participant, not the chain), or a writable blockstore
 * (ChainPutObj). Each is forwarded to the full node at FULLNODE_URL, or refused naming
 * why (lotus api/api_gateway.go lists them all).
 */
import { P } from './params.js';
import { type MethodDecl, type MethodDef, method } from './registry.js';
import { S } from './schemas.js';

const FULLNODE = 'the full node at `FULLNODE_URL`';
const forwarded = { answer: 'forwarded', cost: 'heavy', source: FULLNODE } as const satisfies Partial<MethodDecl>;
const instance = P.opaque('instance', 'uint64', { type: 'integer' });

/** Execution, F3 and writes. */
export const EXECUTION_METHODS: MethodDef[] = [
  method({ ...forwarded, name: 'Filecoin.StateReplay', namespace: 'State', summary: 'Re-execute a message in its tipset and return the invocation result (needs the VM).', params: [P.tipSetKey('tsk'), P.cid('msg')], result: S.object('InvocResult') }),
  method({ ...forwarded, name: 'Filecoin.MinerGetBaseInfo', namespace: 'State', summary: "A miner's mining base at an epoch: power, sectors, beacon entries, eligibility (computed by the node's VM and beacon).", params: [P.address('maddr'), P.epoch('epoch'), P.tipSetKey('tsk')], result: { type: 'object' } }),
  method({ ...forwarded, name: 'Filecoin.F3GetCertificate', namespace: 'Chain', versions: ['v1'], summary: 'The F3 finality certificate of an instance (kept by the F3 participant, not on chain).', params: [instance], result: { type: 'object' } }),
  method({ ...forwarded, name: 'Filecoin.F3GetLatestCertificate', namespace: 'Chain', versions: ['v1'], summary: 'The newest F3 finality certificate (kept by the F3 participant, not on chain).', params: [], result: { type: 'object' } }),
  method({ ...forwarded, name: 'Filecoin.F3GetPowerTableByInstance', namespace: 'Chain', versions: ['v1'], summary: 'The F3 power table of an instance (kept by the F3 participant).', params: [instance], result: { type: 'array' } }),
  method({
    name: 'Filecoin.ChainPutObj',
    namespace: 'Chain',
    summary: 'Store a block: refused, the shared store is written by the leader only.',
    params: [P.opaque('obj', 'blocks.Block', { type: 'object' })],
    result: { type: 'null' },
    answer: { refused: 'the gateway is read-only: blocks reach the shared store only through its leader' },
    cost: 'light',
    source: '—',
  }),
];
