// The apiserver goes away and comes back: MIC's informers re-list and re-watch, and it keeps working.
// This file starts its own control plane so that restarting it disturbs no other file.
import {
  createTestNamespace,
  installCrds,
  startControlPlane,
  type ControlPlane,
} from '@pod-identity/envtest';
import type { MicHandle } from '../src/app';
import {
  baseSeed,
  createBinding,
  createIdentity,
  createNode,
  createPod,
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

describe('MIC across an apiserver restart', () => {
  let plane: ControlPlane;
  let env: MicEnvironment;
  let mic: MicHandle;
  const namespace = 'mic-restart';

  beforeAll(async () => {
    plane = await startControlPlane({ startupTimeoutMs: 90_000 });
    await installCrds(plane.kubeConfig);
    await createTestNamespace(plane.kubeConfig, namespace);
    env = await setupEnvironment(
      plane.kubeConfig,
      namespace,
      baseSeed({
        userAssignedIdentities: [seedIdentity('r-id')],
        virtualMachineScaleSets: [
          { subscription: SUB, resourceGroup: NODE_RG, name: 'pool-r', instances: 1 },
        ],
      }),
    );
    await createNode(env, 'r-n0', `azure://${vmssId('pool-r')}/virtualMachines/0`);
    await createIdentity(env, 'r-id', uaiSpec('r-id'));
    await createBinding(env, 'r-binding', { azureIdentity: 'r-id', selector: 'r' });
    mic = await startMicFor(env, { flags: ['--leader-election-duration=15s'] });
    await eventually('MIC active', () => mic.isActive());
  }, 120_000);

  afterAll(async () => {
    await mic?.stop();
    await teardownEnvironment(env);
    await plane?.stop();
  });

  it('keeps assigning after the apiserver restarted', async () => {
    await createPod(env, 'before', 'r-n0', 'r');
    await eventually(
      'before Assigned',
      async () => (await listAssigned(env)).find((a) => a.pod === 'before')?.status === 'Assigned',
    );
    await plane.restartApiServer();
    await createPod(env, 'after', 'r-n0', 'r');
    await eventually(
      'after Assigned',
      async () => (await listAssigned(env)).find((a) => a.pod === 'after')?.status === 'Assigned',
      60_000,
    );
    expect(identitiesOn(env, vmssId('pool-r'))).toContain(identityId('r-id').toLowerCase());
  });
});
