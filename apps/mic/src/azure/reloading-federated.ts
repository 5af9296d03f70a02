// The federated credential port behind a switch, as ReloadingComputePort: a changed cloud config file
// gives every later call a new client (credential, endpoint).
import type { FederatedCredential, FederatedCredentialPort, IdentityRef } from '@pod-identity/azure-arm';

export class ReloadingFederatedPort implements FederatedCredentialPort {
  constructor(private current: FederatedCredentialPort) {}

  replace(next: FederatedCredentialPort): void {
    this.current = next;
  }

  list(identity: IdentityRef, signal?: AbortSignal): Promise<FederatedCredential[]> {
    return this.current.list(identity, signal);
  }

  put(identity: IdentityRef, credential: FederatedCredential, signal?: AbortSignal): Promise<void> {
    return this.current.put(identity, credential, signal);
  }

  remove(identity: IdentityRef, name: string, signal?: AbortSignal): Promise<void> {
    return this.current.remove(identity, name, signal);
  }
}
