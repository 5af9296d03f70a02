// Collects, while the planner walks desired and existing assignments, which ServiceAccounts each federated
// identity must trust and which assignments wait for that (the federated counterpart of TargetAccumulator).
import { parseUserAssignedIdentityId, serviceAccountSubject } from '@pod-identity/domain';
import type { ObjectRef } from '../plan/model';
import type { FederatedIdentityPlan, FederatedSubjectNeed, IdentityCoordinates } from './model';

interface MutableNeed {
  subject: string;
  namespace: string;
  serviceAccount: string;
  ownNamespace: boolean;
  confirm: ObjectRef[];
  switching: ObjectRef[];
}

interface Bucket {
  coordinates: IdentityCoordinates;
  subjects: Map<string, MutableNeed>;
}

export interface FederatedNeed {
  /** The identity's ARM id (any casing). */
  readonly resourceId: string;
  /** Namespace of the AzureIdentity object the assignment uses. */
  readonly identityNamespace: string;
  readonly podNamespace: string;
  readonly serviceAccount: string;
}

export class FederatedAccumulator {
  private readonly buckets = new Map<string, Bucket>();

  /** An assignment needs the identity to trust its pod's ServiceAccount; `wait` says what waits for it. */
  need(n: FederatedNeed, wait: { readonly confirm?: ObjectRef; readonly switching?: ObjectRef } = {}): void {
    const bucket = this.bucket(n.resourceId);
    if (!bucket) return;
    const subject = serviceAccountSubject(n.podNamespace, n.serviceAccount);
    let need = bucket.subjects.get(subject);
    if (!need) {
      need = {
        subject,
        namespace: n.podNamespace,
        serviceAccount: n.serviceAccount,
        ownNamespace: false,
        confirm: [],
        switching: [],
      };
      bucket.subjects.set(subject, need);
    }
    need.ownNamespace ||= n.identityNamespace === n.podNamespace;
    if (wait.confirm) need.confirm.push(wait.confirm);
    if (wait.switching) need.switching.push(wait.switching);
  }

  /** A federated assignment of this identity goes away: the identity is listed, so unneeded credentials can go. */
  touch(resourceId: string | undefined): void {
    this.bucket(resourceId);
  }

  plans(): FederatedIdentityPlan[] {
    return [...this.buckets.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([identityId, b]) => ({
        identityId,
        coordinates: b.coordinates,
        subjects: [...b.subjects.values()].sort((x, y) =>
          x.subject < y.subject ? -1 : 1,
        ) as FederatedSubjectNeed[],
      }));
  }

  private bucket(resourceId: string | undefined): Bucket | undefined {
    const parsed = parseUserAssignedIdentityId(resourceId);
    if (!parsed) return undefined;
    let b = this.buckets.get(parsed.canonical);
    if (!b) {
      b = {
        coordinates: {
          subscriptionId: parsed.subscriptionId,
          resourceGroup: parsed.resourceGroup,
          name: parsed.name,
        },
        subjects: new Map(),
      };
      this.buckets.set(parsed.canonical, b);
    }
    return b;
  }
}
