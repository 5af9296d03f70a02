// The adapter's view of a VM or VM scale set: only what identity assignment needs.
import type { ComputeKind } from '@pod-identity/domain';

/** A VM or a VM scale set. */
export interface ComputeRef {
  readonly kind: ComputeKind;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
}

/** One user-assigned identity present on the resource, as ARM reports it. */
export interface AssignedUserIdentity {
  /** The id as ARM returned it (original case). */
  readonly id: string;
  readonly clientId?: string;
  readonly principalId?: string;
}

export type IdentityType = 'None' | 'SystemAssigned' | 'UserAssigned' | 'SystemAssigned, UserAssigned';

/** Identity block of a VM/VMSS. `userAssigned` is keyed by the canonical (lower-case) resource id. */
export interface IdentityState {
  readonly type: IdentityType;
  readonly userAssigned: ReadonlyMap<string, AssignedUserIdentity>;
  readonly provisioningState?: string;
  /** ETag of the resource when read (used as If-Match when a PATCH removes every user identity). */
  readonly etag?: string;
}

/** Identities to add and to remove, as canonical resource ids. */
export interface IdentityDelta {
  readonly add: readonly string[];
  readonly remove: readonly string[];
}

/** Body of the PATCH: `{}` adds an identity, `null` removes it, unmentioned ones stay. */
export interface IdentityPatch {
  readonly type: IdentityType;
  readonly userAssignedIdentities?: Record<string, Record<string, never> | null>;
}

/** Which ARM call an observation is about. */
export type ArmOperation =
  'vm_get' | 'vm_update' | 'vmss_get' | 'vmss_update' | 'fic_list' | 'fic_put' | 'fic_delete';

/** Called after every ARM call with its outcome (HTTP status, or 0 for a network failure). */
export type ArmCallObserver = (operation: ArmOperation, status: number, durationMs: number) => void;
