import { normalizeCrdObject, type AzureAssignedIdentity } from '@pod-identity/crd-types';
import {
  binding,
  identity,
  pod,
  SETTINGS,
  snapshot,
  stored,
  uai,
  vmNode,
  vmssNode,
} from '../testing/fixtures';
import type { Plan, Snapshot } from './model';
import { planSync } from './plan';
import { TARGET_ANNOTATION } from './targets';

const nodes = [
  vmssNode('n0', 'pool', '0'),
  vmssNode('n1', 'pool', '1'),
  vmssNode('m0', 'other', '0'),
  vmNode('vm1'),
];
const id1 = identity('app', 'id1');
const b1 = binding('app', 'b1', 'id1', 'sel');
const base = { nodes, identities: [id1], bindings: [b1] };

/** Runs the planner, then "stores" what it created with the given status: the next snapshot's objects. */
function converge(s: Snapshot, status: 'Created' | 'Assigned' = 'Assigned'): AzureAssignedIdentity[] {
  const plan = planSync(s);
  const updated = plan.updates.map((u) => stored(u.object, status));
  const gone = new Set([...plan.deletes, ...plan.targets.flatMap((t) => t.release.map((r) => r.object))]);
  const untouched = s.assigned.filter((a) => !gone.has(a) && !plan.updates.some((u) => u.previous === a));
  return [
    ...untouched,
    ...updated,
    ...plan.creates.map((c) => stored(c.object, c.immediate ? 'Assigned' : status)),
  ];
}

const names = (plan: Plan) => plan.creates.map((c) => c.object.metadata?.name);

describe('planSync: the core path', () => {
  it('creates an assigned identity in Created and asks its VMSS for the identity', () => {
    const plan = planSync(snapshot({ ...base, pods: [pod('app', 'web', { node: 'n0', label: 'sel' })] }));
    expect(plan.creates).toHaveLength(1);
    const obj = plan.creates[0]!.object;
    expect(obj.metadata).toMatchObject({
      name: 'web-app-id1',
      namespace: 'app',
      labels: { nodename: 'n0' },
      finalizers: ['azureassignedidentity.finalizers.aadpodidentity.k8s.io'],
      annotations: { [TARGET_ANNOTATION]: 'vmss:sub1/rg1/pool' },
    });
    expect(obj.spec).toMatchObject({ pod: 'web', podNamespace: 'app', nodename: 'n0' });
    expect(obj.spec.azureIdentityRef?.metadata?.resourceVersion).toBe('1');
    expect(obj.spec.azureBindingRef?.metadata?.name).toBe('b1');
    expect(obj.status?.status).toBe('Created');
    expect(plan.targets).toEqual([
      expect.objectContaining({
        needed: [uai('id1')],
        releasable: [],
        confirm: [{ ref: { namespace: 'app', name: 'web-app-id1' }, resourceId: uai('id1') }],
      }),
    ]);
  });

  it('plans nothing once everything is Assigned, but lists every target for a drift check', () => {
    const s1 = snapshot({ ...base, pods: [pod('app', 'web', { node: 'n0', label: 'sel' })] });
    const s2 = snapshot({ ...base, pods: s1.pods, assigned: converge(s1) });
    const plan = planSync(s2);
    expect(plan).toMatchObject({ creates: [], updates: [], deletes: [], targets: [] });
    expect(planSync(s2, { driftCheck: true }).targets.map((t) => t.target.key)).toEqual([
      'vmss:sub1/rg1/pool',
    ]);
  });

  it('reference-counts across the whole VMSS: a second pod on another instance adds no release, only a confirmation', () => {
    const p0 = pod('app', 'a', { node: 'n0', label: 'sel' });
    const p1 = pod('app', 'b', { node: 'n1', label: 'sel' });
    const assigned = converge(snapshot({ ...base, pods: [p0] }));
    const plan = planSync(snapshot({ ...base, pods: [p0, p1], assigned }));
    expect(names(plan)).toEqual(['b-app-id1']);
    expect(plan.targets).toHaveLength(1);
    expect(plan.targets[0]).toMatchObject({
      needed: [uai('id1')],
      releasable: [],
      confirm: [{ ref: { name: 'b-app-id1' } }],
    });
  });

  it('deleting one of two pods on a VMSS deletes its object without touching ARM', () => {
    const p0 = pod('app', 'a', { node: 'n0', label: 'sel' });
    const p1 = pod('app', 'b', { node: 'n1', label: 'sel' });
    const assigned = converge(snapshot({ ...base, pods: [p0, p1] }));
    const plan = planSync(snapshot({ ...base, pods: [p1], assigned }));
    expect(plan.deletes.map((d) => d.metadata?.name)).toEqual(['a-app-id1']);
    expect(plan.targets).toEqual([]);
  });

  it('deleting the last pod releases the identity, the object goes once ARM is done', () => {
    const p0 = pod('app', 'a', { node: 'n0', label: 'sel' });
    const p1 = pod('app', 'b', { node: 'n1', label: 'sel' });
    const assigned = converge(snapshot({ ...base, pods: [p0, p1] }));
    const plan = planSync(snapshot({ ...base, pods: [], assigned }));
    expect(plan.deletes).toEqual([]);
    expect(plan.targets).toHaveLength(1);
    expect(plan.targets[0]).toMatchObject({ needed: [], releasable: [uai('id1')] });
    expect(plan.targets[0]!.release.map((r) => r.object.metadata?.name).sort()).toEqual([
      'a-app-id1',
      'b-app-id1',
    ]);
  });

  it('keeps VMSS, other VMSS and standalone VMs apart', () => {
    const pods = [
      pod('app', 'a', { node: 'n0', label: 'sel' }),
      pod('app', 'b', { node: 'm0', label: 'sel' }),
      pod('app', 'c', { node: 'vm1', label: 'sel' }),
    ];
    const plan = planSync(snapshot({ ...base, pods }));
    expect(plan.targets.map((t) => t.target.key)).toEqual([
      'vm:sub1/rg1/vm1',
      'vmss:sub1/rg1/other',
      'vmss:sub1/rg1/pool',
    ]);
  });
});

