// The federated backend's part of MIC (docs/adr/0010): its settings, and what the planner hands the
// federated applier per user-assigned identity. Pure types.
import type { IdentityBackend } from '@pod-identity/domain';
import type { ObjectRef } from '../plan/model';

export interface FederationSettings {
  /** Backend of type-0 identities without spec.backend (--default-identity-backend). */
  readonly defaultBackend: IdentityBackend;
  /** The cluster's ServiceAccount token issuer (--oidc-issuer-url); required for federated identities. */
  readonly issuer?: string;
  /** Create missing credentials, delete those MIC created once unneeded (--manage-federated-credentials). */
  readonly manage: boolean;
  /** A credential MIC created counts as in place this long after its creation (--federated-credential-settle). */
  readonly settleMs: number;
}

/** ARM coordinates of a user-assigned identity. */
export interface IdentityCoordinates {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
}

/** One ServiceAccount a federated identity must trust, and the assignments that wait for it. */
export interface FederatedSubjectNeed {
  /** system:serviceaccount:<namespace>:<serviceAccount> */
  readonly subject: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** True when some assignment needing it uses an AzureIdentity of that same namespace: MIC may create it. */
  readonly ownNamespace: boolean;
  /** Assignments to mark Assigned once the credential is in place (they are Created). */
  readonly confirm: readonly ObjectRef[];
  /** VM-backed, Assigned assignments that switch to federation once the credential is in place. */
  readonly switching: readonly ObjectRef[];
}

/** Everything the federated applier needs to know about one user-assigned identity. */
export interface FederatedIdentityPlan {
  /** Canonical (lower-case) ARM id. */
  readonly identityId: string;
  readonly coordinates: IdentityCoordinates;
  /** Subjects some current assignment needs; empty when the identity's last assignment went away. */
  readonly subjects: readonly FederatedSubjectNeed[];
}

/** Key of "this identity trusts this subject" in the applier's record of credentials in place. */
export function federatedKey(identityId: string, subject: string): string {
  return `${identityId}|${subject}`;
}
