import type { AzureAssignedIdentity, AzureIdentity } from '@pod-identity/crd-types';
import { IDENTITY_BACKEND_ANNOTATION } from '@pod-identity/domain';
import { planSync } from '../plan/plan';
import type { PodInfo, Snapshot } from '../plan/model';
import { TARGET_ANNOTATION } from '../plan/targets';
import { binding, identity, pod, SETTINGS, snapshot, stored, uai, vmssNode } from '../testing/fixtures';
import { federatedKey } from './model';

const nodes = [vmssNode('n0', 'pool', '0')];
const SUBJECT = 'system:serviceaccount:app:reader';

function federatedIdentity(backend?: 'VM' | 'Federated', rv = '1'): AzureIdentity {
  const base = identity('app', 'id1', { rv });
  return { ...base, spec: { ...base.spec, ...(backend ? { backend } : {}) } };
}

function reader(name = 'web', namespace = 'app'): PodInfo {
  return { ...pod(namespace, name, { node: 'n0', label: 'sel' }), serviceAccount: 'reader' };
}

function world(parts: Partial<Snapshot> & { identity?: AzureIdentity; ready?: string[] } = {}): Snapshot {
  const cluster = snapshot({
    nodes,
    identities: [parts.identity ?? federatedIdentity('Federated')],
    bindings: [binding('app', 'b1', 'id1', 'sel')],
    pods: parts.pods ?? [reader()],
    assigned: parts.assigned ?? [],
    settings: parts.settings ?? SETTINGS,
  });
  return { ...cluster, federatedReady: new Set(parts.ready ?? []) };
}

/** What MIC wrote for the given snapshot, as the apiserver returns it with `status`. */
function written(s: Snapshot, status: 'Created' | 'Assigned'): AzureAssignedIdentity[] {
  const plan = planSync(s);
  return [
    ...plan.creates.map((c) => stored(c.object, status)),
    ...plan.updates.map((u) => stored(u.object, status)),
  ];
}