describe('planSync: which pods get identities', () => {
  it.each([
    ['a pod without a node', pod('app', 'p', { label: 'sel' })],
    ['a Succeeded pod', pod('app', 'p', { node: 'n0', label: 'sel', phase: 'Succeeded' })],
    ['a Failed pod', pod('app', 'p', { node: 'n0', label: 'sel', phase: 'Failed' })],
    ['a pod without the label', pod('app', 'p', { node: 'n0' })],
    ['a pod whose label matches no binding', pod('app', 'p', { node: 'n0', label: 'other' })],
  ])('gives nothing to %s', (_name, p) => {
    expect(planSync(snapshot({ ...base, pods: [p] })).creates).toEqual([]);
  });

  it('a pod that completes releases its identity', () => {
    const running = pod('app', 'job', { node: 'n0', label: 'sel' });
    const assigned = converge(snapshot({ ...base, pods: [running] }));
    const plan = planSync(snapshot({ ...base, pods: [{ ...running, phase: 'Succeeded' }], assigned }));
    expect(plan.targets[0]).toMatchObject({ releasable: [uai('id1')] });
    expect(plan.targets[0]!.release).toHaveLength(1);
  });

  it('matches bindings in any namespace unless namespaced', () => {
    const p = pod('other', 'p', { node: 'n0', label: 'sel' });
    expect(names(planSync(snapshot({ ...base, pods: [p] })))).toEqual(['p-other-id1']);
    const forced = planSync(
      snapshot({ ...base, pods: [p], settings: { ...SETTINGS, forceNamespaced: true } }),
    );
    expect(forced.creates).toEqual([]);
    expect(forced.warnings.map((w) => w.reason)).toEqual(['namespaced-rule']);
  });

  it('honours the per-identity namespaced annotation', () => {
    const scoped = identity('app', 'id1', { namespaced: true });
    const outsider = pod('other', 'p', { node: 'n0', label: 'sel' });
    const insider = pod('app', 'q', { node: 'n0', label: 'sel' });
    const plan = planSync(snapshot({ ...base, identities: [scoped], pods: [outsider, insider] }));
    expect(names(plan)).toEqual(['q-app-id1']);
    expect(plan.warnings).toEqual([
      expect.objectContaining({ reason: 'namespaced-rule', pod: { namespace: 'other', name: 'p' } }),
    ]);
  });

  it('accepts legacy PascalCase bindings and identities, normalised as libs/kube hands them over', () => {
    const legacyIdentity = normalizeCrdObject('AzureIdentity', {
      metadata: { namespace: 'app', name: 'old', resourceVersion: '1' },
      spec: { ResourceID: uai('old'), ClientID: 'c' },
    });
    const legacyBinding = normalizeCrdObject('AzureIdentityBinding', {
      metadata: { namespace: 'app', name: 'ob' },
      spec: { AzureIdentity: 'old', Selector: 'legacy' },
    });
    const plan = planSync(
      snapshot({
        nodes,
        identities: [legacyIdentity],
        bindings: [legacyBinding],
        pods: [pod('app', 'p', { node: 'n0', label: 'legacy' })],
      }),
    );
    expect(names(plan)).toEqual(['p-app-old']);
    expect(plan.targets[0]?.needed).toEqual([uai('old')]);
  });

  it('gives one pod several identities when several bindings share its selector', () => {
    const plan = planSync(
      snapshot({
        nodes,
        identities: [id1, identity('app', 'id2')],
        bindings: [b1, binding('app', 'b2', 'id2', 'sel')],
        pods: [pod('app', 'p', { node: 'n0', label: 'sel' })],
      }),
    );
    expect(names(plan)).toEqual(['p-app-id1', 'p-app-id2']);
    expect(plan.targets[0]?.needed).toEqual([uai('id1'), uai('id2')]);
  });

  it('creates the object Assigned, with no ARM work, when ARM recently said the VMSS holds the identity', () => {
    const pods = [pod('app', 'web', { node: 'n0', label: 'sel' })];
    const known = new Map([['vmss:sub1/rg1/pool', new Set([uai('id1')])]]);
    const plan = planSync(snapshot({ ...base, pods, knownPresent: known }));
    expect(plan.creates[0]).toMatchObject({
      immediate: true,
      alreadyOn: { kind: 'vmss', name: 'pool' },
      object: { status: { status: 'Assigned' } },
    });
    expect(plan.targets).toEqual([]);
    // Another identity on that VMSS, or the same one elsewhere, is not known: Created, and ARM is asked.
    const other = planSync(
      snapshot({ ...base, pods, knownPresent: new Map([['vmss:sub1/rg1/pool', new Set([uai('id9')])]]) }),
    );
    expect(other.creates[0]).toMatchObject({ immediate: false, object: { status: { status: 'Created' } } });
    expect(other.creates[0]?.alreadyOn).toBeUndefined();
    expect(other.targets).toHaveLength(1);
  });

  it('assigns service-principal identities at once, with no ARM work', () => {
    const sp = identity('app', 'sp', { type: 1 });
    const plan = planSync(
      snapshot({
        nodes,
        identities: [sp],
        bindings: [binding('app', 'bs', 'sp', 'sel')],
        pods: [pod('app', 'p', { node: 'n0', label: 'sel' })],
      }),
    );
    expect(plan.creates[0]).toMatchObject({ immediate: true, object: { status: { status: 'Assigned' } } });
    expect(plan.targets).toEqual([]);
  });

  it('warns about missing identities and invalid resource ids, and skips them', () => {
    const bad = identity('app', 'bad', { resourceID: '/subscriptions/s/whatever' });
    const plan = planSync(
      snapshot({
        nodes,
        identities: [bad],
        bindings: [binding('app', 'b1', 'missing', 'sel'), binding('app', 'b2', 'bad', 'sel')],
        pods: [pod('app', 'p', { node: 'n0', label: 'sel' }), pod('app', 'q', { node: 'n0', label: 'sel' })],
      }),
    );
    expect(plan.creates).toEqual([]);
    expect(plan.warnings.map((w) => w.reason).sort()).toEqual([
      'identity-not-found',
      'identity-not-found',
      'invalid-resource-id',
    ]);
  });

  it('creates the object but no ARM work when the node is unknown', () => {
    const plan = planSync(snapshot({ ...base, pods: [pod('app', 'p', { node: 'ghost', label: 'sel' })] }));
    expect(plan.creates).toHaveLength(1);
    expect(plan.creates[0]?.object.metadata?.annotations).toBeUndefined();
    expect(plan.targets).toEqual([]);
    expect(plan.warnings.map((w) => w.reason)).toEqual(['node-not-found']);
  });

  it('takes a node without an Azure providerID for a VM named after it', () => {
    const plan = planSync(
      snapshot({
        ...base,
        nodes: [{ name: 'plain' }],
        pods: [pod('app', 'p', { node: 'plain', label: 'sel' })],
      }),
    );
    expect(plan.targets[0]?.target).toMatchObject({ kind: 'vm', name: 'plain', key: 'vm:sub1/rg1/plain' });
  });
});

