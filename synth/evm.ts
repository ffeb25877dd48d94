/**
 * Execution for the SYNTHETIC chain: the contract's EVM code runs on
 * @ethereumjs/evm (Paris rules), which yields what a real FEVM execution of the
 * same transaction yields for this contract: the runtime code a creation returns,
 * the logs in order, the return data, and every storage slot written. Gas is not
 * FEVM gas (the chain writer assigns Filecoin gas itself).
 */
import { createEVM, type EVM } from '@ethereumjs/evm';
import { Common, Hardfork, Mainnet } from '@ethereumjs/common';
import { Address, createAccount } from '@ethereumjs/util';

/** One EVM log: 20-byte address, 0–4 topics of 32 bytes, data. */
export interface EvmLog {
  address: Uint8Array;
  topics: Uint8Array[];
  data: Uint8Array;
}

/** The outcome of one call or creation. */
export interface EvmOutcome {
  /** True when the code reverted or failed. */
  reverted: boolean;
  /** Return data (for a creation: the runtime code). */
  returnData: Uint8Array;
  logs: EvmLog[];
  /** EVM gas used (informational). */
  evmGas: bigint;
}

const GAS = 30_000_000n;

/** An EVM world holding the SYNTHETIC chain's contracts. */
export class EvmWorld {
  /** Slots written by SSTORE since the last takeWrittenSlots, by contract address hex. */
  private readonly written = new Map<string, Set<string>>();

  private constructor(private readonly evm: EVM) {
    evm.events!.on('step', (step, next) => {
      if (step.opcode.name === 'SSTORE') {
        const a = Buffer.from(step.address.bytes).toString('hex');
        const set = this.written.get(a) ?? new Set<string>();
        set.add(step.stack[step.stack.length - 1]!.toString(16).padStart(64, '0'));
        this.written.set(a, set);
      }
      next?.();
    });
  }

  static async create(): Promise<EvmWorld> {
    return new EvmWorld(await createEVM({ common: new Common({ chain: Mainnet, hardfork: Hardfork.Paris }) }));
  }

  /**
   * The 32-byte storage keys SSTORE wrote in `addr` since the last call (including
   * writes of calls that later reverted: read their values back with storage()).
   */
  takeWrittenSlots(addr: Uint8Array): Uint8Array[] {
    const a = Buffer.from(addr).toString('hex');
    const set = this.written.get(a);
    this.written.delete(a);
    return [...(set ?? [])].map((k) => Uint8Array.from(Buffer.from(k, 'hex')));
  }

  /** Set an account's nonce (the EAM's CREATE address uses the sender's Filecoin nonce). */
  async setNonce(addr: Uint8Array, nonce: number): Promise<void> {
    const a = new Address(addr);
    const acc = (await this.evm.stateManager.getAccount(a)) ?? createAccount({ nonce: 0n, balance: 0n });
    acc.nonce = BigInt(nonce);
    await this.evm.stateManager.putAccount(a, acc);
  }

  /** Run init code from `caller`; the new contract's address is CREATE's (caller, nonce). */
  async create(caller: Uint8Array, nonce: number, initCode: Uint8Array): Promise<EvmOutcome & { address: Uint8Array | null }> {
    await this.setNonce(caller, nonce);
    const r = await this.evm.runCall({ caller: new Address(caller), data: initCode, gasLimit: GAS });
    const reverted = !!r.execResult.exceptionError;
    return { ...outcome(r.execResult, reverted), address: reverted ? null : r.createdAddress!.bytes };
  }

  /** Call `to` with `data`; state changes of a reverted call are rolled back by the EVM. */
  async call(caller: Uint8Array, to: Uint8Array, data: Uint8Array): Promise<EvmOutcome> {
    const r = await this.evm.runCall({ caller: new Address(caller), to: new Address(to), data, gasLimit: GAS, skipBalance: true });
    return outcome(r.execResult, !!r.execResult.exceptionError);
  }

  /** A contract's runtime code. */
  async code(addr: Uint8Array): Promise<Uint8Array> {
    return this.evm.stateManager.getCode(new Address(addr));
  }

  /** A storage slot's value (32-byte key; value with leading zeros stripped, empty when zero). */
  async storage(addr: Uint8Array, key: Uint8Array): Promise<Uint8Array> {
    return this.evm.stateManager.getStorage(new Address(addr), key);
  }
}

function outcome(r: { returnValue: Uint8Array; logs?: Array<[Uint8Array, Uint8Array[], Uint8Array]>; executionGasUsed: bigint }, reverted: boolean): EvmOutcome {
  return {
    reverted,
    returnData: r.returnValue,
    logs: reverted ? [] : (r.logs ?? []).map(([address, topics, data]) => ({ address, topics, data })),
    evmGas: r.executionGasUsed,
  };
}
