// Builders for planner and applier unit tests.
import {
  IDENTITY_TYPES,
  type AzureAssignedIdentity,
  type AzureIdentity,
  type AzureIdentityBinding,
  type IdentityType,
} from '@pod-identity/crd-types';
import type { NodeInfo, PlannerSettings, PodInfo, Snapshot } from '../plan/model';

export const SUB = 'sub1';
export const RG = 'rg1';

export function uai(name: string): string {
  return `/subscriptions/${SUB}/resourcegroups/ids/providers/microsoft.managedidentity/userassignedidentities/${name}`;
}

export function vmssNode(name: string, vmss: string, instance = '0'): NodeInfo {
  return {
    name,
    providerID: `azure:///subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachineScaleSets/${vmss}/virtualMachines/${instance}`,
  };
}

export function vmNode(name: string): NodeInfo {
  return {
    name,
    providerID: `azure:///subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/${name}`,
  };
}

export function pod(
  namespace: string,
  name: string,
  opts: { node?: string; label?: string; phase?: string } = {},
): PodInfo {
  return {
    namespace,
    name,
    nodeName: opts.node,
    phase: opts.phase ?? 'Running',
    labels: opts.label === undefined ? {} : { aadpodidbinding: opts.label },
  };
}

export function identity(
  namespace: string,
  name: string,
  opts: {
    type?: IdentityType;
    resourceID?: string;
    clientID?: string;
    rv?: string;
    namespaced?: boolean;
  } = {},
): AzureIdentity {
  return {
    metadata: {
      namespace,
      name,
      resourceVersion: opts.rv ?? '1',
      ...(opts.namespaced ? { annotations: { 'aadpodidentity.k8s.io/Behavior': 'namespaced' } } : {}),
    },
    spec: {
      type: opts.type ?? IDENTITY_TYPES.UserAssignedMSI,
      ...((opts.type ?? IDENTITY_TYPES.UserAssignedMSI) === IDENTITY_TYPES.UserAssignedMSI
        ? { resourceID: opts.resourceID ?? uai(name) }
        : { tenantID: 't' }),
      clientID: opts.clientID ?? `client-${name}`,
    },
  };
}

export function binding(
  namespace: string,
  name: string,
  azureIdentity: string,
  selector: string,
  rv = '1',
): AzureIdentityBinding {
  return { metadata: { namespace, name, resourceVersion: rv }, spec: { azureIdentity, selector } };
}

export const SETTINGS: PlannerSettings = {
  forceNamespaced: false,
  placement: { mode: 'pod-namespace' },
  defaultSubscriptionId: SUB,
  defaultResourceGroup: RG,
};

export function snapshot(parts: Partial<Omit<Snapshot, 'nodes'>> & { nodes?: NodeInfo[] }): Snapshot {
  return {
    pods: parts.pods ?? [],
    nodes: new Map((parts.nodes ?? []).map((n) => [n.name, n])),
    bindings: parts.bindings ?? [],
    identities: parts.identities ?? [],
    assigned: parts.assigned ?? [],
    settings: parts.settings ?? SETTINGS,
    owedReleases: parts.owedReleases ?? [],
    ...(parts.knownPresent ? { knownPresent: parts.knownPresent } : {}),
  };
}

/** Marks an object as the apiserver would return it after create, with the given status. */
export function stored(
  obj: AzureAssignedIdentity,
  status: 'Created' | 'Assigned' | '' = 'Assigned',
  extra: { deleting?: boolean } = {},
): AzureAssignedIdentity {
  return {
    ...obj,
    metadata: {
      ...obj.metadata,
      resourceVersion: '10',
      uid: `uid-${obj.metadata?.name}`,
      ...(extra.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    status: { ...obj.status, status },
  };
}
