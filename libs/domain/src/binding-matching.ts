// Which AzureIdentities a pod receives: every binding (in any namespace) whose selector equals the pod's
// aadpodidbinding label, each pointing at the identity of that name in the binding's own namespace,
// subject to the namespaced rule. Selectors are compared by exact string equality, as in the original.
import {
  BINDING_LABEL,
  type AzureIdentity,
  type NormalizedAzureIdentityBinding as AzureIdentityBinding,
} from '@pod-identity/crd-types';
import { namespacedRuleAllows } from './namespaced-rules';

export interface PodRef {
  readonly name: string;
  readonly namespace: string;
  readonly labels?: { readonly [k: string]: string | undefined };
}

export interface BindingMatch {
  readonly binding: AzureIdentityBinding;
  readonly identity: AzureIdentity;
}

export type SkipReason = 'identity-not-found' | 'namespaced-rule' | 'duplicate-identity';

export interface SkippedBinding {
  readonly binding: AzureIdentityBinding;
  readonly reason: SkipReason;
}

export interface MatchResult {
  readonly matches: BindingMatch[];
  readonly skipped: SkippedBinding[];
}

export interface MatchInput {
  readonly pod: PodRef;
  /** All bindings of the cluster, normalised (normalizeCrdObject; libs/kube does it on read). */
  readonly bindings: readonly AzureIdentityBinding[];
  /** Looks an identity up by namespace and name. */
  readonly identity: (namespace: string, name: string) => AzureIdentity | undefined;
  readonly forceNamespaced: boolean;
}

/** The pod's aadpodidbinding label, or undefined when absent or empty. */
export function podSelector(pod: PodRef): string | undefined {
  const value = pod.labels?.[BINDING_LABEL];
  return value === undefined || value === '' ? undefined : value;
}

function byNamespaceThenName(a: AzureIdentityBinding, b: AzureIdentityBinding): number {
  const an = `${a.metadata?.namespace ?? ''}/${a.metadata?.name ?? ''}`;
  const bn = `${b.metadata?.namespace ?? ''}/${b.metadata?.name ?? ''}`;
  return an < bn ? -1 : an > bn ? 1 : 0;
}

/**
 * The bindings that give the pod an identity, sorted by (namespace, name). When two bindings lead to the
 * same identity, the first one wins and the other is reported as a duplicate.
 */
export function matchPodBindings(input: MatchInput): MatchResult {
  const selector = podSelector(input.pod);
  const result: MatchResult = { matches: [], skipped: [] };
  if (selector === undefined) return result;
  const seen = new Set<string>();
  const candidates = input.bindings
    .filter((b) => b.spec.selector === selector && !!b.spec.azureIdentity)
    .sort(byNamespaceThenName);
  for (const binding of candidates) {
    const namespace = binding.metadata?.namespace ?? '';
    const identityName = binding.spec.azureIdentity ?? '';
    const identity = input.identity(namespace, identityName);
    if (!identity) {
      result.skipped.push({ binding, reason: 'identity-not-found' });
      continue;
    }
    const allowed = namespacedRuleAllows({
      forceNamespaced: input.forceNamespaced,
      identity,
      bindingNamespace: namespace,
      podNamespace: input.pod.namespace,
    });
    if (!allowed) {
      result.skipped.push({ binding, reason: 'namespaced-rule' });
      continue;
    }
    const key = `${namespace}/${identityName}`;
    if (seen.has(key)) {
      result.skipped.push({ binding, reason: 'duplicate-identity' });
      continue;
    }
    seen.add(key);
    result.matches.push({ binding, identity });
  }
  return result;
}
