// The NMI's view of pods and grants: small, immutable records built from Kubernetes objects by the
// adapters, so the deciding code never sees raw API objects.
import type { NormalizedIdentitySpec } from '@pod-identity/crd-types';
import type { IdentityBackend } from '@pod-identity/domain';

export interface PodInfo {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly phase: string;
  /** Every address from status.podIPs / status.podIP, canonical form (see canonicalIp). */
  readonly ips: readonly string[];
  /** metadata.creationTimestamp in ms since the epoch, if known. */
  readonly createdAtMs?: number;
  /** spec.serviceAccountName (unset: "default"); the subject of a federated token (docs/adr/0010). */
  readonly serviceAccount?: string;
}

export interface IdentityInfo {
  readonly namespace: string;
  readonly name: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly spec: NormalizedIdentitySpec;
  /** How tokens of this identity are obtained for the pod; absent: VM (IMDS). docs/adr/0010. */
  readonly backend?: IdentityBackend;
}

export interface BindingInfo {
  readonly namespace: string;
  readonly name: string;
  readonly selector: string | undefined;
}

/**
 * One way a pod may hold an identity: an AzureAssignedIdentity (standard mode) or a binding in the
 * pod's namespace (managed mode). `state` is `ready` for Assigned (and legacy empty status) and for
 * every managed-mode grant; `pending` for Created.
 */
export interface Grant {
  readonly identity: IdentityInfo;
  readonly binding: BindingInfo;
  readonly state: 'ready' | 'pending';
  /** Name of the AzureAssignedIdentity, standard mode only. */
  readonly source?: string;
}

export function podKey(pod: { readonly namespace: string; readonly name: string }): string {
  return `${pod.namespace}/${pod.name}`;
}

export function identityKey(identity: IdentityInfo): string {
  return `${identity.namespace}/${identity.name}`;
}

/** Pods that can make requests: the original counted only Pending and Running. */
export function isLivePhase(phase: string): boolean {
  return phase === 'Pending' || phase === 'Running';
}
