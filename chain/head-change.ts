/**
 * A head change: Lotus's `store.HeadChange{Type, Val}` (chain/store/store.go), the
 * unit of ChainNotify and ChainGetPath. A reorg is one array: `revert`s from the old
 * head downwards, then `apply`s ascending; a subscription starts with one `current`.
 */
import type { TipSet } from './tipset.js';

/** One head change entry. */
export interface HeadChange {
  type: 'current' | 'apply' | 'revert';
  tipset: TipSet;
}
