/**
 * The SYNTHETIC chain's contract, compiled here with the solc npm package (a dev
 * dependency: the generator is a test-data tool, not part of a deployed image).
 * Target EVM version `paris`: no PUSH0/MCOPY/transient storage, which every FEVM
 * network version since nv18 runs.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { projectPath } from '../common/paths.js';

/** A compiled contract. */
export interface CompiledContract {
  name: string;
  /** Init code (constructor arguments are appended by the caller). */
  bytecode: Uint8Array;
  /** The runtime code solc expects the init code to return. */
  deployedBytecode: Uint8Array;
  /** Storage slot of each state variable (solc storageLayout). */
  slots: Record<string, bigint>;
  /** solc version string. */
  compiler: string;
}

/**
 * Compile `synth/contracts/<file>` and return contract `name`.
 * @throws Error with solc's messages when compilation fails, or when the solc package is not installed.
 */
export async function compileContract(file: string, name: string): Promise<CompiledContract> {
  const require = createRequire(import.meta.url);
  let solc: { compile(input: string): string; version(): string };
  try {
    solc = require('solc') as typeof solc;
  } catch {
    throw new Error('the solc package is not installed (it is a dev dependency: run `npm ci` without --omit=dev)');
  }
  const content = await readFile(projectPath('synth', 'contracts', file), 'utf8');
  const input = {
    language: 'Solidity',
    sources: { [file]: { content } },
    settings: {
      evmVersion: 'paris',
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { '*': { '*': ['evm.bytecode.object', 'evm.deployedBytecode.object', 'storageLayout'] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: Array<{ severity: string; formattedMessage: string }>;
    contracts?: Record<string, Record<string, { evm: { bytecode: { object: string }; deployedBytecode: { object: string } }; storageLayout: { storage: Array<{ label: string; slot: string }> } }>>;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(`solc: ${errors.map((e) => e.formattedMessage).join('\n')}`);
  const c = out.contracts?.[file]?.[name];
  if (!c) throw new Error(`solc: no contract ${name} in ${file}`);
  return {
    name,
    bytecode: Uint8Array.from(Buffer.from(c.evm.bytecode.object, 'hex')),
    deployedBytecode: Uint8Array.from(Buffer.from(c.evm.deployedBytecode.object, 'hex')),
    slots: Object.fromEntries(c.storageLayout.storage.map((s) => [s.label, BigInt(s.slot)])),
    compiler: solc.version(),
  };
}
