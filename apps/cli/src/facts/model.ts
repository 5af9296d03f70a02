// What the CLI reads from the cluster (and, with --azure, from ARM), as plain data: the checks, the status
// summary and the migration plan are pure functions of it.
import type {
  NormalizedAzureAssignedIdentity,
  NormalizedAzureIdentity,
  NormalizedAzureIdentityBinding,
  NormalizedAzurePodIdentityException,
} from '@pod-identity/crd-types';

export interface PodFacts {
  readonly namespace: string;
  readonly name: string;
  readonly phase: string;
  readonly nodeName?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
}

export interface LeaseFacts {
  readonly holder?: string;
  readonly acquiredMs?: number;
  readonly renewedMs?: number;
  readonly durationSeconds?: number;
}

/** An Event MIC wrote (source component pod-identity-mic). */
export interface MicEvent {
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly atMs: number;
  /** "Pod ns/name" or "AzureIdentityBinding ns/name". */
  readonly object: string;
}

export interface MicFacts {
  readonly namespace: string;
  /** MIC's Deployment was found (its args say whether namespaced mode is on). */
  readonly deploymentFound: boolean;
  readonly forceNamespaced: boolean;
  readonly lease?: LeaseFacts;
  /** MIC's most recent Events about the pod or its bindings, newest first. */
  readonly events: readonly MicEvent[];
}

export interface NmiPodFacts {
  readonly name: string;
  readonly ready: boolean;
  /** The image tag. */
  readonly version: string;
}

/** The federated credentials of one federated identity, as ARM lists them. */
export interface FederatedFacts {
  /** Lower-cased resource id. */
  readonly identityId: string;
  readonly credentials?: ReadonlyArray<{
    readonly name: string;
    readonly issuer: string;
    readonly subject: string;
  }>;
  readonly error?: string;
}

export interface AzureFacts {
  /** The node's VM or scale set, as an ARM resource id. */
  readonly target?: string;
  /** User-assigned identity ids on it (lower case). */
  readonly identityIds?: readonly string[];
  /** Why ARM could not be asked (credentials, provider id, ARM error). */
  readonly error?: string;
  /** One entry per federated identity of the pod. */
  readonly federated?: readonly FederatedFacts[];
}

export interface ExplainFacts {
  readonly now: number;
  readonly podRef: { readonly namespace: string; readonly name: string };
  readonly pod?: PodFacts;
  readonly bindings: readonly NormalizedAzureIdentityBinding[];
  readonly identities: readonly NormalizedAzureIdentity[];
  readonly exceptions: readonly NormalizedAzurePodIdentityException[];
  readonly assigned: readonly NormalizedAzureAssignedIdentity[];
  readonly mic: MicFacts;
  /** NMI's pod on the pod's node; undefined when there is none. */
  readonly nmi?: NmiPodFacts;
  /** Present when --azure was given. */
  readonly azure?: AzureFacts;
}
