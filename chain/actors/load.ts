/**
 * An actor's state as one kind of builtin actor, the way Lotus's
 * `chain/actors/builtin/<kind>.Load` accepts it: the code CID must be that kind's
 * (a bundle's, actors v8+, or the fixed legacy code, v0–v7) and the state tuple must
 * have the layout of its actors version (chain/actors/state-json.ts).
 */
import { actorCodeInfo } from '../actor-codes.js';
import { type BlockGetter } from '../amt.js';
import { type Actor, actorState } from '../state.js';
import { stateFields } from './state-json.js';

/** The code is not the expected kind; the message is Lotus's `Load` error. */
export class ActorKindError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ActorKindError';
  }
}

/** A builtin actor's decoded state. */
export interface KindState {
  /** Actors version of the code (0, 2 … 7 legacy; 8+ bundles). */
  version: number;
  /** The state tuple by field name (raw CBOR values). */
  fields: Record<string, unknown>;
}

/**
 * Load `actor`'s state as `kind` (`storageminer`, `multisig`, …; `label` is how
 * Lotus's error names it: `miner`, `multisig`).
 * @throws ActorKindError `actor code is not <label>: <name>` (bundle code of another
 *   kind) or `unknown actor code <cid>` (legacy code of another kind, or unknown);
 *   MissingBlockError when the state block is absent.
 */
export async function loadKind(get: BlockGetter, actor: Actor, kind: string, label: string): Promise<KindState> {
  const info = actorCodeInfo(actor.code.toString());
  if (!info || (info.name !== kind && info.version < 8)) throw new ActorKindError(`unknown actor code ${actor.code.toString()}`);
  if (info.name !== kind) throw new ActorKindError(`actor code is not ${label}: ${info.name}`);
  const st = await actorState(get, actor);
  const fields = stateFields(info, st);
  if (!fields) throw new ActorKindError(`malformed ${label} actor state (actors v${info.version})`);
  return { version: info.version, fields };
}
