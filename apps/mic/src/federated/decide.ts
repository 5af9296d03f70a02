// What to do about one federated identity's credentials, given what ARM listed and MIC's ledger. Pure.
// - A needed subject is present when some credential has the issuer, the subject and the audience.
// - Management on: a missing subject of the identity's own namespace is created (named by
//   federatedCredentialName), while the identity stays within Azure's limit; management off: it is missing.
// - Only credentials in MIC's ledger are ever deleted, and only when no needed subject uses them.
import type { FederatedCredential } from '@pod-identity/azure-arm';
import { TOKEN_EXCHANGE_AUDIENCE } from '@pod-identity/domain';
import { federatedCredentialName } from './credential-name';
import type { FederatedIdentityPlan, FederatedSubjectNeed } from './model';

/** Azure's limit of federated identity credentials per user-assigned identity. */
export const FEDERATED_CREDENTIAL_LIMIT = 20;

export type SubjectState = 'present' | 'create' | 'missing' | 'outside-namespace' | 'limit';

export interface SubjectDecision {
  readonly need: FederatedSubjectNeed;
  readonly state: SubjectState;
  /** The credential that trusts it (present), or the one to create (create / missing: the name MIC would use). */
  readonly name: string;
}

export interface Decision {
  readonly subjects: readonly SubjectDecision[];
  readonly create: readonly FederatedCredential[];
  /** Ledgered credentials no needed subject uses: delete, then drop from the ledger. */
  readonly remove: readonly string[];
  /** Ledgered names that are no longer on the identity: drop from the ledger. */
  readonly prune: readonly string[];
  /** How many credentials the identity has after the removals and creations. */
  readonly count: number;
}

export interface DecideInput {
  readonly plan: FederatedIdentityPlan;
  readonly listed: readonly FederatedCredential[];
  readonly ledger: ReadonlySet<string>;
  readonly issuer: string;
  readonly manage: boolean;
  readonly limit?: number;
}

function trusts(c: FederatedCredential, issuer: string, subject: string): boolean {
  return c.issuer === issuer && c.subject === subject && c.audiences.includes(TOKEN_EXCHANGE_AUDIENCE);
}

export function decideCredentials(input: DecideInput): Decision {
  const { plan, listed, ledger, issuer } = input;
  const limit = input.limit ?? FEDERATED_CREDENTIAL_LIMIT;
  const inUse = new Set<string>();
  const present = new Map<string, string>();
  for (const need of plan.subjects) {
    const found = listed.find((c) => trusts(c, issuer, need.subject));
    if (found) {
      present.set(need.subject, found.name);
      inUse.add(found.name);
    }
  }
  const onIdentity = new Set(listed.map((c) => c.name));
  const remove = [...ledger].filter((name) => onIdentity.has(name) && !inUse.has(name)).sort();
  const prune = [...ledger].filter((name) => !onIdentity.has(name)).sort();
  let count = listed.length - remove.length;
  const create: FederatedCredential[] = [];
  const subjects = plan.subjects.map((need): SubjectDecision => {
    const existing = present.get(need.subject);
    if (existing) return { need, state: 'present', name: existing };
    const name = federatedCredentialName(issuer, need.namespace, need.serviceAccount);
    if (!input.manage) return { need, state: 'missing', name };
    if (!need.ownNamespace) return { need, state: 'outside-namespace', name };
    if (count >= limit) return { need, state: 'limit', name };
    count++;
    create.push({ name, issuer, subject: need.subject, audiences: [TOKEN_EXCHANGE_AUDIENCE] });
    return { need, state: 'create', name };
  });
  return { subjects, create, remove, prune, count };
}
