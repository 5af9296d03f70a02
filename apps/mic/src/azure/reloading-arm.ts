// The ARM port behind a switch: when the cloud config file changes, a new client (new credential,
// endpoint, subscription defaults) replaces the old one for every later call.
import type { ComputeIdentityPort, ComputeRef, IdentityDelta, IdentityState } from '@pod-identity/azure-arm';

export class ReloadingComputePort implements ComputeIdentityPort {
  constructor(private current: ComputeIdentityPort) {}

  replace(next: ComputeIdentityPort): void {
    this.current = next;
  }

  getIdentities(ref: ComputeRef, signal?: AbortSignal): Promise<IdentityState> {
    return this.current.getIdentities(ref, signal);
  }

  updateIdentities(
    ref: ComputeRef,
    current: IdentityState,
    delta: IdentityDelta,
    signal?: AbortSignal,
  ): Promise<IdentityState> {
    return this.current.updateIdentities(ref, current, delta, signal);
  }
}
