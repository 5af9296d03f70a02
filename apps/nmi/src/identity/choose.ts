// Which identity a token request gets: a pure function of the pod, its grants and the request.
// Rules (documented in apps/nmi/README.md, "Identity selection"):
//  1. a grant counts only if the pod still carries the binding's selector and the namespaced rule allows it;
//  2. the request narrows the grants by client id or resource id (ignoring case, one rule everywhere);
//  3. a ready grant wins; with several distinct identities and none named, the first in
//     (binding namespace, binding name, identity namespace, identity name) order, or an error by policy;
//  4. only pending grants → pending (the caller waits, then answers 503 + Retry-After);
//  5. a labelled pod with no grant at all, younger than the grace period (standard mode) → pending,
//     because the controller has not processed it yet; otherwise not found.
import { BINDING_LABEL } from '@pod-identity/crd-types';
import { type IdentityRequest, identityMatchesRequest, namespacedRuleAllows } from '@pod-identity/domain';
import { type Grant, type IdentityInfo, identityKey, type PodInfo } from './model';

export type MultipleIdentitiesPolicy = 'first' | 'error';

export interface ChoicePolicy {
  readonly forceNamespaced: boolean;
  readonly multipleIdentities: MultipleIdentitiesPolicy;
  /** Standard mode: how long a labelled pod without any grant is treated as pending (0 = never). */
  readonly unprocessedGraceMs: number;
}

export interface ChoiceInput {
  readonly pod: PodInfo;
  readonly grants: readonly Grant[];
  readonly request: IdentityRequest;
  readonly nowMs: number;
}

export type Choice =
  | { readonly kind: 'chosen'; readonly identity: IdentityInfo }
  /** object_id requests: every ready identity the pod may use; the token layer confirms the object id. */
  | { readonly kind: 'candidates'; readonly identities: readonly IdentityInfo[] }
  | { readonly kind: 'pending'; readonly reason: 'created' | 'unprocessed' }
  | { readonly kind: 'not-found'; readonly reason: NotFoundReason }
  | { readonly kind: 'ambiguous'; readonly count: number };

export type NotFoundReason = 'no-grant' | 'not-permitted' | 'not-requested-identity';

export function chooseIdentity(input: ChoiceInput, policy: ChoicePolicy): Choice {
  const { pod, request } = input;
  const permitted = input.grants.filter((g) => grantPermitted(g, pod, policy.forceNamespaced));
  const requested = permitted.filter((g) => identityMatchesRequest(g.identity.spec, request));
  const ready = sortGrants(requested.filter((g) => g.state === 'ready'));
  if (ready.length > 0) return pickReady(ready, request, policy);
  if (requested.some((g) => g.state === 'pending')) return { kind: 'pending', reason: 'created' };
  if (input.grants.length === 0) {
    return unprocessed(input, policy) ? { kind: 'pending', reason: 'unprocessed' } : notFound('no-grant');
  }
  return notFound(permitted.length === 0 ? 'not-permitted' : 'not-requested-identity');
}

function pickReady(ready: readonly Grant[], request: IdentityRequest, policy: ChoicePolicy): Choice {
  const identities = distinctIdentities(ready);
  if (request.by === 'objectId') return { kind: 'candidates', identities };
  if (request.by === 'none' && identities.length > 1 && policy.multipleIdentities === 'error') {
    return { kind: 'ambiguous', count: identities.length };
  }
  return { kind: 'chosen', identity: identities[0] };
}

function notFound(reason: NotFoundReason): Choice {
  return { kind: 'not-found', reason };
}

/** The binding still selects the pod, and the namespaced rule lets the pod use the identity. */
export function grantPermitted(grant: Grant, pod: PodInfo, forceNamespaced: boolean): boolean {
  const label = pod.labels[BINDING_LABEL];
  if (label === undefined || label === '' || grant.binding.selector !== label) return false;
  return namespacedRuleAllows({
    forceNamespaced,
    identity: { metadata: { namespace: grant.identity.namespace, annotations: grant.identity.annotations } },
    bindingNamespace: grant.binding.namespace,
    podNamespace: pod.namespace,
  });
}

function unprocessed(input: ChoiceInput, policy: ChoicePolicy): boolean {
  const label = input.pod.labels[BINDING_LABEL];
  if (policy.unprocessedGraceMs <= 0 || label === undefined || label === '') return false;
  if (input.pod.createdAtMs === undefined) return false;
  return input.nowMs - input.pod.createdAtMs < policy.unprocessedGraceMs;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortGrants(grants: readonly Grant[]): Grant[] {
  return [...grants].sort(
    (a, b) =>
      compareText(a.binding.namespace, b.binding.namespace) ||
      compareText(a.binding.name, b.binding.name) ||
      compareText(a.identity.namespace, b.identity.namespace) ||
      compareText(a.identity.name, b.identity.name),
  );
}

function distinctIdentities(grants: readonly Grant[]): IdentityInfo[] {
  const seen = new Map<string, IdentityInfo>();
  for (const g of grants)
    if (!seen.has(identityKey(g.identity))) seen.set(identityKey(g.identity), g.identity);
  return [...seen.values()];
}
