import { type Choice, chooseIdentity, type ChoicePolicy } from './choose';
import type { Grant, IdentityInfo, PodInfo } from './model';
import type { IdentityRequest } from '@pod-identity/domain';

const NOW = 1_000_000;
const pod = (ns = 'app', label: string | undefined = 'sel', createdAtMs = NOW - 600_000): PodInfo => ({
  namespace: ns,
  name: 'p',
  uid: 'u',
  labels: label === undefined ? {} : { aadpodidbinding: label },
  phase: 'Running',
  ips: ['127.0.0.5'],
  createdAtMs,
});
const identity = (
  name: string,
  ns = 'app',
  clientID = `${name}-client`,
  annotations: Record<string, string> = {},
): IdentityInfo => ({
  namespace: ns,
  name,
  annotations,
  spec: {
    type: 0,
    clientID,
    resourceID: `/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
  },
});
const grant = (
  id: IdentityInfo,
  state: Grant['state'] = 'ready',
  bindingNs = id.namespace,
  selector = 'sel',
  bindingName = `b-${id.name}`,
): Grant => ({
  identity: id,
  binding: { namespace: bindingNs, name: bindingName, selector },
  state,
});
const forced: ChoicePolicy = {
  forceNamespaced: true,
  multipleIdentities: 'first',
  unprocessedGraceMs: 60_000,
};
const open: ChoicePolicy = { ...forced, forceNamespaced: false };
const strict: ChoicePolicy = { ...forced, multipleIdentities: 'error' };
const none: IdentityRequest = { by: 'none' };
const a = identity('a');
const b = identity('b');

function summary(c: Choice): string {
  switch (c.kind) {
    case 'chosen':
      return `chosen ${c.identity.name}`;
    case 'candidates':
      return `candidates ${c.identities.map((i) => i.name).join(',')}`;
    case 'pending':
      return `pending ${c.reason}`;
    case 'not-found':
      return `not-found ${c.reason}`;
    case 'ambiguous':
      return `ambiguous ${c.count}`;
  }
}

describe('chooseIdentity', () => {
  it.each<[string, PodInfo, Grant[], IdentityRequest, ChoicePolicy, string]>([
    ['single ready identity', pod(), [grant(a)], none, forced, 'chosen a'],
    ['several, none named: first by binding order', pod(), [grant(b), grant(a)], none, forced, 'chosen a'],
    ['several, none named, error policy', pod(), [grant(b), grant(a)], none, strict, 'ambiguous 2'],
    [
      'same identity through two bindings is one identity',
      pod(),
      [grant(a, 'ready', 'app', 'sel', 'b1'), grant(a, 'ready', 'app', 'sel', 'b2')],
      none,
      strict,
      'chosen a',
    ],
    [
      'by client id, ignoring case',
      pod(),
      [grant(a), grant(b)],
      { by: 'clientId', value: 'B-CLIENT' },
      forced,
      'chosen b',
    ],
    [
      'by resource id, ignoring case',
      pod(),
      [grant(a), grant(b)],
      { by: 'resourceId', value: String(b.spec.resourceID).toUpperCase() },
      forced,
      'chosen b',
    ],
    [
      'by client id not held',
      pod(),
      [grant(a)],
      { by: 'clientId', value: 'zzz' },
      forced,
      'not-found not-requested-identity',
    ],
    [
      'by object id → candidates',
      pod(),
      [grant(a), grant(b)],
      { by: 'objectId', value: 'o' },
      forced,
      'candidates a,b',
    ],
    ['only Created → pending', pod(), [grant(a, 'pending')], none, forced, 'pending created'],
    ['ready wins over pending', pod(), [grant(a, 'pending'), grant(b)], none, forced, 'chosen b'],
    [
      'requested one pending, other ready',
      pod(),
      [grant(a, 'pending'), grant(b)],
      { by: 'clientId', value: 'a-client' },
      forced,
      'pending created',
    ],
    ['unbound pod (no label)', pod('app', undefined), [], none, forced, 'not-found no-grant'],
    [
      'labelled pod, no grant yet, young → pending',
      pod('app', 'sel', NOW - 1000),
      [],
      none,
      forced,
      'pending unprocessed',
    ],
    [
      'labelled pod, no grant, old → not found',
      pod('app', 'sel', NOW - 120_000),
      [],
      none,
      forced,
      'not-found no-grant',
    ],
    [
      'grace disabled',
      pod('app', 'sel', NOW - 1000),
      [],
      none,
      { ...forced, unprocessedGraceMs: 0 },
      'not-found no-grant',
    ],
    [
      'forced: identity of another namespace refused',
      pod(),
      [grant(identity('x', 'other'), 'ready', 'app')],
      none,
      forced,
      'not-found not-permitted',
    ],
    [
      'forced: binding of another namespace refused',
      pod(),
      [grant(a, 'ready', 'other')],
      none,
      forced,
      'not-found not-permitted',
    ],
    [
      'opt-out: cross-namespace allowed',
      pod(),
      [grant(identity('x', 'other'), 'ready', 'other')],
      none,
      open,
      'chosen x',
    ],
    [
      'opt-out: annotated identity still namespaced',
      pod(),
      [
        grant(
          identity('x', 'other', 'c', { 'aadpodidentity.k8s.io/Behavior': 'namespaced' }),
          'ready',
          'other',
        ),
      ],
      none,
      open,
      'not-found not-permitted',
    ],
    [
      'stale grant: pod label changed',
      pod('app', 'newsel'),
      [grant(a)],
      none,
      forced,
      'not-found not-permitted',
    ],
    [
      'pending grant not permitted is ignored',
      pod(),
      [grant(identity('x', 'other'), 'pending')],
      none,
      forced,
      'not-found not-permitted',
    ],
  ])('%s', (_name, p, grants, request, policy, expected) => {
    expect(summary(chooseIdentity({ pod: p, grants, request, nowMs: NOW }, policy))).toBe(expected);
  });

  it('does not depend on grant order', () => {
    const grants = [grant(identity('c')), grant(b), grant(a)];
    const once = chooseIdentity({ pod: pod(), grants, request: none, nowMs: NOW }, forced);
    const reversed = chooseIdentity(
      { pod: pod(), grants: [...grants].reverse(), request: none, nowMs: NOW },
      forced,
    );
    expect(summary(once)).toBe(summary(reversed));
  });
});
