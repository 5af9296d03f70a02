// Adversarial suite against MIC: a cluster user who can only create pods and labels tries to get an
// identity of another namespace. With --forceNamespaced MIC never assigns it (no AzureAssignedIdentity,
// no ARM write); without it MIC assigns it (original behaviour) and NMI, namespaced by default, refuses
// the token (apps/nmi standard.int.spec.ts "refusals"). Events MIC writes never carry a secret or token.
import { installCrds, testNamespace } from '@pod-identity/envtest';
import { CoreV1Api } from '@kubernetes/client-node';
import { scanForLeaks, Tally } from '@pod-identity/security-tests';
import type { MicHandle } from '../src/app';
import {
  baseSeed,
  createBinding,
  createIdentity,
  createNode,
  eventually,
  identitiesOn,
  identityId,
  listAssigned,
  MIC_SECRET_FOR_TESTS,
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

const victim = testNamespace('mic-sec-victim');
const attacker = testNamespace('mic-sec-attacker');
const tally = new Tally('mic-adversarial');
const POOL = 'pool-sec';

async function attackerPod(env: MicEnvironment, name: string, selector: string): Promise<void> {
  await env.core.createNamespacedPod({
    namespace: attacker.name,
    body: {
      metadata: { name, labels: { aadpodidbinding: selector } },
      spec: { nodeName: `${victim.name}-n0`, containers: [{ name: 'app', image: 'example.invalid/app:1' }] },
    },
  });
}

describe('MIC with --forceNamespaced against a pod-and-label-only attacker', () => {
  let env: MicEnvironment;
  let mic: MicHandle;

  beforeAll(async () => {
    await installCrds(victim.kubeConfig);
    env = await setupEnvironment(
      victim.kubeConfig,
      victim.name,
      baseSeed({
        userAssignedIdentities: [seedIdentity('victim-id'), seedIdentity('ctrl-id')],
        virtualMachineScaleSets: [{ subscription: SUB, resourceGroup: NODE_RG, name: POOL, instances: 1 }],
      }),
    );
    await createNode(env, `${victim.name}-n0`, `azure://${vmssId(POOL)}/virtualMachines/0`);
    await createIdentity(env, 'victim-id', uaiSpec('victim-id'));
    await createBinding(env, 'victim-binding', { azureIdentity: 'victim-id', selector: 'victim' });
    // The attacker's own namespace: a binding that names the victim's identity (not in its namespace).
    await createIdentity(env, 'ctrl-id', uaiSpec('ctrl-id'), attacker.name);
    await createBinding(
      env,
      'steal-binding',
      { azureIdentity: 'victim-id', selector: 'steal' },
      attacker.name,
    );
    await createBinding(env, 'ctrl-binding', { azureIdentity: 'ctrl-id', selector: 'ctrl' }, attacker.name);
    mic = await startMicFor(env, { flags: ['--forceNamespaced=true'] });
    await eventually('MIC active', () => mic.isActive());
  });

  afterAll(async () => {
    await mic?.stop();
    await teardownEnvironment(env);
    tally.print();
  });

  it("self-labelling into another namespace's binding, and a binding naming another namespace's identity, assign nothing", async () => {
    await attackerPod(env, 'self-labelled', 'victim');
    await attackerPod(env, 'via-binding', 'steal');
    // A control pod in the attacker namespace, created last: once it is Assigned, MIC has seen the others.
    await attackerPod(env, 'control', 'ctrl');
    await eventually(
      'control Assigned',
      async () =>
        (await listAssigned(env, attacker.name)).some((a) => a.pod === 'control' && a.status === 'Assigned'),
      30_000,
    );
    const all = [...(await listAssigned(env, attacker.name)), ...(await listAssigned(env, victim.name))];
    const stolen = all.filter((a) => a.identity === 'victim-id');
    tally.attack(stolen.length === 0);
    tally.attack(!identitiesOn(env, vmssId(POOL)).includes(identityId('victim-id').toLowerCase()));
    expect(stolen).toEqual([]);
    expect(identitiesOn(env, vmssId(POOL))).not.toContain(identityId('victim-id').toLowerCase());
  });

  it('Events MIC wrote carry no secret, token or full client id', async () => {
    const core = env.admin.makeApiClient(CoreV1Api);
    const texts: string[] = [];
    for (const n of [victim.name, attacker.name])
      for (const e of (await core.listNamespacedEvent({ namespace: n })).items) texts.push(JSON.stringify(e));
    const leaks = scanForLeaks(texts, [MIC_SECRET_FOR_TESTS]);
    tally.attack(leaks.length === 0);
    expect(leaks).toEqual([]);
  });
});
