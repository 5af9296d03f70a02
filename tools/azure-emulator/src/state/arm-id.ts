// ARM resource ids: built in Azure's canonical casing, compared case-insensitively (ARM ids are).

export const UAMI_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities';
export const VM_TYPE = 'Microsoft.Compute/virtualMachines';
export const VMSS_TYPE = 'Microsoft.Compute/virtualMachineScaleSets';

export interface ResourceRef {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
}

/** The key under which the state stores a resource: the id lower-cased, without a trailing slash. */
export function idKey(id: string): string {
  return id.trim().replace(/\/+$/, '').toLowerCase();
}

export function resourceId(ref: ResourceRef, type: string): string {
  return `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/${type}/${ref.name}`;
}

export function resourceGroupId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

const TOP_LEVEL = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/([^/]+\/[^/]+)\/([^/]+)$/i;

export interface ParsedResourceId extends ResourceRef {
  /** Provider namespace and type, e.g. Microsoft.ManagedIdentity/userAssignedIdentities. */
  readonly type: string;
}

/** Parses a top-level resource id; undefined for anything else (nested, malformed). */
export function parseResourceId(id: string): ParsedResourceId | undefined {
  const match = TOP_LEVEL.exec(id.trim().replace(/\/+$/, ''));
  if (!match) return undefined;
  const [, subscriptionId, resourceGroup, type, name] = match;
  return { subscriptionId, resourceGroup, type, name };
}

/** True when `id` is `scope` itself or lies below it (segment boundary, case-insensitive). */
export function isWithinScope(id: string, scope: string): boolean {
  const child = idKey(id);
  const parent = idKey(scope);
  if (parent === '' || parent === '/') return true;
  return child === parent || child.startsWith(`${parent}/`);
}
