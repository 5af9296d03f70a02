// What an assignment costs in requests, counted on both sides: the apiserver through a counting proxy in
// front of it, ARM in the emulator's request log. The ledger (docs/adr/0005) is written only when it
// changes and read once, not on every run on the target.
import { installCrds, testNamespace } from '@pod-identity/envtest';
import type { MicHandle } from '../src/app';
import { startCountingProxy, type CountingProxy, type RecordedRequest } from './counting-proxy';
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

const ns = testNamespace('mic-reqs');
const VMSS = 'pool-reqs';
const providerID = (instance: number): string => `azure://${vmssId(VMSS)}/virtualMachines/${instance}`;

interface Counts {
  readonly ledgerReads: number;
  readonly ledgerWrites: number;
  readonly armWrites: number;
}

describe('MIC request cost of an assignment', () => {
  let env: MicEnvironment;
  let proxy: CountingProxy;
  let mic: MicHandle;

  beforeAll(async () => {
    await installCrds(ns.kubeConfig);
    env = await setupEnvironment(
      ns.kubeConfig,
      ns.name,
      baseSeed({
        userAssignedIdentities: [seedIdentity('app-id')],
        virtualMachineScaleSets: [{ subscription: SUB, resourceGroup: NODE_RG, name: VMSS, instances: 2 }],
      }),
    );
    for (const i of [0, 1]) await createNode(env, `${ns.name}-n${i}`, providerID(i));
    await createIdentity(env, 'app-id', uaiSpec('app-id'));
    await createBinding(env, 'app-binding', { azureIdentity: 'app-id', selector: 'app' });
    proxy = await startCountingProxy(env.micKubeConfig);
    mic = await startMicFor(env, { kubeConfig: proxy.kubeConfig });
    await eventually('MIC active', () => mic.isActive());
  });

  afterAll(async () => {
    await mic?.stop();
    await proxy?.close();
    await teardownEnvironment(env);
  });

  const configMaps = `/api/v1/namespaces/${ns.name}/configmaps`;
  const isLedger = (r: RecordedRequest): boolean =>
    r.path === configMaps || r.path.startsWith(`${configMaps}/`);

  async function counts(): Promise<Counts> {
    const ledger = proxy.requests.filter(isLedger);
    const arm = await env.emulator.control.requests(1000);
    const target = vmssId(VMSS).toLowerCase();
    return {
      ledgerReads: ledger.filter((r) => r.method === 'GET').length,
      ledgerWrites: ledger.filter((r) => r.method !== 'GET').length,
      armWrites: arm.filter(
        (r) =>
          r.service === 'arm' &&
          (r.method === 'PATCH' || r.method === 'PUT') &&
          r.resource?.toLowerCase() === target,
      ).length,
    };
  }

  const assignedOf = async (pod: string) => (await listAssigned(env)).find((a) => a.pod === pod);
  const onVmss = (): boolean => identitiesOn(env, vmssId(VMSS)).includes(identityId('app-id').toLowerCase());

  it('an add costs one PATCH and one ledger write; a later run on the target reads no ledger again', async () => {
    const before = await counts();
    await createPod(env, 'web-0', `${ns.name}-n0`, 'app');
    await eventually('web-0 Assigned', async () => (await assignedOf('web-0'))?.status === 'Assigned');
    // Another pod on the same VMSS: a second run on the target (an ARM read confirms the identity).
    await createPod(env, 'web-1', `${ns.name}-n1`, 'app');
    await eventually('web-1 Assigned', async () => (await assignedOf('web-1'))?.status === 'Assigned');
    const after = await counts();
    expect(after.armWrites - before.armWrites).toBe(1);
    expect(after.ledgerWrites - before.ledgerWrites).toBe(1);
    // The one read is the first look at this target's ledger (it did not exist yet).
    expect(after.ledgerReads - before.ledgerReads).toBe(1);
  });

  it('a removal reads the stored ledger once and writes it once', async () => {
    const before = await counts();
    await deletePod(env, 'web-0');
    await deletePod(env, 'web-1');
    await eventually('identity removed from the VMSS', () => !onVmss());
    await eventually('no assigned identities left', async () => (await listAssigned(env)).length === 0);
    const after = await counts();
    expect(after.armWrites - before.armWrites).toBe(1);
    expect(after.ledgerReads - before.ledgerReads).toBe(1);
    expect(after.ledgerWrites - before.ledgerWrites).toBe(1);
  });
});
