// Node → VM or VMSS. The providerID decides; a node without an Azure providerID is taken to be a VM
// named after the node in the configured subscription and resource group (the original's rule). Each
// assigned identity records its target in an annotation, so its identity can still be released after
// the node object is gone (scale-in).
import { computeTargetKey, parseProviderId, type ComputeKind } from '@pod-identity/domain';
import type { NodeInfo, PlannerSettings, TargetRef } from './model';

export const TARGET_ANNOTATION = 'aadpodidentity.k8s.io/compute-target';

function ref(kind: ComputeKind, subscriptionId: string, resourceGroup: string, name: string): TargetRef {
  return {
    kind,
    subscriptionId,
    resourceGroup,
    name,
    key: computeTargetKey({ kind, subscriptionId, resourceGroup, name }),
  };
}

/** The target of a node, or undefined when the node is unknown. */
export function nodeTarget(node: NodeInfo | undefined, settings: PlannerSettings): TargetRef | undefined {
  if (!node) return undefined;
  const parsed = parseProviderId(node.providerID);
  if (parsed) return ref(parsed.kind, parsed.subscriptionId, parsed.resourceGroup, parsed.name);
  return ref('vm', settings.defaultSubscriptionId, settings.defaultResourceGroup, node.name);
}

/** Annotation value: `<kind>:<subscription>/<resourceGroup>/<name>` in the original case. */
export function formatTarget(target: TargetRef): string {
  return `${target.kind}:${target.subscriptionId}/${target.resourceGroup}/${target.name}`;
}

export function parseTarget(value: string | undefined): TargetRef | undefined {
  const m = /^(vm|vmss):([^/]+)\/([^/]+)\/([^/]+)$/.exec(value ?? '');
  if (!m) return undefined;
  return ref(m[1] as ComputeKind, m[2], m[3], m[4]);
}
