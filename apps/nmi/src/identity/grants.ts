// Builds Grants from Kubernetes objects: AzureAssignedIdentities (standard mode) or the pod's
// namespace bindings and identities (managed mode). Pure; the objects arrive normalised by libs/kube
// (legacy PascalCase fields folded into camelCase by @pod-identity/crd-types).
import {
  BINDING_LABEL,
  type NormalizedAzureAssignedIdentity as AzureAssignedIdentity,
  type NormalizedAzureIdentity as AzureIdentity,
  type NormalizedAzureIdentityBinding as AzureIdentityBinding,
} from '@pod-identity/crd-types';
import {
  assignedBackend,
  effectiveBackend,
  IDENTITY_BACKENDS,
  type IdentityBackend,
} from '@pod-identity/domain';
import type { BindingInfo, Grant, IdentityInfo, PodInfo } from './model';

export function toIdentityInfo(
  identity: AzureIdentity,
  fallbackNamespace = '',
  backend: IdentityBackend = IDENTITY_BACKENDS.VM,
): IdentityInfo {
  return {
    namespace: identity.metadata?.namespace ?? fallbackNamespace,
    name: identity.metadata?.name ?? '',
    annotations: { ...(identity.metadata?.annotations ?? {}) },
    spec: identity.spec,
    backend,
  };
}

export function toBindingInfo(binding: AzureIdentityBinding, fallbackNamespace = ''): BindingInfo {
  return {
    namespace: binding.metadata?.namespace ?? fallbackNamespace,
    name: binding.metadata?.name ?? '',
    selector: binding.spec.selector,
  };
}

/**
 * Standard mode: one AzureAssignedIdentity → a grant, or undefined when it is being removed or incomplete.
 * The backend is what MIC recorded (its annotation), so NMI never second-guesses how MIC assigned it.
 */
export function assignedToGrant(assigned: AzureAssignedIdentity): Grant | undefined {
  const status = assigned.status?.status ?? '';
  if (status === 'Unassigned') return undefined;
  const identityRef = assigned.spec?.azureIdentityRef;
  const bindingRef = assigned.spec?.azureBindingRef;
  if (!identityRef || !bindingRef) return undefined;
  return {
    identity: toIdentityInfo(identityRef, '', assignedBackend(assigned.metadata)),
    binding: toBindingInfo(bindingRef),
    state: status === 'Created' ? 'pending' : 'ready',
    source: assigned.metadata?.name,
  };
}

/**
 * Managed mode: the bindings of the pod's namespace whose selector equals the pod's label, each with
 * the identity of that name in the same namespace. Identities that do not exist give no grant. No MIC
 * decides the backend here: the identity's spec.backend, else the cluster default.
 */
export function managedGrants(
  pod: PodInfo,
  bindings: readonly AzureIdentityBinding[],
  identityByName: (namespace: string, name: string) => AzureIdentity | undefined,
  defaultBackend: IdentityBackend = IDENTITY_BACKENDS.VM,
): Grant[] {
  const label = pod.labels[BINDING_LABEL];
  if (label === undefined || label === '') return [];
  const grants: Grant[] = [];
  for (const binding of bindings) {
    if (binding.metadata?.namespace !== pod.namespace) continue;
    if (binding.spec.selector !== label || !binding.spec.azureIdentity) continue;
    const identity = identityByName(pod.namespace, binding.spec.azureIdentity);
    if (!identity) continue;
    const backend = effectiveBackend(identity.spec, defaultBackend);
    grants.push({
      identity: toIdentityInfo(identity, '', backend),
      binding: toBindingInfo(binding),
      state: 'ready',
    });
  }
  return grants;
}
