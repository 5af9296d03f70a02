// The two grant sources: standard mode reads this node's AzureAssignedIdentities (indexed by pod),
// managed mode reads bindings and identities of the pod's namespace.
import type {
  NormalizedAzureAssignedIdentity as AzureAssignedIdentity,
  NormalizedAzureIdentity as AzureIdentity,
  NormalizedAzureIdentityBinding as AzureIdentityBinding,
} from '@pod-identity/crd-types';
import { IDENTITY_BACKENDS, type IdentityBackend } from '@pod-identity/domain';
import { ChangeSignal } from '../util/change-signal';
import { assignedToGrant, managedGrants } from './grants';
import type { GrantSource } from './resolver';
import { type Grant, type PodInfo, podKey } from './model';
import { ObjectStore } from './object-store';

export function assignedIdentityStore(): ObjectStore<AzureAssignedIdentity> {
  return new ObjectStore<AzureAssignedIdentity>((a) =>
    a.spec?.pod && a.spec.podNamespace ? `${a.spec.podNamespace}/${a.spec.pod}` : undefined,
  );
}

export class AssignedGrantSource implements GrantSource {
  constructor(private readonly store: ObjectStore<AzureAssignedIdentity>) {}

  get changed(): ChangeSignal {
    return this.store.changed;
  }

  grantsFor(pod: PodInfo): Grant[] {
    return this.store
      .byIndex(podKey(pod))
      .map(assignedToGrant)
      .filter((g): g is Grant => g !== undefined);
  }
}

export class ManagedGrantSource implements GrantSource {
  readonly changed = new ChangeSignal();

  constructor(
    private readonly bindings: ObjectStore<AzureIdentityBinding>,
    private readonly identities: ObjectStore<AzureIdentity>,
    private readonly defaultBackend: IdentityBackend = IDENTITY_BACKENDS.VM,
  ) {
    // Either store changing may change a pod's grants.
    bindings.changed.onChange(() => this.changed.notify());
    identities.changed.onChange(() => this.changed.notify());
  }

  grantsFor(pod: PodInfo): Grant[] {
    return managedGrants(pod, this.bindings.byIndex(pod.namespace), (ns, name) => this.identities.get(ns, name), this.defaultBackend);
  }
}

export function bindingStore(): ObjectStore<AzureIdentityBinding> {
  return new ObjectStore<AzureIdentityBinding>((b) => b.metadata?.namespace);
}

export function identityStore(): ObjectStore<AzureIdentity> {
  return new ObjectStore<AzureIdentity>();
}
