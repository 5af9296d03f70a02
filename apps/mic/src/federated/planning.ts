// The federated backend's rules inside the planner (docs/adr/0010), pure: whether a desired assignment is
// federated, whether its credential is known to be in place, and whether a VM-backed assignment must stay
// as it is until it is (so pods switching backends never see a pending answer).
import type { AzureAssignedIdentity } from '@pod-identity/crd-types';
import { IDENTITY_BACKENDS, serviceAccountSubject } from '@pod-identity/domain';
import { effectiveStatus } from '../plan/assigned-object';
import { existingIdentityId, isFederated } from '../plan/existing';
import type { DesiredAssignment, Snapshot } from '../plan/model';
import type { FederatedNeed } from './accumulator';
import { federatedKey } from './model';

export function isFederatedDesired(d: DesiredAssignment): boolean {
  return d.backend === IDENTITY_BACKENDS.Federated;
}

export function federatedNeed(d: DesiredAssignment): FederatedNeed | undefined {
  if (!isFederatedDesired(d) || !d.resourceId) return undefined;
  return {
    resourceId: d.resourceId,
    identityNamespace: d.identity.metadata?.namespace ?? '',
    podNamespace: d.pod.namespace,
    serviceAccount: d.serviceAccount,
  };
}

/** The credential this federated assignment needs is known to be in place. */
export function federatedReady(snapshot: Snapshot, d: DesiredAssignment): boolean {
  if (!isFederatedDesired(d) || !d.resourceId) return false;
  return (
    snapshot.federatedReady?.has(
      federatedKey(d.resourceId, serviceAccountSubject(d.pod.namespace, d.serviceAccount)),
    ) ?? false
  );
}

/**
 * A VM-backed, Assigned object whose identity is now federated keeps serving from the VM until the
 * credential is in place; only then is it replaced (still Assigned) and the VM identity released.
 */
export function waitsForFederation(
  snapshot: Snapshot,
  obj: AzureAssignedIdentity,
  d: DesiredAssignment,
): boolean {
  return (
    isFederatedDesired(d) &&
    !isFederated(obj) &&
    effectiveStatus(obj) === 'Assigned' &&
    !federatedReady(snapshot, d)
  );
}

/** An existing federated object may stay Assigned through an update: same identity (same pod, so same ServiceAccount). */
export function federatedStaysAssigned(
  snapshot: Snapshot,
  obj: AzureAssignedIdentity,
  d: DesiredAssignment,
): boolean {
  if (!isFederatedDesired(d)) return false;
  if (federatedReady(snapshot, d)) return true;
  return isFederated(obj) && effectiveStatus(obj) === 'Assigned' && existingIdentityId(obj) === d.resourceId;
}
