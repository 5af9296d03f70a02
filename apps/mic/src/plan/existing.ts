// Reading existing AzureAssignedIdentities: which assignment each one stands for, where its identity
// sits, and whether someone is deleting it.
import { IDENTITY_TYPES, type AzureAssignedIdentity } from '@pod-identity/crd-types';
import {
  assignedBackend,
  assignmentKeyString,
  IDENTITY_BACKENDS,
  parseUserAssignedIdentityId,
} from '@pod-identity/domain';
import type { NodeInfo, PlannerSettings, TargetRef } from './model';
import { nodeTarget, parseTarget, TARGET_ANNOTATION } from './targets';

/** The assignment key of an existing object, or undefined for objects too incomplete to match. */
export function existingKey(obj: AzureAssignedIdentity): string | undefined {
  const identity = obj.spec?.azureIdentityRef?.metadata;
  if (!obj.spec?.pod || !obj.spec.podNamespace || !identity?.name) return undefined;
  return assignmentKeyString({
    podNamespace: obj.spec.podNamespace,
    podName: obj.spec.pod,
    identityNamespace: identity.namespace ?? '',
    identityName: identity.name,
  });
}

export function isTerminating(obj: AzureAssignedIdentity): boolean {
  return !!obj.metadata?.deletionTimestamp;
}

/** Canonical resource id of the embedded identity when it is a user-assigned identity, whatever its backend. */
export function existingIdentityId(obj: AzureAssignedIdentity): string | undefined {
  const spec = obj.spec?.azureIdentityRef?.spec;
  if (!spec || (spec.type ?? IDENTITY_TYPES.UserAssignedMSI) !== IDENTITY_TYPES.UserAssignedMSI)
    return undefined;
  return parseUserAssignedIdentityId(spec.resourceID)?.canonical;
}

/** Canonical resource id of the identity this object put on a VM/VMSS (none for a federated one). */
export function existingResourceId(obj: AzureAssignedIdentity): string | undefined {
  if (isFederated(obj)) return undefined;
  return existingIdentityId(obj);
}

/** Whether MIC recorded this assignment as federated (docs/adr/0010). */
export function isFederated(obj: AzureAssignedIdentity): boolean {
  return assignedBackend(obj.metadata) === IDENTITY_BACKENDS.Federated;
}

/** Where the object's identity was assigned: its annotation, else (older objects) its node. */
export function existingTarget(
  obj: AzureAssignedIdentity,
  nodes: ReadonlyMap<string, NodeInfo>,
  settings: PlannerSettings,
): TargetRef | undefined {
  return (
    parseTarget(obj.metadata?.annotations?.[TARGET_ANNOTATION]) ??
    nodeTarget(nodes.get(obj.spec?.nodename ?? ''), settings)
  );
}

export function objectRef(obj: AzureAssignedIdentity): { namespace: string; name: string } {
  return { namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '' };
}

export function refKey(ref: { namespace: string; name: string }): string {
  return `${ref.namespace}/${ref.name}`;
}
