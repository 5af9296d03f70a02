// Two replicas: only the leader acts; a leader that dies in the middle of an ARM operation is replaced
// and the new leader converges; a leader that is stopped releases the Lease at once.

import { installCrds, testNamespace } from '@pod-identity/envtest';
import { CoordinationV1Api } from '@kubernetes/client-node';
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

const ns = testNamespace('mic-leader');

describe('MIC leader election', () => {
  let env: MicEnvironment;
  const replicas: MicHandle[] = [];
  const start = async (instance: string, flags: string[] = []): Promise<MicHandle> => {
    const m = await startMicFor(env, { instance, flags });
    replicas.push(m);
    return m;
  };
  const holder = async (): Promise<string | undefined> =>
    (
      await env.admin
        .makeApiClient(CoordinationV1Api)
        .readNamespacedLease({ name: 'aad-pod-identity-mic', namespace: env.namespace })
    ).spec?.holderIdentity ?? undefined;

  beforeAll(async () => {
    await installCrds(ns.kubeConfig);
    env = await setupEnvironment(
      ns.kubeConfig,
      ns.name,
      baseSeed({
        userAssignedIdentities: [seedIdentity('ha-id')],
        virtualMachineScaleSets: [
          { subscription: SUB, resourceGroup: NODE_RG, name: 'pool-ha', instances: 1 },
        ],
      }),
    );
    await createNode(env, `${ns.name}-n0`, `azure://${vmssId('pool-ha')}/virtualMachines/0`);
    await createIdentity(env, 'ha-id', uaiSpec('ha-id'));
    await createBinding(env, 'ha-binding', { azureIdentity: 'ha-id', selector: 'ha' });
  });

  afterAll(async () => {
    for (const r of replicas) await r.stop().catch(() => undefined);
    await teardownEnvironment(env);
  });

  it('a leader killed mid-apply is replaced and the standby converges', async () => {
    // The dying leader does not wait for its ARM operation (as after a crash).
    const a = await start('mic-a', ['--shutdown-grace=0s']);
    await eventually('mic-a leads', () => a.isActive());
    const b = await start('mic-b');
    expect(b.isLeader()).toBe(false);
    await env.emulator.control.setOptions({ operationDurationMs: { vmss: 1500 } });
    await createPod(env, 'ha-0', `${ns.name}-n0`, 'ha');
    await eventually(
      'the PATCH reached ARM',
      async () => ((await env.emulator.control.counters()).writes[vmssId('pool-ha').toLowerCase()] ?? 0) >= 1,
    );
    await a.abandon();
    await eventually('mic-b leads', () => b.isActive(), 30_000);
    await env.emulator.control.setOptions({ operationDurationMs: { vmss: 0 } });
    await eventually(
      'Assigned by the new leader',
      async () => (await listAssigned(env)).find((x) => x.pod === 'ha-0')?.status === 'Assigned',
      30_000,
    );
    expect(identitiesOn(env, vmssId('pool-ha'))).toContain(identityId('ha-id').toLowerCase());
    // The new leader knows MIC added it (the dead leader wrote the ledger ahead), so it removes it.
    await deletePod(env, 'ha-0');
    await eventually(
      'removed',
      () => !identitiesOn(env, vmssId('pool-ha')).includes(identityId('ha-id').toLowerCase()),
      30_000,
    );
  });

  it('a stopped leader releases the Lease and another replica takes over at once', async () => {
    const leader = replicas.find((r) => r.isLeader());
    expect(leader).toBeDefined();
    await leader!.stop();
    expect(await holder()).toBeFalsy();
    const c = await start('mic-c');
    await eventually('mic-c leads', () => c.isActive());
    await createPod(env, 'ha-1', `${ns.name}-n0`, 'ha');
    await eventually(
      'Assigned by mic-c',
      async () => (await listAssigned(env)).find((x) => x.pod === 'ha-1')?.status === 'Assigned',
    );
  });
});
