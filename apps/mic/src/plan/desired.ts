// Step 1 of the plan: which assignments should exist. Pods with a node, not finished (Succeeded or
// Failed pods release their identities), with an aadpodidbinding label matching bindings.
import {
  IDENTITY_TYPES,
  type AzureIdentity,
  type AzureIdentityBinding,
  type IdentityType,
} from '@pod-identity/crd-types';
import {
  assignmentKeyString,
  effectiveBackend,
  IDENTITY_BACKENDS,
  podServiceAccount,
  invalidResourceIdMessage,
  matchPodBindings,
  parseUserAssignedIdentityId,
  podSelector,
  type SkippedBinding,
} from '@pod-identity/domain';
import type { DesiredAssignment, NodeInfo, PlannerSettings, PlanWarning, PodInfo, Snapshot } from './model';
import { nodeTarget } from './targets';

const FINISHED_PHASES = new Set(['Succeeded', 'Failed']);

export interface DesiredResult {
  readonly desired: DesiredAssignment[];
  readonly warnings: PlanWarning[];
}

function identityIndex(identities: readonly AzureIdentity[]): Map<string, AzureIdentity> {
  return new Map(identities.map((i) => [`${i.metadata?.namespace ?? ''}/${i.metadata?.name ?? ''}`, i]));
}

function ref(meta: { namespace?: string; name?: string } | undefined): { namespace: string; name: string } {
  return { namespace: meta?.namespace ?? '', name: meta?.name ?? '' };
}

function skipWarning(pod: PodInfo, skip: SkippedBinding): PlanWarning | undefined {
  const b = ref(skip.binding.metadata);
  const identity = `${b.namespace}/${skip.binding.spec.azureIdentity ?? ''}`;
  if (skip.reason === 'identity-not-found') {
    return {
      reason: 'identity-not-found',
      binding: b,
      pod: ref(pod),
      message: `AzureIdentity ${identity} not found`,
    };
  }
  if (skip.reason === 'namespaced-rule') {
    return {
      reason: 'namespaced-rule',
      binding: b,
      pod: ref(pod),
      message: `AzureIdentity ${identity} is namespaced: binding, identity and pod ${pod.namespace}/${pod.name} must share a namespace`,
    };
  }
  return undefined;
}

/** Whether the pod is eligible at all: scheduled, running or about to, and labelled. */
export function podWantsIdentities(pod: PodInfo): boolean {
  return !!pod.nodeName && !FINISHED_PHASES.has(pod.phase ?? '') && podSelector(pod) !== undefined;
}

/** Type-0 identity: resolve its canonical resource id, or explain why it is unusable. */
function resourceIdOf(identity: AzureIdentity): { id?: string; invalid: boolean } {
  if ((identity.spec.type ?? IDENTITY_TYPES.UserAssignedMSI) !== IDENTITY_TYPES.UserAssignedMSI)
    return { invalid: false };
  const parsed = parseUserAssignedIdentityId(identity.spec.resourceID);
  return parsed ? { id: parsed.canonical, invalid: false } : { invalid: true };
}

/** Bindings grouped by selector, once per snapshot (not once per pod). */
function bindingsBySelector(bindings: Snapshot['bindings']): Map<string, AzureIdentityBinding[]> {
  const out = new Map<string, AzureIdentityBinding[]>();
  for (const b of bindings) {
    const selector = b.spec.selector ?? '';
    const list = out.get(selector);
    if (list) list.push(b);
    else out.set(selector, [b]);
  }
  return out;
}

/** The backend of the identity and, for the VM backend, the VM/VMSS: a federated identity is never put on a VM (docs/adr/0010). */
function placement(
  identity: AzureIdentity,
  node: NodeInfo | undefined,
  settings: PlannerSettings,
): Pick<DesiredAssignment, 'backend' | 'target'> {
  const backend = effectiveBackend(identity.spec, settings.defaultBackend ?? IDENTITY_BACKENDS.VM);
  return {
    backend,
    target: backend === IDENTITY_BACKENDS.Federated ? undefined : nodeTarget(node, settings),
  };
}

export function desiredAssignments(snapshot: Snapshot): DesiredResult {
  const { settings } = snapshot;
  const identities = identityIndex(snapshot.identities);
  const bySelector = bindingsBySelector(snapshot.bindings);
  const warnings: PlanWarning[] = [];
  const desired: DesiredAssignment[] = [];
  const invalidReported = new Set<string>();
  const pods = [...snapshot.pods]
    .filter(podWantsIdentities)
    .sort((a, b) => cmp(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`));
  for (const pod of pods) {
    const nodeName = pod.nodeName as string;
    const node = snapshot.nodes.get(nodeName);
    if (!node)
      warnings.push({
        reason: 'node-not-found',
        pod: ref(pod),
        message: `node ${nodeName} of pod ${pod.namespace}/${pod.name} not found`,
      });
    const result = matchPodBindings({
      pod,
      bindings: bySelector.get(podSelector(pod) ?? '') ?? [],
      identity: (ns, name) => identities.get(`${ns}/${name}`),
      forceNamespaced: settings.forceNamespaced,
    });
    for (const skip of result.skipped) {
      const w = skipWarning(pod, skip);
      if (w) warnings.push(w);
    }
    for (const { binding, identity } of result.matches) {
      const rid = resourceIdOf(identity);
      const identityRef = ref(identity.metadata);
      if (rid.invalid) {
        const k = `${identityRef.namespace}/${identityRef.name}`;
        if (!invalidReported.has(k)) {
          invalidReported.add(k);
          warnings.push({
            reason: 'invalid-resource-id',
            binding: ref(binding.metadata),
            message: `AzureIdentity ${k}: ${invalidResourceIdMessage(identity.spec.resourceID)}`,
          });
        }
        continue;
      }
      const key = {
        podNamespace: pod.namespace,
        podName: pod.name,
        identityNamespace: identityRef.namespace,
        identityName: identityRef.name,
      };
      desired.push({
        key,
        keyString: assignmentKeyString(key),
        pod,
        nodeName,
        binding,
        identity,
        identityType: (identity.spec.type ?? IDENTITY_TYPES.UserAssignedMSI) as IdentityType,
        resourceId: rid.id,
        serviceAccount: podServiceAccount(pod.serviceAccount),
        ...placement(identity, node, settings),
        namespace: settings.placement.mode === 'fixed' ? settings.placement.namespace : pod.namespace,
      });
    }
  }
  return { desired, warnings };
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
