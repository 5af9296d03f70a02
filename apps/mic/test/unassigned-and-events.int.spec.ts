// What MIC writes on the way out and for people to read: an AzureAssignedIdentity passes through
// status Unassigned before it is deleted, and assignments show up as Events on the pod (kubectl
// describe pod). Real apiserver (envtest), MIC in-process, the Azure emulator.
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

describe('MIC: Unassigned and Events on the pod', () => {
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

  it('records the assignment as an Event on the pod', async () => {
    await createPod(env, 'leaver', node(), 'leaver');
    await eventually('Assigned', async () =>
      (await listAssigned(env)).some((a) => a.pod === 'leaver' && a.status === 'Assigned'),
    );
    const podEvents = async () =>
      (
        await env.core.listNamespacedEvent({
          namespace: env.namespace,
          fieldSelector: 'involvedObject.kind=Pod,involvedObject.name=leaver',
        })
      ).items;
    await eventually('event on the pod', async () =>
      (await podEvents()).some((e) => e.reason === 'IdentityAssigned'),
    );
    const event = (await podEvents()).find((e) => e.reason === 'IdentityAssigned');
    expect(event).toMatchObject({
      type: 'Normal',
      involvedObject: { kind: 'Pod', apiVersion: 'v1', name: 'leaver', namespace: env.namespace },
    });
    expect(event?.message).toContain(`identity ${env.namespace}/leaver-id`);
    expect(event?.message).toContain('pool-u');
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
