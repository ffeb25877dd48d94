/**
 * Version constants, shared by every process that answers `Filecoin.Version`.
 * Source: lotus api/version.go (FullAPIVersion1 = 2.3.0, FullAPIVersion0 = 1.5.0,
 * encoded major<<16 | minor<<8 | patch).
 */
import type { ApiVersion } from './registry.js';

/** Lotus full-node API versions: 2.3.0 for v1, 1.5.0 for v0. */
export const FULL_API_VERSION_1 = (2 << 16) | (3 << 8) | 0;
export const FULL_API_VERSION_0 = (1 << 16) | (5 << 8) | 0;

/** The APIVersion `Filecoin.Version` reports on a path. */
export function apiVersionNumber(v: ApiVersion): number {
  return v === 'v0' ? FULL_API_VERSION_0 : FULL_API_VERSION_1;
}

/** Our version, Lotus-shaped in `Version` (`<version>+<network>+<agent>`). */
export const SOFTWARE_VERSION = '0.1.0';