describe('planSync: changes to existing assignments', () => {
  const p = pod('app', 'web', { node: 'n0', label: 'sel' });
  const assigned = converge(snapshot({ ...base, pods: [p] }));

  it('an edited binding updates the object and keeps it Assigned', () => {
    const plan = planSync(
      snapshot({ ...base, bindings: [binding('app', 'b1', 'id1', 'sel', '2')], pods: [p], assigned }),
    );
    expect(plan.updates).toHaveLength(1);
    expect(plan.updates[0]!.object.status?.status).toBe('Assigned');
    expect(plan.updates[0]!.object.metadata?.resourceVersion).toBe('10');
    expect(plan.targets).toEqual([]);
  });

  it('an identity pointed at another resource id swaps the identity on the VMSS', () => {
    const edited = identity('app', 'id1', { rv: '2', resourceID: uai('replacement') });
    const plan = planSync(snapshot({ ...base, identities: [edited], pods: [p], assigned }));
    expect(plan.updates[0]!.object.status?.status).toBe('Created');
    expect(plan.targets[0]).toMatchObject({
      needed: [uai('replacement')],
      releasable: [uai('id1')],
      release: [],
    });
  });

  it('a pod re-created on a node of another VMSS moves the identity', () => {
    const moved = { ...p, nodeName: 'm0' };
    const plan = planSync(snapshot({ ...base, pods: [moved], assigned }));
    expect(plan.updates[0]!.object.metadata?.labels?.nodename).toBe('m0');
    expect(plan.targets.map((t) => [t.target.key, t.needed, t.releasable])).toEqual([
      ['vmss:sub1/rg1/other', [uai('id1')], []],
      ['vmss:sub1/rg1/pool', [], [uai('id1')]],
    ]);
  });

  it('a deleted identity deletes its objects and releases the identity', () => {
    const plan = planSync(snapshot({ ...base, identities: [], pods: [p], assigned }));
    expect(plan.targets[0]).toMatchObject({ releasable: [uai('id1')] });
    expect(plan.targets[0]!.release.map((r) => r.object.metadata?.name)).toEqual(['web-app-id1']);
  });

  it('treats objects of pre-1.5 (empty status) as Assigned', () => {
    const legacy = assigned.map((a) => stored(a, ''));
    expect(planSync(snapshot({ ...base, pods: [p], assigned: legacy })).targets).toEqual([]);
  });

  it('retries objects still in Created every cycle', () => {
    const created = assigned.map((a) => stored(a, 'Created'));
    expect(planSync(snapshot({ ...base, pods: [p], assigned: created })).targets[0]?.confirm).toHaveLength(1);
  });

  it('finalizes an object someone deleted, and re-creates it once it is gone', () => {
    const deleting = assigned.map((a) => stored(a, 'Assigned', { deleting: true }));
    const plan = planSync(snapshot({ ...base, pods: [p], assigned: deleting }));
    expect(plan.deletes.map((d) => d.metadata?.name)).toEqual(['web-app-id1']);
    expect(plan.creates).toEqual([]);
    expect(plan.targets).toEqual([]);
    expect(names(planSync(snapshot({ ...base, pods: [p], assigned: [] })))).toEqual(['web-app-id1']);
  });

  it('names a colliding assignment with a hash: one identity name in two namespaces', () => {
    const ids = [identity('team-a', 'shared'), identity('team-b', 'shared', { resourceID: uai('shared-b') })];
    const bindings = [binding('team-a', 'ba', 'shared', 'sel'), binding('team-b', 'bb', 'shared', 'sel')];
    const plan = planSync(
      snapshot({ nodes, identities: ids, bindings, pods: [pod('app', 'web', { node: 'n0', label: 'sel' })] }),
    );
    const created = names(plan);
    expect(created[0]).toBe('web-app-shared');
    expect(created[1]).toMatch(/^web-app-shared-[0-9a-f]{10}$/);
    expect(plan.targets[0]?.needed).toEqual([uai('shared'), uai('shared-b')]);
    // Stable: once stored, the next plan changes nothing.
    const next = planSync(
      snapshot({
        nodes,
        identities: ids,
        bindings,
        pods: [pod('app', 'web', { node: 'n0', label: 'sel' })],
        assigned: plan.creates.map((c) => stored(c.object)),
      }),
    );
    expect(next).toMatchObject({ creates: [], updates: [], deletes: [] });
  });

  it('places objects in a fixed namespace when configured, and moves them there', () => {
    const settings = { ...SETTINGS, placement: { mode: 'fixed' as const, namespace: 'pod-identity-system' } };
    const plan = planSync(snapshot({ ...base, pods: [p], assigned, settings }));
    expect(plan.creates[0]?.object.metadata?.namespace).toBe('pod-identity-system');
    expect(plan.creates[0]?.object.status?.status).toBe('Created');
    expect(plan.deletes.map((d) => d.metadata?.namespace)).toEqual(['app']);
  });

  it('deletes duplicate objects for one assignment', () => {
    const dup = stored({ ...assigned[0]!, metadata: { ...assigned[0]!.metadata, name: 'zz-dup' } });
    const plan = planSync(snapshot({ ...base, pods: [p], assigned: [...assigned, dup] }));
    expect(plan.deletes.map((d) => d.metadata?.name)).toEqual(['zz-dup']);
    expect(plan.targets).toEqual([]);
  });
});

