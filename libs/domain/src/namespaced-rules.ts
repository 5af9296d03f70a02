// Namespaced rules: when namespaced matching is forced (cluster-wide switch) or the AzureIdentity carries
// the annotation aadpodidentity.k8s.io/Behavior=namespaced, the identity, the binding and the pod must
// all live in one namespace.
import { NAMESPACED_BEHAVIOR_ANNOTATION, NAMESPACED_BEHAVIOR_VALUE } from '@pod-identity/crd-types';

export interface NamespacedObject {
  readonly metadata?: {
    readonly namespace?: string;
    readonly annotations?: { readonly [k: string]: string };
  };
}

/** True when the identity asks for namespaced behaviour through its annotation (value compared ignoring case). */
export function isNamespacedIdentity(identity: NamespacedObject): boolean {
  const value = identity.metadata?.annotations?.[NAMESPACED_BEHAVIOR_ANNOTATION];
  return value !== undefined && value.toLowerCase() === NAMESPACED_BEHAVIOR_VALUE;
}

export interface NamespacedCheck {
  readonly forceNamespaced: boolean;
  readonly identity: NamespacedObject;
  readonly bindingNamespace: string | undefined;
  readonly podNamespace: string;
}

/** Whether the namespaced rule lets this pod use this identity through this binding. */
export function namespacedRuleAllows(check: NamespacedCheck): boolean {
  if (!check.forceNamespaced && !isNamespacedIdentity(check.identity)) return true;
  const identityNamespace = check.identity.metadata?.namespace;
  return identityNamespace === check.podNamespace && check.bindingNamespace === check.podNamespace;
}
