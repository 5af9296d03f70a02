// etcd goes away in the middle of a sync and comes back: MIC's writes and watches fail for a while, then
// it converges without losing the identity a running pod uses. Own control plane (disturbs no other file).
import {
  createTestNamespace,
  installCrds,
  startControlPlane,
  type ControlPlane,
} from '@pod-identity/envtest';
import { Tally } from '@pod-identity/security-tests';
import type { MicHandle } from '../src/app';
import {
  baseSeed,
  createBinding,
  createIdentity,
  createNode,
  createPod,
  deletePod,
  eventually,
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
  vmssId,
  type MicEnvironment,
} from './harness';

const tally = new Tally('mic-etcd-restart');

describe('MIC across an etcd restart mid-sync', () => {
  let plane: ControlPlane;
  let env: MicEnvironment;
  let mic: MicHandle;
  const namespace = 'mic-etcd';

  beforeAll(async () => {
    plane = await startControlPlane({ startupTimeoutMs: 90_000 });
    await installCrds(plane.kubeConfig);
    await createTestNamespace(plane.kubeConfig, namespace);
    env = await setupEnvironment(
      plane.kubeConfig,
      namespace,
      baseSeed({
        userAssignedIdentities: [seedIdentity('e-id'), seedIdentity('e2-id')],
        virtualMachineScaleSets: [
          { subscription: SUB, resourceGroup: NODE_RG, name: 'pool-e', instances: 1 },
        ],
      }),
    );
    await createNode(env, 'e-n0', `azure://${vmssId('pool-e')}/virtualMachines/0`);
    await createIdentity(env, 'e-id', uaiSpec('e-id'));
    await createIdentity(env, 'e2-id', uaiSpec('e2-id'));
    await createBinding(env, 'e-binding', { azureIdentity: 'e-id', selector: 'e' });
    await createBinding(env, 'e2-binding', { azureIdentity: 'e2-id', selector: 'e2' });
    mic = await startMicFor(env, { flags: ['--leader-election-duration=15s'] });
    await eventually('MIC active', () => mic.isActive());
  }, 120_000);

  afterAll(async () => {
    await mic?.stop();
    await teardownEnvironment(env);
    await plane?.stop();
    tally.print();
  });

  it('converges after etcd restarted in the middle of a sync; the running pod keeps its identity', async () => {
    await createPod(env, 'steady', 'e-n0', 'e');
    await eventually(
      'steady Assigned',
      async () => (await listAssigned(env)).find((a) => a.pod === 'steady')?.status === 'Assigned',
    );
    let lost = 0;
    const watcher = setInterval(() => {
      if (!identitiesOn(env, vmssId('pool-e')).includes(identityId('e-id').toLowerCase())) lost++;
    }, 50);
    try {
      await env.emulator.control.setOptions({ operationDurationMs: { vmss: 1000 } });
      await createPod(env, 'mid-sync', 'e-n0', 'e2');
      await eventually(
        'the PATCH reached ARM',
        async () =>
          ((await env.emulator.control.counters()).writes[vmssId('pool-e').toLowerCase()] ?? 0) >= 2,
      );
      await plane.restartEtcd();
      await env.emulator.control.setOptions({ operationDurationMs: { vmss: 0 } });
      await eventually(
        'mid-sync Assigned',
        async () => (await listAssigned(env)).find((a) => a.pod === 'mid-sync')?.status === 'Assigned',
        60_000,
      );
      await deletePod(env, 'mid-sync');
      await eventually(
        'e2-id removed after its last pod',
        () => !identitiesOn(env, vmssId('pool-e')).includes(identityId('e2-id').toLowerCase()),
        60_000,
      );
    } finally {
      clearInterval(watcher);
    }
    tally.lost(lost);
    tally.fault(lost === 0);
    expect(lost).toBe(0);
    expect(identitiesOn(env, vmssId('pool-e'))).toContain(identityId('e-id').toLowerCase());
  }, 150_000);
});
