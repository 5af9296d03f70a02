// What every endpoint shares: the state, the signer, counters, faults, throttling, operations, options.
import type { Counters } from './counters';
import type { FaultRules } from './faults/rules';
import type { Throttler } from './faults/throttler';
import type { ImdsLimiter } from './imds/limiter';
import type { EmulatorRuntimeOptions } from './options';
import type { EmulatorState } from './state/store';
import type { TokenSigner } from './tokens/signer';
import type { OperationStore } from './arm/operations';
import type { IssuerKeys } from './entra/issuer-keys';

export interface EmulatorCore {
  readonly state: EmulatorState;
  readonly signer: TokenSigner;
  readonly counters: Counters;
  readonly faults: FaultRules;
  readonly throttler: Throttler;
  readonly operations: OperationStore;
  readonly imdsLimiter: ImdsLimiter;
  readonly issuerKeys: IssuerKeys;
  /** Mutable through the control API. */
  options: EmulatorRuntimeOptions;
  readonly now: () => number;
  /** IMDS listen address for nodes created without one (seeds, ARM PUT). */
  readonly defaultImdsListen: string | null;
  readonly defaultLocation: string;
}

/** A configured duration after time scaling. */
export function scaled(core: EmulatorCore, ms: number): number {
  return Math.max(0, Math.round(ms * core.options.timeScale));
}