describe('planSync with federated identities (docs/adr/0010)', () => {
  it('records the assignment (Created) with the federated annotation, no compute target and no VM work', () => {
    const plan = planSync(world());
    expect(plan.creates).toHaveLength(1);
    const obj = plan.creates[0]?.object;
    expect(obj?.status?.status).toBe('Created');
    expect(obj?.metadata?.annotations).toEqual({ [IDENTITY_BACKEND_ANNOTATION]: 'Federated' });
    expect(obj?.metadata?.annotations?.[TARGET_ANNOTATION]).toBeUndefined();
    expect(plan.creates[0]?.immediate).toBe(false);
    expect(plan.targets).toEqual([]);
    expect(plan.federated).toEqual([
      {
        identityId: uai('id1'),
        coordinates: { subscriptionId: 'sub1', resourceGroup: 'ids', name: 'id1' },
        subjects: [
          {
            subject: SUBJECT,
            namespace: 'app',
            serviceAccount: 'reader',
            ownNamespace: true,
            confirm: [{ namespace: 'app', name: 'web-app-id1' }],
            switching: [],
          },
        ],
      },
    ]);
  });

  it('creates it Assigned at once when the credential is known to be in place, and needs no confirmation', () => {
    const plan = planSync(world({ ready: [federatedKey(uai('id1'), SUBJECT)] }));
    expect(plan.creates[0]?.object.status?.status).toBe('Assigned');
    expect(plan.federated[0]?.subjects[0]).toMatchObject({ subject: SUBJECT, confirm: [] });
  });

  it('a pod without serviceAccountName needs the "default" ServiceAccount; a pod of another namespace is not own-namespace', () => {
    const plan = planSync(
      world({ pods: [{ ...reader('a'), serviceAccount: undefined }, reader('b', 'other')] }),
    );
    expect(plan.federated[0]?.subjects.map((s) => [s.subject, s.ownNamespace])).toEqual([
      ['system:serviceaccount:app:default', true],
      ['system:serviceaccount:other:reader', false],
    ]);
  });

  it('follows --default-identity-backend for identities without spec.backend; spec.backend VM overrides it', () => {
    const byDefault = planSync(
      world({ identity: federatedIdentity(), settings: { ...SETTINGS, defaultBackend: 'Federated' } }),
    );
    expect(byDefault.federated).toHaveLength(1);
    expect(byDefault.targets).toEqual([]);
    const explicit = planSync(
      world({ identity: federatedIdentity('VM'), settings: { ...SETTINGS, defaultBackend: 'Federated' } }),
    );
    expect(explicit.federated).toEqual([]);
    expect(explicit.targets.map((t) => t.target.key)).toEqual(['vmss:sub1/rg1/pool']);
  });

  it("nothing to do once Assigned; a deleted pod's object goes without ARM work and the identity is listed for clean-up", () => {
    const assigned = written(world({ ready: [federatedKey(uai('id1'), SUBJECT)] }), 'Assigned');
    const steady = planSync(world({ assigned }));
    expect(steady).toMatchObject({ creates: [], updates: [], deletes: [], targets: [] });
    expect(steady.federated[0]?.subjects[0]).toMatchObject({ confirm: [], switching: [] });
    const gone = planSync(world({ assigned, pods: [] }));
    expect(gone.deletes.map((d) => d.metadata?.name)).toEqual(['web-app-id1']);
    expect(gone.targets).toEqual([]);
    expect(gone.federated).toEqual([expect.objectContaining({ identityId: uai('id1'), subjects: [] })]);
  });

  describe('switching an identity from the VM backend to federation', () => {
    const onVm = written(world({ identity: federatedIdentity('VM') }), 'Assigned');

    it('keeps the VM-backed object Assigned and its identity on the VM until the credential is in place', () => {
      const plan = planSync(world({ identity: federatedIdentity('Federated', '2'), assigned: onVm }));
      expect(plan.updates).toEqual([]);
      expect(plan.deletes).toEqual([]);
      expect(plan.targets).toEqual([]); // needed, nothing released, nothing to confirm: no ARM work
      expect(plan.federated[0]?.subjects[0]).toMatchObject({
        confirm: [],
        switching: [{ namespace: 'app', name: 'web-app-id1' }],
      });
    });

    it('then replaces it by the federated one, still Assigned, and releases the identity from the VM', () => {
      const plan = planSync(
        world({
          identity: federatedIdentity('Federated', '2'),
          assigned: onVm,
          ready: [federatedKey(uai('id1'), SUBJECT)],
        }),
      );
      expect(plan.updates).toHaveLength(1);
      const updated = plan.updates[0]?.object;
      expect(updated?.status?.status).toBe('Assigned');
      expect(updated?.metadata?.annotations).toEqual({ [IDENTITY_BACKEND_ANNOTATION]: 'Federated' });
      expect(plan.targets).toEqual([
        expect.objectContaining({
          target: expect.objectContaining({ key: 'vmss:sub1/rg1/pool' }),
          needed: [],
          releasable: [uai('id1')],
        }),
      ]);
    });

    it('and back: federated → VM turns Created until ARM confirms, drops the federated annotation and lists the identity for clean-up', () => {
      const federated = written(world({ ready: [federatedKey(uai('id1'), SUBJECT)] }), 'Assigned');
      const plan = planSync(world({ identity: federatedIdentity('VM', '3'), assigned: federated }));
      const updated = plan.updates[0]?.object;
      expect(updated?.status?.status).toBe('Created');
      expect(updated?.metadata?.annotations).toEqual({ [TARGET_ANNOTATION]: 'vmss:sub1/rg1/pool' });
      expect(plan.targets[0]).toMatchObject({
        needed: [uai('id1')],
        confirm: [{ ref: { name: 'web-app-id1' } }],
      });
      expect(plan.federated).toEqual([expect.objectContaining({ identityId: uai('id1'), subjects: [] })]);
    });
  });
});
