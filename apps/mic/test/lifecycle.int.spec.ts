// Changes over an assignment's life: completed pods, pods re-created elsewhere, bindings and identities
// edited or deleted, legacy manifests, namespaced identities, and identities stripped outside MIC.

import { installCrds, testNamespace } from '@pod-identity/envtest';
import type { MicHandle } from '../src/app';
import {
  baseSeed,
  clientIdOf,
  createBinding,
  createIdentity,
  createNode,
  createPod,
  deletePod,
  eventually,
  GROUP,
  identitiesOn,
  identityId,
  listAssigned,
  NODE_RG,
  seedIdentity,
  setupEnvironment,
  startMicFor,
  SUB,
  teardownEnvironment,
  uaiSpec,
  vmId,
  vmssId,
  type MicEnvironment,
} from './harness';

const ns = testNamespace('mic-life');
const IDS = ['job-id', 'mover-id', 'edit-a', 'edit-b', 'doomed', 'legacy-id', 'scoped', 'drift-id'];

describe('MIC through changes', () => {
  let env: MicEnvironment;
  let mic: MicHandle;
  const on = (resource: string, name: string): boolean =>
    identitiesOn(env, resource).includes(identityId(name).toLowerCase());
  const assignedOf = async (pod: string) => (await listAssigned(env)).filter((a) => a.pod === pod);

  beforeAll(async () => {
    await installCrds(ns.kubeConfig);
    env = await setupEnvironment(
      ns.kubeConfig,
      ns.name,
      baseSeed({
        userAssignedIdentities: IDS.map((n) => seedIdentity(n)),
        virtualMachineScaleSets: [
          { subscription: SUB, resourceGroup: NODE_RG, name: 'pool-a', instances: 1 },
          { subscription: SUB, resourceGroup: NODE_RG, name: 'pool-b', instances: 1 },
        ],
        virtualMachines: [{ subscription: SUB, resourceGroup: NODE_RG, name: `vm-${ns.name.slice(-6)}` }],
      }),
    );
    await createNode(env, `${ns.name}-a0`, `azure://${vmssId('pool-a')}/virtualMachines/0`);
    await createNode(env, `${ns.name}-b0`, `azure://${vmssId('pool-b')}/virtualMachines/0`);
    await createNode(env, `vm-${ns.name.slice(-6)}`, `azure://${vmId(`vm-${ns.name.slice(-6)}`)}`);
    for (const id of IDS.filter((i) => i !== 'legacy-id' && i !== 'scoped'))
      await createIdentity(env, id, uaiSpec(id));
    mic = await startMicFor(env, { flags: ['--identity-assignment-reconcile-interval=1s'] });
    await eventually('MIC active', () => mic.isActive());
  });

  afterAll(async () => {
    await mic?.stop();
    await teardownEnvironment(env, [`${ns.name}-other`]);
  });

  it('a completed pod releases its identity', async () => {
    await createBinding(env, 'job-binding', { azureIdentity: 'job-id', selector: 'job' });
    await createPod(env, 'job', `${ns.name}-a0`, 'job');
    await eventually('job Assigned', async () => (await assignedOf('job'))[0]?.status === 'Assigned');
    expect(on(vmssId('pool-a'), 'job-id')).toBe(true);
    const pod = await env.core.readNamespacedPod({ name: 'job', namespace: env.namespace });
    await env.core.replaceNamespacedPodStatus({
      name: 'job',
      namespace: env.namespace,
      body: { ...pod, status: { ...pod.status, phase: 'Succeeded' } },
    });
    await eventually(
      'identity released',
      async () => (await assignedOf('job')).length === 0 && !on(vmssId('pool-a'), 'job-id'),
    );
  });

  it('a pod re-created on a node of another VMSS moves the identity', async () => {
    await createBinding(env, 'mover-binding', { azureIdentity: 'mover-id', selector: 'mover' });
    await createPod(env, 'mover', `${ns.name}-a0`, 'mover');
    await eventually(
      'on pool-a',
      async () => (await assignedOf('mover'))[0]?.status === 'Assigned' && on(vmssId('pool-a'), 'mover-id'),
    );
    await deletePod(env, 'mover');
    await createPod(env, 'mover', `${ns.name}-b0`, 'mover');
    await eventually('moved to pool-b', async () => {
      const a = await assignedOf('mover');
      return (
        a.length === 1 &&
        a[0]?.node === `${ns.name}-b0` &&
        a[0].status === 'Assigned' &&
        on(vmssId('pool-b'), 'mover-id') &&
        !on(vmssId('pool-a'), 'mover-id')
      );
    });
  });

  it('edits to the binding and the identity are followed', async () => {
    await createBinding(env, 'edit-binding', { azureIdentity: 'edit-a', selector: 'edit' });
    await createPod(env, 'editor', `${ns.name}-a0`, 'edit');
    await eventually(
      'edit-a Assigned',
      async () => (await assignedOf('editor'))[0]?.status === 'Assigned' && on(vmssId('pool-a'), 'edit-a'),
    );
    // The identity now points at another Azure identity: the VMSS swaps them.
    await env.custom.patchNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      namespace: env.namespace,
      plural: 'azureidentities',
      name: 'edit-a',
      body: [
        { op: 'replace', path: '/spec/resourceID', value: identityId('edit-b') },
        { op: 'replace', path: '/spec/clientID', value: clientIdOf('edit-b') },
      ],
    });
    await eventually(
      'swapped to edit-b',
      async () =>
        (await assignedOf('editor'))[0]?.status === 'Assigned' &&
        on(vmssId('pool-a'), 'edit-b') &&
        !on(vmssId('pool-a'), 'edit-a'),
    );
    // The binding stops selecting the pod: the assignment and the identity go.
    await env.custom.patchNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      namespace: env.namespace,
      plural: 'azureidentitybindings',
      name: 'edit-binding',
      body: [{ op: 'replace', path: '/spec/selector', value: 'nobody' }],
    });
    await eventually(
      'released',
      async () => (await assignedOf('editor')).length === 0 && !on(vmssId('pool-a'), 'edit-b'),
    );
  });

  it('a deleted identity is removed from the VM', async () => {
    const vm = vmId(`vm-${ns.name.slice(-6)}`);
    await createBinding(env, 'doomed-binding', { azureIdentity: 'doomed', selector: 'doomed' });
    await createPod(env, 'doomed', `vm-${ns.name.slice(-6)}`, 'doomed');
    await eventually(
      'on the VM',
      async () => (await assignedOf('doomed'))[0]?.status === 'Assigned' && on(vm, 'doomed'),
    );
    await env.custom.deleteNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      namespace: env.namespace,
      plural: 'azureidentities',
      name: 'doomed',
    });
    await eventually('removed', async () => (await assignedOf('doomed')).length === 0 && !on(vm, 'doomed'));
  });

  it('legacy PascalCase manifests work end to end', async () => {
    await createIdentity(env, 'legacy-id', {
      type: 0,
      ResourceID: identityId('legacy-id'),
      ClientID: clientIdOf('legacy-id'),
    });
    await createBinding(env, 'legacy-binding', { AzureIdentity: 'legacy-id', Selector: 'legacy' });
    await createPod(env, 'legacy', `${ns.name}-b0`, 'legacy');
    await eventually(
      'legacy Assigned',
      async () => (await assignedOf('legacy'))[0]?.status === 'Assigned' && on(vmssId('pool-b'), 'legacy-id'),
    );
  });

  it('a namespaced identity in another namespace is not given to the pod', async () => {
    const other = `${ns.name}-other`;
    await env.core.createNamespace({ body: { metadata: { name: other } } });
    try {
      await env.custom.createNamespacedCustomObject({
        group: GROUP,
        version: 'v1',
        namespace: other,
        plural: 'azureidentities',
        body: {
          apiVersion: `${GROUP}/v1`,
          kind: 'AzureIdentity',
          metadata: { name: 'scoped', annotations: { 'aadpodidentity.k8s.io/Behavior': 'namespaced' } },
          spec: uaiSpec('scoped'),
        },
      });
      await createBinding(env, 'scoped-binding', { azureIdentity: 'scoped', selector: 'scoped' }, other);
      await createBinding(env, 'job-binding-2', { azureIdentity: 'job-id', selector: 'scoped' });
      await createPod(env, 'outsider', `${ns.name}-b0`, 'scoped');
      // The pod does get the non-namespaced identity its own namespace's binding offers, never the scoped one.
      await eventually(
        'job-id Assigned',
        async () => (await assignedOf('outsider'))[0]?.status === 'Assigned',
      );
      expect((await assignedOf('outsider')).map((a) => a.identity)).toEqual(['job-id']);
      expect(on(vmssId('pool-b'), 'scoped')).toBe(false);
    } finally {
      await deletePod(env, 'outsider').catch(() => undefined);
    }
  });

  it('re-adds an identity stripped from the VMSS outside MIC (drift check)', async () => {
    await createBinding(env, 'drift-binding', { azureIdentity: 'drift-id', selector: 'drift' });
    await createPod(env, 'drifter', `${ns.name}-b0`, 'drift');
    await eventually(
      'drift-id Assigned',
      async () => (await assignedOf('drifter'))[0]?.status === 'Assigned' && on(vmssId('pool-b'), 'drift-id'),
    );
    const vmss = env.emulator.state.computeResource(vmssId('pool-b'));
    for (const [key, value] of vmss!.identity.user)
      if (value.id.toLowerCase().endsWith('/drift-id')) vmss!.identity.user.delete(key);
    expect(on(vmssId('pool-b'), 'drift-id')).toBe(false);
    await eventually('re-added', () => on(vmssId('pool-b'), 'drift-id'), 30_000);
  });
});
