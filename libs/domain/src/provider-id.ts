// Kubernetes Node spec.providerID → the Azure compute resource that carries the node's identities.
// Uniform scale-set instances share the identities of their scale set, so the target of a VMSS node is
// the scale set; a standalone (or flexible-orchestration) VM is its own target.

export type ComputeKind = 'vm' | 'vmss';

export interface ComputeTarget {
  readonly kind: ComputeKind;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  /** VM name, or scale-set name for a VMSS instance. */
  readonly name: string;
  /** Instance id within the scale set (VMSS only). */
  readonly instanceId?: string;
}

const PROVIDER_PREFIX = /^azure:\/\/+/i;
const VMSS_PATH =
  /^subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.compute\/virtualmachinescalesets\/([^/]+)\/virtualmachines\/([^/]+)$/i;
const VM_PATH =
  /^subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.compute\/virtualmachines\/([^/]+)$/i;

/** Parses `azure:///subscriptions/…` provider ids; undefined for anything else (other clouds, empty). */
export function parseProviderId(providerID: string | undefined): ComputeTarget | undefined {
  if (!providerID || !PROVIDER_PREFIX.test(providerID)) return undefined;
  const path = providerID.trim().replace(PROVIDER_PREFIX, '').replace(/\/+$/, '');
  const vmss = VMSS_PATH.exec(path);
  if (vmss) {
    return {
      kind: 'vmss',
      subscriptionId: vmss[1],
      resourceGroup: vmss[2],
      name: vmss[3],
      instanceId: vmss[4],
    };
  }
  const vm = VM_PATH.exec(path);
  if (vm) return { kind: 'vm', subscriptionId: vm[1], resourceGroup: vm[2], name: vm[3] };
  return undefined;
}

/**
 * Stable key of a target: all instances of one scale set share a key. Azure names are case-insensitive
 * and cloud-provider-azure lower-cases resource groups, so the key is lower case.
 */
export function computeTargetKey(
  target: Pick<ComputeTarget, 'kind' | 'subscriptionId' | 'resourceGroup' | 'name'>,
): string {
  return `${target.kind}:${target.subscriptionId}/${target.resourceGroup}/${target.name}`.toLowerCase();
}

/** ARM resource id of the target (the scale set itself for VMSS instances). */
export function computeTargetResourceId(
  target: Pick<ComputeTarget, 'kind' | 'subscriptionId' | 'resourceGroup' | 'name'>,
): string {
  const type = target.kind === 'vmss' ? 'virtualMachineScaleSets' : 'virtualMachines';
  return `/subscriptions/${target.subscriptionId}/resourceGroups/${target.resourceGroup}/providers/Microsoft.Compute/${type}/${target.name}`;
}
