// Inputs and outputs of the pure planner. The snapshot is everything MIC knows at one instant; the plan
// is everything it intends to do about it. Nothing here performs I/O.
import type {
  AzureAssignedIdentity,
  AzureIdentity,
  AzureIdentityBinding,
  IdentityType,
} from '@pod-identity/crd-types';
import type { AssignmentKey, ComputeTarget, IdentityBackend } from '@pod-identity/domain';
import type { FederatedIdentityPlan } from '../federated/model';

/** The parts of a Pod the planner reads. */
export interface PodInfo {
  readonly name: string;
  readonly namespace: string;
  readonly nodeName?: string;
  /** Pending, Running, Succeeded, Failed, Unknown. */
  readonly phase?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** spec.serviceAccountName; the subject of a federated identity's credential (docs/adr/0010). */
  readonly serviceAccount?: string;
}

export interface NodeInfo {
  readonly name: string;
  readonly providerID?: string;
}

/** Where AzureAssignedIdentities live (docs/adr/0004). */
export type PlacementPolicy =
  { readonly mode: 'pod-namespace' } | { readonly mode: 'fixed'; readonly namespace: string };

export interface PlannerSettings {
  readonly forceNamespaced: boolean;
  readonly placement: PlacementPolicy;
  /** Subscription and resource group of nodes whose providerID names no Azure VM (VM named after the node). */
  readonly defaultSubscriptionId: string;
  readonly defaultResourceGroup: string;
  /** Backend of type-0 identities without spec.backend (--default-identity-backend); absent: VM. */
  readonly defaultBackend?: IdentityBackend;
}

/** A removal an earlier plan asked for that no run on its target has carried out yet (see OwedReleases). */
export interface OwedRelease {
  readonly target: TargetRef;
  readonly resourceId: string;
}

/**
 * Everything the planner reads: the cluster as the informers see it, plus the one thing only MIC itself
 * knows, the removals it still owes. The planner is a pure function of this (and of the sync's kind).
 */
export interface Snapshot {
  readonly pods: readonly PodInfo[];
  readonly nodes: ReadonlyMap<string, NodeInfo>;
  readonly bindings: readonly AzureIdentityBinding[];
  /** Bindings and identities arrive normalised (camelCase) from libs/kube (normalizeCrdObject of crd-types). */
  readonly identities: readonly AzureIdentity[];
  readonly assigned: readonly AzureAssignedIdentity[];
  readonly settings: PlannerSettings;
  /** The applier's record of removals not done yet, so a moved assignment's old target is not forgotten. */
  readonly owedReleases: readonly OwedRelease[];
  /** Federated credentials known to be in place, as federatedKey(identityId, subject) (docs/adr/0010). */
  readonly federatedReady?: ReadonlySet<string>;
  /** User-assigned identities ARM recently said are on each target, by target key (docs/adr/0013). */
  readonly knownPresent?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The part of the snapshot that comes from the cluster. */
export type ClusterSnapshot = Omit<Snapshot, 'owedReleases' | 'federatedReady' | 'knownPresent'>;

/** A compute resource (VM or whole VMSS) with its stable key. */
export interface TargetRef extends Omit<ComputeTarget, 'instanceId'> {
  readonly key: string;
}

/** An assigned identity the plan wants to exist. */
export interface DesiredAssignment {
  readonly key: AssignmentKey;
  readonly keyString: string;
  readonly pod: PodInfo;
  readonly nodeName: string;
  readonly binding: AzureIdentityBinding;
  readonly identity: AzureIdentity;
  readonly identityType: IdentityType;
  /** Canonical resource id (type 0 only). */
  readonly resourceId?: string;
  /** VM: the identity goes on the node's VM/VMSS (`target`); Federated: no target, a credential instead. */
  readonly backend: IdentityBackend;
  /** The pod's ServiceAccount (spec.serviceAccountName, "default" when unset). */
  readonly serviceAccount: string;
  readonly target?: TargetRef;
  /** Namespace the object lives in. */
  readonly namespace: string;
}

/** Names an AzureAssignedIdentity. */
export interface ObjectRef {
  readonly namespace: string;
  readonly name: string;
}

export interface CreateAction {
  readonly object: AzureAssignedIdentity;
  /** True when no ARM work is needed before Assigned (service principals, identities already there). */
  readonly immediate: boolean;
  /** The VM/VMSS that ARM recently said already holds the identity: created Assigned. */
  readonly alreadyOn?: TargetRef;
}

export interface UpdateAction {
  readonly previous: AzureAssignedIdentity;
  readonly object: AzureAssignedIdentity;
}

/** Work on one VM or VMSS. Identity ids are canonical. */
export interface TargetPlan {
  readonly target: TargetRef;
  /** Every identity some current assignment on this target needs (reference count > 0). */
  readonly needed: readonly string[];
  /** Identities whose last assignment here went away: removal candidates, if MIC added them. */
  readonly releasable: readonly string[];
  /** Assignments to mark Assigned once their identity is confirmed on the target. */
  readonly confirm: ReadonlyArray<{ readonly ref: ObjectRef; readonly resourceId: string }>;
  /** Assignments to delete once their identity's removal is done (or not needed). */
  readonly release: ReadonlyArray<{ readonly object: AzureAssignedIdentity; readonly resourceId: string }>;
  /** Client ids of identities known from AzureIdentities (for the immutable list). */
  readonly clientIds: ReadonlyMap<string, string>;
}

export type PlanWarningReason =
  'identity-not-found' | 'namespaced-rule' | 'invalid-resource-id' | 'node-not-found';

export interface PlanWarning {
  readonly reason: PlanWarningReason;
  readonly message: string;
  readonly binding?: ObjectRef;
  readonly pod?: ObjectRef;
}

export interface Plan {
  readonly creates: readonly CreateAction[];
  readonly updates: readonly UpdateAction[];
  /** Objects to delete (or finalize, when already terminating) with no ARM work first. */
  readonly deletes: readonly AzureAssignedIdentity[];
  /** Per VM/VMSS work, only for targets with something to do (or all, for a drift check). */
  readonly targets: readonly TargetPlan[];
  readonly warnings: readonly PlanWarning[];
  /** How many assignments the snapshot wants (for metrics). */
  readonly desiredCount: number;
  /** Per federated identity: the ServiceAccounts it must trust and who waits for them (docs/adr/0010). */
  readonly federated: readonly FederatedIdentityPlan[];
}
