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
import { ASSIGNED_BY_POD_INDEX, NAMESPACE_INDEX, type ObjectView } from './views';

export class AssignedGrantSource implements GrantSource {
  /** Needs the ASSIGNED_BY_POD_INDEX index. */
  constructor(private readonly store: ObjectView<AzureAssignedIdentity>) {}

  get changed(): ChangeSignal {
    return this.store.changed;
  }

  grantsFor(pod: PodInfo): Grant[] {
    return this.store
      .byIndex(ASSIGNED_BY_POD_INDEX, podKey(pod))
      .map(assignedToGrant)
      .filter((g): g is Grant => g !== undefined);
  }
}

export class ManagedGrantSource implements GrantSource {
  readonly changed = new ChangeSignal();

  constructor(
    /** Needs the NAMESPACE_INDEX index. */
    private readonly bindings: ObjectView<AzureIdentityBinding>,
    private readonly identities: ObjectView<AzureIdentity>,
    private readonly defaultBackend: IdentityBackend = IDENTITY_BACKENDS.VM,
  ) {
    // Either store changing may change a pod's grants.
    bindings.changed.onChange(() => this.changed.notify());
    identities.changed.onChange(() => this.changed.notify());
  }

  grantsFor(pod: PodInfo): Grant[] {
    return managedGrants(
      pod,
      this.bindings.byIndex(NAMESPACE_INDEX, pod.namespace),
      (ns, name) => this.identities.get(ns, name),
      this.defaultBackend,
    );
  }
}
