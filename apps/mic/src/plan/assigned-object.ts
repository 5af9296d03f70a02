// The AzureAssignedIdentity object as the original writes it: name <pod>-<namespace>-<identity>,
// `nodename` label, finalizer, embedded copies of the identity and binding, status Created/Assigned.
import {
  API_VERSION,
  ASSIGNED_IDENTITY_FINALIZER,
  KINDS,
  NODENAME_LABEL,
  type AzureAssignedIdentity,
  type AzureIdentity,
  type AzureIdentityBinding,
  type ObjectMeta,
} from '@pod-identity/crd-types';
import { IDENTITY_BACKEND_ANNOTATION, IDENTITY_BACKENDS } from '@pod-identity/domain';
import type { DesiredAssignment } from './model';
import { formatTarget, TARGET_ANNOTATION } from './targets';

/** Metadata worth embedding: identity and version, not managedFields or owner references. */
function embeddedMeta(meta: ObjectMeta | undefined): ObjectMeta {
  const out: ObjectMeta = {};
  for (const key of [
    'name',
    'namespace',
    'uid',
    'resourceVersion',
    'generation',
    'labels',
    'annotations',
  ] as const) {
    if (meta?.[key] !== undefined) out[key] = meta[key] as never;
  }
  return out;
}

export function embedIdentity(identity: AzureIdentity): AzureIdentity {
  return {
    apiVersion: API_VERSION,
    kind: KINDS.AzureIdentity,
    metadata: embeddedMeta(identity.metadata),
    spec: identity.spec,
  };
}

export function embedBinding(binding: AzureIdentityBinding): AzureIdentityBinding {
  return {
    apiVersion: API_VERSION,
    kind: KINDS.AzureIdentityBinding,
    metadata: embeddedMeta(binding.metadata),
    spec: binding.spec,
  };
}

export type AssignedStatus = 'Created' | 'Assigned';

/** Where the identity went: the VM/VMSS (compute-target) or federation (identity-backend; docs/adr/0010). */
function annotations(desired: DesiredAssignment): { annotations?: Record<string, string> } {
  if (desired.backend === IDENTITY_BACKENDS.Federated)
    return { annotations: { [IDENTITY_BACKEND_ANNOTATION]: IDENTITY_BACKENDS.Federated } };
  return desired.target ? { annotations: { [TARGET_ANNOTATION]: formatTarget(desired.target) } } : {};
}

/** A fresh object for a desired assignment. */
export function buildAssignedObject(
  desired: DesiredAssignment,
  name: string,
  status: AssignedStatus,
): AzureAssignedIdentity {
  return {
    apiVersion: API_VERSION,
    kind: KINDS.AzureAssignedIdentity,
    metadata: {
      name,
      namespace: desired.namespace,
      labels: { [NODENAME_LABEL]: desired.nodeName },
      ...annotations(desired),
      finalizers: [ASSIGNED_IDENTITY_FINALIZER],
    },
    spec: {
      azureIdentityRef: embedIdentity(desired.identity),
      azureBindingRef: embedBinding(desired.binding),
      pod: desired.pod.name,
      podNamespace: desired.pod.namespace,
      nodename: desired.nodeName,
    },
    status: { status, availableReplicas: 1 },
  };
}

/** Status as the planner reads it: empty (pre-1.5 objects) counts as Assigned. */
export function effectiveStatus(obj: AzureAssignedIdentity): 'Created' | 'Assigned' | 'Unassigned' {
  const s = obj.status?.status ?? '';
  return s === '' ? 'Assigned' : s;
}
