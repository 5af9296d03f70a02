// What MIC writes on the way out and for people to read: an AzureAssignedIdentity passes through
// status Unassigned before it is deleted, and assignments show up as Events on their binding (one per
// binding per batch, counting the pods). Real apiserver (envtest), MIC in-process, the Azure emulator.
import { type KubeConfig, Watch } from '@kubernetes/client-node';
import { installCrds, testNamespace } from '@pod-identity/envtest';
import type { MicHandle } from '../src/app';
import {
  baseSeed,
  createBinding,
  createIdentity,
  createNode,
  createPod,
  deletePod,
  eventually,
  GROUP,
  listAssigned,
  NODE_RG,
  seedIdentity,
  setupEnvironment,
  startMicFor,
  SUB,
  teardownEnvironment,
  uaiSpec,
  vmssId,
  type MicEnvironment,
} from './harness';

const ns = testNamespace('mic-unassigned');

/** Every (event type, status) an AzureAssignedIdentity of the pod goes through, from a real watch. */
async function watchAssigned(
  kc: KubeConfig,
  namespace: string,
  pod: string,
): Promise<{ seen: string[]; stop: () => void }> {
  const seen: string[] = [];
  const request = await new Watch(kc).watch(
    `/apis/${GROUP}/v1/namespaces/${namespace}/azureassignedidentities`,
    {},
    (type: string, obj: { spec?: { pod?: string }; status?: { status?: string } }) => {
      if (obj.spec?.pod === pod) seen.push(`${type}:${obj.status?.status ?? ''}`);
    },
    () => undefined,
  );
  return { seen, stop: () => request.abort() };
}

describe('MIC: Unassigned, and Events on the binding', () => {
  let env: MicEnvironment;
  let mic: MicHandle;
  const node = (): string => `${ns.name}-n0`;

  beforeAll(async () => {
    await installCrds(ns.kubeConfig);
    env = await setupEnvironment(
      ns.kubeConfig,
      ns.name,
      baseSeed({
        userAssignedIdentities: [seedIdentity('leaver-id')],
        virtualMachineScaleSets: [
          { subscription: SUB, resourceGroup: NODE_RG, name: 'pool-u', instances: 1 },
        ],
      }),
    );
    await createNode(env, node(), `azure://${vmssId('pool-u')}/virtualMachines/0`);
    await createIdentity(env, 'leaver-id', uaiSpec('leaver-id'));
    await createBinding(env, 'leaver-binding', { azureIdentity: 'leaver-id', selector: 'leaver' });
    mic = await startMicFor(env);
    await eventually('MIC active', () => mic.isActive());
  });

  afterAll(async () => {
    await mic?.stop();
    await teardownEnvironment(env);
  });

  it('records the assignment as one Event on the binding, counting its pods, and none on the pod', async () => {
    await createPod(env, 'leaver', node(), 'leaver');
    await eventually('Assigned', async () =>
      (await listAssigned(env)).some((a) => a.pod === 'leaver' && a.status === 'Assigned'),
    );
    const eventsAbout = async (kind: string, name: string) =>
      (
        await env.core.listNamespacedEvent({
          namespace: env.namespace,
          fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name}`,
        })
      ).items.filter((e) => e.reason === 'IdentityAssigned');
    const bindingEvents = () => eventsAbout('AzureIdentityBinding', 'leaver-binding');
    await eventually('event on the binding', async () => (await bindingEvents()).length > 0);
    const [event] = await bindingEvents();
    expect(event).toMatchObject({
      type: 'Normal',
      count: 1,
      involvedObject: { kind: 'AzureIdentityBinding', name: 'leaver-binding', namespace: env.namespace },
    });
    expect(event?.message).toContain(`identity ${env.namespace}/leaver-id`);
    expect(event?.message).toContain('pool-u');
    expect(event?.message).toContain(`1 pod, ${env.namespace}/leaver`);
    expect(await eventsAbout('Pod', 'leaver')).toEqual([]);
  });

  it('a second pod of an identity already on the VMSS gets its object created Assigned (docs/adr/0013)', async () => {
    const watch = await watchAssigned(ns.kubeConfig, env.namespace, 'second');
    try {
      await createPod(env, 'second', node(), 'leaver');
      await eventually('second Assigned', async () =>
        (await listAssigned(env)).some((a) => a.pod === 'second' && a.status === 'Assigned'),
      );
      expect(watch.seen[0]).toBe('ADDED:Assigned');
      expect(watch.seen.filter((s) => s.endsWith(':Created'))).toEqual([]);
      await deletePod(env, 'second');
      await eventually('second gone', () => watch.seen.some((s) => s.startsWith('DELETED')));
    } finally {
      watch.stop();
    }
  });

  it('marks the AzureAssignedIdentity Unassigned before deleting it when the pod goes', async () => {
    const watch = await watchAssigned(ns.kubeConfig, env.namespace, 'leaver');
    try {
      await deletePod(env, 'leaver');
      await eventually('deleted', () => watch.seen.some((s) => s.startsWith('DELETED')));
      const unassigned = watch.seen.indexOf('MODIFIED:Unassigned');
      expect(unassigned).toBeGreaterThanOrEqual(0);
      expect(unassigned).toBeLessThan(watch.seen.findIndex((s) => s.startsWith('DELETED')));
    } finally {
      watch.stop();
    }
  });
});
