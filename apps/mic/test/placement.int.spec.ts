// Where assigned identities live (docs/adr/0004), and objects deleted by someone else: MIC moves objects
// when the placement changes and re-creates deleted ones, both without touching the VMSS.
import { installCrds, testNamespace } from '@pod-identity/envtest';
import type { MicHandle } from '../src/app';
import {
  baseSeed,
  createBinding,
  createIdentity,
  createNode,
  createPod,
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
  vmssId,
  writesTo,
  type MicEnvironment,
} from './harness';

const ns = testNamespace('mic-place');
const LEDGER_FLAGS = ['--ledger-prefix=place-ledger'];

describe('assigned identity placement', () => {
  let env: MicEnvironment;
  let mic: MicHandle | undefined;
  const fixed = `${ns.name}-fixed`;

  beforeAll(async () => {
    await installCrds(ns.kubeConfig);
    env = await setupEnvironment(
      ns.kubeConfig,
      ns.name,
      baseSeed({
        userAssignedIdentities: [seedIdentity('place-id')],
        virtualMachineScaleSets: [
          { subscription: SUB, resourceGroup: NODE_RG, name: 'pool-p', instances: 1 },
        ],
      }),
    );
    await env.core.createNamespace({ body: { metadata: { name: fixed } } });
    await createNode(env, `${ns.name}-n0`, `azure://${vmssId('pool-p')}/virtualMachines/0`);
    await createIdentity(env, 'place-id', uaiSpec('place-id'));
    await createBinding(env, 'place-binding', { azureIdentity: 'place-id', selector: 'place' });
  });

  afterAll(async () => {
    await mic?.stop();
    await teardownEnvironment(env, [fixed]);
  });

  it("puts the object in the pod's namespace and re-creates it when someone deletes it", async () => {
    mic = await startMicFor(env, { flags: LEDGER_FLAGS });
    await createPod(env, 'placed', `${ns.name}-n0`, 'place');
    await eventually('Assigned', async () => (await listAssigned(env))[0]?.status === 'Assigned');
    const writes = await writesTo(env, vmssId('pool-p'));
    const [first] = await listAssigned(env);
    await env.custom.deleteNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      namespace: env.namespace,
      plural: 'azureassignedidentities',
      name: first!.name,
    });
    await eventually('re-created and Assigned', async () => {
      const all = (await env.custom.listNamespacedCustomObject({
        group: GROUP,
        version: 'v1',
        namespace: env.namespace,
        plural: 'azureassignedidentities',
      })) as {
        items: Array<{ metadata: { uid: string; deletionTimestamp?: string }; status?: { status?: string } }>;
      };
      return (
        all.items.length === 1 &&
        !all.items[0]!.metadata.deletionTimestamp &&
        all.items[0]!.status?.status === 'Assigned'
      );
    });
    expect(identitiesOn(env, vmssId('pool-p'))).toContain(identityId('place-id').toLowerCase());
    expect(await writesTo(env, vmssId('pool-p'))).toBe(writes);
  });

  it('keeps its ledger in ConfigMaps named by --ledger-prefix', async () => {
    const maps = await env.core.listNamespacedConfigMap({ namespace: env.namespace });
    const names = maps.items.map((m) => m.metadata?.name ?? '');
    expect(names.filter((n) => n.startsWith('place-ledger-'))).toHaveLength(1);
    expect(names.filter((n) => n.startsWith('pod-identity-mic-ledger'))).toEqual([]);
  });

  it('moves objects to a fixed namespace when MIC is restarted with --assigned-identity-namespace', async () => {
    await mic?.stop();
    const writes = await writesTo(env, vmssId('pool-p'));
    mic = await startMicFor(env, { flags: [...LEDGER_FLAGS, `--assigned-identity-namespace=${fixed}`] });
    await eventually(
      'moved',
      async () =>
        (await listAssigned(env)).length === 0 && (await listAssigned(env, fixed))[0]?.status === 'Assigned',
    );
    expect(identitiesOn(env, vmssId('pool-p'))).toContain(identityId('place-id').toLowerCase());
    expect(await writesTo(env, vmssId('pool-p'))).toBe(writes);
  });
});
