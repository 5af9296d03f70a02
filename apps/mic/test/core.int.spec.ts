// The core path against a real apiserver and the Azure emulator: assignment, VMSS-wide reference
// counting with no extra PATCH, removal, and identities MIC must never remove.

import { installCrds, testNamespace } from '@pod-identity/envtest';
import { createLogger } from '@pod-identity/platform';
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
  setupEnvironment,
  startMicFor,
  SUB,
  teardownEnvironment,
  vmssId,
  writesTo,
  clientIdOf,
  MIC_CLIENT_ID,
  MIC_SECRET_FOR_TESTS,
  seedIdentity,
  uaiSpec,
  type MicEnvironment,
} from './harness';

const ns = testNamespace('mic-core');
const VMSS = 'pool-core';
const providerID = (instance: number): string => `azure://${vmssId(VMSS)}/virtualMachines/${instance}`;

describe('MIC core path', () => {
  const logLines: string[] = [];
  let env: MicEnvironment;
  let mic: MicHandle;

  beforeAll(async () => {
    await installCrds(ns.kubeConfig);
    env = await setupEnvironment(
      ns.kubeConfig,
      ns.name,
      baseSeed({
        userAssignedIdentities: [
          seedIdentity('app-id'),
          seedIdentity('pre-id'),
          seedIdentity('immutable-id'),
          seedIdentity('kubelet', NODE_RG),
        ],
        virtualMachineScaleSets: [
          {
            subscription: SUB,
            resourceGroup: NODE_RG,
            name: VMSS,
            instances: 3,
            identity: {
              userAssigned: [
                `/subscriptions/${SUB}/resourceGroups/${NODE_RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/kubelet`,
                identityId('pre-id'),
              ],
            },
          },
        ],
      }),
    );
    for (const i of [0, 1, 2]) await createNode(env, `${ns.name}-n${i}`, providerID(i));
    await createIdentity(env, 'app-id', uaiSpec('app-id'));
    await createBinding(env, 'app-binding', { azureIdentity: 'app-id', selector: 'app' });
    const logger = createLogger({
      name: 'mic',
      level: 'debug',
      destination: { write: (line: string) => void logLines.push(line) },
    });
    mic = await startMicFor(env, {
      logger,
      flags: [`--immutable-user-msis=${clientIdOf('immutable-id').toUpperCase()}`, '--log-level=debug'],
    });
    await eventually('MIC active', () => mic.isActive());
  });

  afterAll(async () => {
    await mic?.stop();
    await teardownEnvironment(env);
  });

  const assignedOf = async (pod: string) => (await listAssigned(env)).find((a) => a.pod === pod);

  it('assigns: the object reaches Assigned and the VMSS carries the identity', async () => {
    const before = await writesTo(env, vmssId(VMSS));
    const started = Date.now();
    await createPod(env, 'web-0', `${ns.name}-n0`, 'app');
    await eventually('web-0 Assigned', async () => (await assignedOf('web-0'))?.status === 'Assigned');
    const elapsed = Date.now() - started;
    process.stdout.write(`pod creation to Assigned (emulator latency 0): ${elapsed} ms\n`);
    const a = await assignedOf('web-0');
    expect(a).toMatchObject({ name: `web-0-${ns.name}-app-id`, identity: 'app-id', node: `${ns.name}-n0` });
    expect(identitiesOn(env, vmssId(VMSS))).toContain(identityId('app-id').toLowerCase());
    expect((await writesTo(env, vmssId(VMSS))) - before).toBe(1);
  });

  it('a second pod on another instance of the VMSS causes no extra PATCH', async () => {
    const before = await writesTo(env, vmssId(VMSS));
    await createPod(env, 'web-1', `${ns.name}-n1`, 'app');
    await eventually('web-1 Assigned', async () => (await assignedOf('web-1'))?.status === 'Assigned');
    expect(await writesTo(env, vmssId(VMSS))).toBe(before);
  });

  it('deleting one of the two keeps the identity; deleting both removes it', async () => {
    await deletePod(env, 'web-0');
    await eventually('web-0 object gone', async () => (await assignedOf('web-0')) === undefined);
    expect(identitiesOn(env, vmssId(VMSS))).toContain(identityId('app-id').toLowerCase());
    await deletePod(env, 'web-1');
    await eventually(
      'identity removed from the VMSS',
      () => !identitiesOn(env, vmssId(VMSS)).includes(identityId('app-id').toLowerCase()),
    );
    await eventually('no assigned identities left', async () => (await listAssigned(env)).length === 0);
  });

  it('never removes pre-existing identities, the kubelet identity or immutable ones', async () => {
    await createIdentity(env, 'pre-id', uaiSpec('pre-id'));
    await createIdentity(env, 'immutable-id', uaiSpec('immutable-id'));
    await createBinding(env, 'pre-binding', { azureIdentity: 'pre-id', selector: 'pre' });
    await createBinding(env, 'imm-binding', { azureIdentity: 'immutable-id', selector: 'pre' });
    const before = await writesTo(env, vmssId(VMSS));
    const started = Date.now();
    await createPod(env, 'keeper', `${ns.name}-n2`, 'pre');
    await eventually(
      'both assignments Assigned',
      async () =>
        (await listAssigned(env)).filter((a) => a.pod === 'keeper' && a.status === 'Assigned').length === 2,
    );
    process.stdout.write(
      `pod creation to Assigned, warm, one PATCH (emulator latency 0): ${Date.now() - started} ms\n`,
    );
    // pre-id was already there: only immutable-id needed a PATCH.
    expect((await writesTo(env, vmssId(VMSS))) - before).toBe(1);
    await deletePod(env, 'keeper');
    await eventually('assignments gone', async () => (await listAssigned(env)).length === 0);
    const ids = identitiesOn(env, vmssId(VMSS));
    expect(ids).toContain(identityId('pre-id').toLowerCase());
    expect(ids).toContain(identityId('immutable-id').toLowerCase());
    expect(ids.some((i) => i.endsWith('/kubelet'))).toBe(true);
  });

  it('serves /healthz, /readyz and /metrics', async () => {
    expect((await fetch(`${mic.probeUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${mic.probeUrl}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${mic.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(/^mic_leader 1$/m);
    expect(metrics).toMatch(/mic_arm_requests_total\{operation="vmss_update",status="200"\} [1-9]/);
    expect(metrics).toMatch(/mic_syncs_total\{[^}]*\} [1-9]/);
  });

  it('never logs secrets, tokens or whole client ids', () => {
    const logs = logLines.join('');
    expect(logLines.length).toBeGreaterThan(5);
    expect(logs).not.toContain(MIC_SECRET_FOR_TESTS);
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
    expect(logs).not.toMatch(/Bearer\s+[A-Za-z0-9]/);
    expect(logs).not.toContain(MIC_CLIENT_ID);
    expect(logs).not.toContain(clientIdOf('immutable-id'));
  });
});
