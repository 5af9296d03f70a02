// ARM misbehaving: one identity MIC may not assign must not block the others, and a 429's Retry-After
// must hold MIC back.

import { installCrds, testNamespace } from '@pod-identity/envtest';
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

const ns = testNamespace('mic-faults');
const LOCKED_RG = 'locked';
const lockedId = (name: string): string =>
  identityId(name).replace('/resourceGroups/identities/', `/resourceGroups/${LOCKED_RG}/`);

describe('MIC under ARM faults', () => {
  let env: MicEnvironment;
  let mic: MicHandle;

  beforeAll(async () => {
    await installCrds(ns.kubeConfig);
    env = await setupEnvironment(
      ns.kubeConfig,
      ns.name,
      baseSeed({
        subscriptions: [
          { id: SUB, resourceGroups: [{ name: NODE_RG }, { name: 'identities' }, { name: LOCKED_RG }] },
        ],
        userAssignedIdentities: [seedIdentity('good'), seedIdentity('bad', LOCKED_RG), seedIdentity('slow')],
        virtualMachineScaleSets: [
          { subscription: SUB, resourceGroup: NODE_RG, name: 'pool-bad', instances: 1 },
          { subscription: SUB, resourceGroup: NODE_RG, name: 'pool-429', instances: 1 },
        ],
      }),
    );
    await createNode(env, `${ns.name}-bad0`, `azure://${vmssId('pool-bad')}/virtualMachines/0`);
    await createNode(env, `${ns.name}-thr0`, `azure://${vmssId('pool-429')}/virtualMachines/0`);
    mic = await startMicFor(env);
    await eventually('MIC active', () => mic.isActive());
  });

  afterAll(async () => {
    await mic?.stop();
    await teardownEnvironment(env);
  });

  it('a bad identity does not block good ones; it shows the error and succeeds once allowed', async () => {
    await createIdentity(env, 'good', uaiSpec('good'));
    await createIdentity(env, 'bad', { ...uaiSpec('bad'), resourceID: lockedId('bad') });
    await createBinding(env, 'good-binding', { azureIdentity: 'good', selector: 'mixed' });
    await createBinding(env, 'bad-binding', { azureIdentity: 'bad', selector: 'mixed' });
    await createPod(env, 'mixed', `${ns.name}-bad0`, 'mixed');
    await eventually('good Assigned, bad failed with a reason', async () => {
      const all = await listAssigned(env);
      const good = all.find((a) => a.identity === 'good');
      const bad = all.find((a) => a.identity === 'bad');
      return (
        good?.status === 'Assigned' && bad?.status === 'Created' && bad.reason === 'LinkedAuthorizationFailed'
      );
    });
    const bad = (await listAssigned(env)).find((a) => a.identity === 'bad');
    expect(bad?.message).toContain('Managed Identity Operator');
    expect(identitiesOn(env, vmssId('pool-bad'))).toEqual([identityId('good').toLowerCase()]);

    await eventually('a Warning event on the binding', async () => {
      const events = await env.core.listNamespacedEvent({ namespace: env.namespace });
      return events.items.some(
        (e) =>
          e.involvedObject.kind === 'AzureIdentityBinding' &&
          e.involvedObject.name === 'bad-binding' &&
          e.reason === 'IdentityAssignmentFailed' &&
          e.type === 'Warning',
      );
    });

    await env.emulator.seed({
      roleAssignments: [
        {
          principal: '44444444-4444-4444-4444-444444444444',
          role: 'Managed Identity Operator',
          scope: `/subscriptions/${SUB}/resourceGroups/${LOCKED_RG}`,
        },
      ],
    });
    await eventually(
      'bad Assigned after the grant',
      async () => (await listAssigned(env)).find((a) => a.identity === 'bad')?.status === 'Assigned',
      30_000,
    );
    expect(identitiesOn(env, vmssId('pool-bad'))).toContain(lockedId('bad').toLowerCase());
  });

  it('honours Retry-After on a 429', async () => {
    await env.emulator.control.addFault({
      match: { service: 'arm', method: 'PATCH', resource: 'pool-429' },
      action: { type: 'throttle', retryAfterSeconds: 2 },
      times: 1,
    });
    await createIdentity(env, 'slow', uaiSpec('slow'));
    await createBinding(env, 'slow-binding', { azureIdentity: 'slow', selector: 'slow' });
    await createPod(env, 'throttled', `${ns.name}-thr0`, 'slow');
    await eventually(
      'Assigned after the throttle',
      async () => (await listAssigned(env)).find((a) => a.pod === 'throttled')?.status === 'Assigned',
      30_000,
    );
    const log = (await env.emulator.control.requests(1000)).filter(
      (r) => r.service === 'arm' && (r.resource ?? '').toLowerCase().includes('pool-429'),
    );
    const throttled = log.findIndex((r) => r.status === 429);
    expect(throttled).toBeGreaterThanOrEqual(0);
    const next = log[throttled + 1];
    expect(next).toBeDefined();
    // Nothing reached ARM for that VMSS before Retry-After had passed.
    expect(Date.parse(next!.time) - Date.parse(log[throttled]!.time)).toBeGreaterThanOrEqual(1900);
    const metrics = await mic.registry.getSingleMetricAsString('mic_arm_throttle_waits_total');
    expect(metrics).toMatch(/scope="retry-after"} [1-9]/);
  });
});