describe('planSync: scale', () => {
  it('100 pods on one VMSS need one identity once', () => {
    const pods = Array.from({ length: 100 }, (_, i) =>
      pod('app', `p${i}`, { node: i % 2 ? 'n0' : 'n1', label: 'sel' }),
    );
    const plan = planSync(snapshot({ ...base, pods }));
    expect(plan.creates).toHaveLength(100);
    expect(plan.targets).toHaveLength(1);
    expect(plan.targets[0]).toMatchObject({ needed: [uai('id1')] });
    expect(plan.targets[0]!.confirm).toHaveLength(100);
  });
});

describe('planSync: the original scale test', () => {
  it('plans 20,000 pods on one node, then the deletion of half of them', () => {
    const pods = Array.from({ length: 20_000 }, (_, i) => pod('app', `p${i}`, { node: 'n0', label: 'sel' }));
    const first = planSync(snapshot({ ...base, pods }));
    expect(first.creates).toHaveLength(20_000);
    expect(first.targets[0]?.needed).toEqual([uai('id1')]);
    const assigned = first.creates.map((c) => stored(c.object));
    const second = planSync(snapshot({ ...base, pods: pods.slice(0, 10_000), assigned }));
    expect(second.deletes).toHaveLength(10_000);
    expect(second.targets).toEqual([]);
  });
});
