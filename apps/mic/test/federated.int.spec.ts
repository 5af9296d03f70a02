// The federated backend in MIC (docs/adr/0010) against the real apiserver and the emulator's ARM: no write
// to any VM/VMSS, federated identity credentials created for the pods' ServiceAccounts through
// @azure/arm-msi, the AzureAssignedIdentity Assigned once the credential exists, Azure's limit of 20, the
// ledger (never delete what MIC did not create, also after a restart), management off, and switching an
// identity from the VM backend to federation without a moment off Assigned.
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { IDENTITY_BACKEND_ANNOTATION } from '@pod-identity/domain';
import { createTestNamespace, installCrds, testNamespace } from '@pod-identity/envtest';
import type { MicHandle } from '../src/app';
import { federatedCredentialName } from '../src/federated/credential-name';
import {
  baseSeed,
  clientIdOf,
  createBinding,
  createIdentity,
  createNode,
  createPod,
  deletePod,
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

const ns = testNamespace('mic-fed');
const other = `${ns.name}-other`;
const ISSUER = 'https://oidc.cluster.test/issuer-1';
const VMSS = 'fed-pool';
const AUD = ['api://AzureADTokenExchange'];

describe('MIC with federated identities', () => {
  let env: MicEnvironment;
  let mic: MicHandle;
  const node = (): string => `${ns.name}-n0`;
  const subject = (sa: string, namespace = ns.name): string => `system:serviceaccount:${namespace}:${sa}`;
  const credentials = (name: string) => [
    ...(env.emulator.state.identity(identityId(name))?.federatedCredentials.values() ?? []),
  ];
  const subjectsOf = (name: string): string[] =>
    credentials(name)
      .map((c) => c.subject)
      .sort();
  const assignedOf = async (pod: string, namespace = ns.name) =>
    (await listAssigned(env, namespace)).filter((a) => a.pod === pod);
  const fedSpec = (name: string): Record<string, unknown> => ({ ...uaiSpec(name), backend: 'Federated' });

  async function serviceAccount(name: string, namespace = ns.name): Promise<void> {
    await env.core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  }

  async function bound(identity: string, spec: Record<string, unknown> = fedSpec(identity)): Promise<void> {
    await createIdentity(env, identity, spec);
    await createBinding(env, `${identity}-b`, { azureIdentity: identity, selector: identity });
  }

  async function assignedObject(
    name: string,
    namespace = ns.name,
  ): Promise<{ metadata: { annotations?: Record<string, string> }; status?: { status?: string } }> {
    return (await env.custom.getNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      namespace,
      plural: 'azureassignedidentities',
      name,
    })) as never;
  }

  async function warningEvents(reason: string, namespace = ns.name): Promise<string[]> {
    const list = await env.core.listNamespacedEvent({ namespace });
    return list.items.filter((e) => e.reason === reason).map((e) => e.message ?? '');
  }

  async function startMic(flags: string[]): Promise<void> {
    mic = await startMicFor(env, {
      flags: [`--oidc-issuer-url=${ISSUER}`, '--federated-credential-settle=0', ...flags],
    });
    await eventually('MIC active', () => mic.isActive());
  }

  beforeAll(async () => {
    await installCrds(ns.kubeConfig);
    await createTestNamespace(ns.kubeConfig, other);
    const preexisting = Array.from({ length: 19 }, (_, i) => ({
      name: `team-${i}`,
      issuer: ISSUER,
      subject: `system:serviceaccount:elsewhere:sa${i}`,
    }));
    env = await setupEnvironment(
      ns.kubeConfig,
      ns.name,
      baseSeed({
        userAssignedIdentities: [
          seedIdentity('fed-a'),
          {
            ...seedIdentity('fed-hand'),
            federatedCredentials: [
              { name: 'made-by-hand', issuer: ISSUER, subject: `system:serviceaccount:${ns.name}:legacy` },
            ],
          },
          { ...seedIdentity('fed-full'), federatedCredentials: preexisting },
          seedIdentity('fed-off'),
          seedIdentity('switch-id'),
        ],
        virtualMachineScaleSets: [{ subscription: SUB, resourceGroup: NODE_RG, name: VMSS, instances: 1 }],
      }),
    );
    await createNode(env, node(), `azure://${vmssId(VMSS)}/virtualMachines/0`);
    for (const sa of ['reader', 'writer', 'legacy', 'late', 'a', 'b', 'switcher']) await serviceAccount(sa);
    await serviceAccount('reader', other);
    await startMic(['--manage-federated-credentials']);
  });

  afterAll(async () => {
    await mic?.stop();
    await teardownEnvironment(env, [other]);
    await env?.core.deleteNamespace({ name: other }).catch(() => undefined);
  });

  it('the apiserver refuses the federated backend for a service principal (CEL rule)', async () => {
    const refused = await createIdentity(env, 'sp-fed', {
      type: 1,
      clientID: clientIdOf('sp'),
      tenantID: 't',
      clientPassword: { name: 's' },
      backend: 'Federated',
    }).catch((e: unknown) => e);
    expect(String((refused as { body?: string }).body ?? refused)).toContain(
      'spec.backend Federated is only for user-assigned identities',
    );
  });

  it("creates the credential for the pod's ServiceAccount, records it, marks the assignment Assigned, and writes to no VM/VMSS", async () => {
    const vmssWrites = await writesTo(env, vmssId(VMSS));
    await bound('fed-a');
    await createPod(env, 'web', node(), 'fed-a', 'reader');
    await eventually('Assigned', async () => (await assignedOf('web'))[0]?.status === 'Assigned');
    expect(subjectsOf('fed-a')).toEqual([subject('reader')]);
    const name = federatedCredentialName(ISSUER, ns.name, 'reader');
    expect(credentials('fed-a')).toEqual([
      { name, issuer: ISSUER, subject: subject('reader'), audiences: AUD },
    ]);
    const [assigned] = await assignedOf('web');
    const object = await assignedObject(assigned?.name ?? '');
    expect(object.metadata.annotations).toEqual({ [IDENTITY_BACKEND_ANNOTATION]: 'Federated' });
    const ledger = await env.admin
      .makeApiClient(CoreV1Api)
      .readNamespacedConfigMap({ namespace: ns.name, name: 'pod-identity-mic-ledger-federated' });
    expect(Object.values(ledger.data ?? {})).toEqual([`${identityId('fed-a').toLowerCase()}\n${name}`]);
    expect(await writesTo(env, vmssId(VMSS))).toBe(vmssWrites);
    expect(identitiesOn(env, vmssId(VMSS))).not.toContain(identityId('fed-a').toLowerCase());
  });

  it('a second pod of the ServiceAccount needs no new credential; another ServiceAccount gets its own', async () => {
    await createPod(env, 'web-2', node(), 'fed-a', 'reader');
    await createPod(env, 'web-3', node(), 'fed-a', 'writer');
    await eventually(
      'both Assigned',
      async () =>
        (await assignedOf('web-2'))[0]?.status === 'Assigned' &&
        (await assignedOf('web-3'))[0]?.status === 'Assigned',
    );
    expect(subjectsOf('fed-a')).toEqual([subject('reader'), subject('writer')]);
  });

  it('once no pod needs them, deletes the credentials it created, and never one it did not create', async () => {
    await bound('fed-hand');
    await createPod(env, 'old-app', node(), 'fed-hand', 'legacy');
    await createPod(env, 'new-app', node(), 'fed-hand', 'late');
    await eventually(
      'Assigned',
      async () =>
        (await assignedOf('old-app'))[0]?.status === 'Assigned' &&
        (await assignedOf('new-app'))[0]?.status === 'Assigned',
    );
    expect(
      credentials('fed-hand')
        .map((c) => c.name)
        .sort(),
    ).toEqual([federatedCredentialName(ISSUER, ns.name, 'late'), 'made-by-hand'].sort());
    await deletePod(env, 'old-app');
    await deletePod(env, 'new-app');
    await eventually(
      'assignments gone',
      async () => (await assignedOf('old-app')).length + (await assignedOf('new-app')).length === 0,
    );
    await eventually("MIC's credential deleted", () => credentials('fed-hand').length === 1);
    expect(credentials('fed-hand').map((c) => c.name)).toEqual(['made-by-hand']);
  });

  it("respects Azure's 20 per identity: the 21st ServiceAccount waits with a clear status and a Warning Event", async () => {
    await bound('fed-full');
    await createPod(env, 'pa', node(), 'fed-full', 'a');
    await eventually('first Assigned', async () => (await assignedOf('pa'))[0]?.status === 'Assigned');
    await createPod(env, 'pb', node(), 'fed-full', 'b');
    await eventually(
      'limit reported',
      async () => (await assignedOf('pb'))[0]?.reason === 'FederatedCredentialLimit',
    );
    const [waiting] = await assignedOf('pb');
    expect(waiting).toMatchObject({
      status: 'Created',
      message: expect.stringContaining("has 20 federated identity credentials, Azure's limit is 20"),
    });
    expect(credentials('fed-full')).toHaveLength(20);
    await eventually(
      'Warning Event',
      async () => (await warningEvents('FederatedCredentialLimit')).length > 0,
    );
  });

  it('creates nothing for a pod of another namespace (non-namespaced binding) and says why', async () => {
    await env.core.createNamespacedPod({
      namespace: other,
      body: {
        metadata: { name: 'outsider', labels: { aadpodidbinding: 'fed-a' } },
        spec: {
          nodeName: node(),
          serviceAccountName: 'reader',
          containers: [{ name: 'app', image: 'example.invalid/app:1' }],
        },
      },
    });
    await eventually(
      'reason recorded',
      async () => (await assignedOf('outsider', other))[0]?.reason === 'FederatedSubjectOutsideNamespace',
    );
    expect((await assignedOf('outsider', other))[0]?.status).toBe('Created');
    expect(subjectsOf('fed-a')).not.toContain(subject('reader', other));
  });

  it('switching an identity from the VM backend to federation: Assigned throughout, then the identity leaves the VMSS', async () => {
    await bound('switch-id', { ...uaiSpec('switch-id'), backend: 'VM' });
    await createPod(env, 'switcher', node(), 'switch-id', 'switcher');
    await eventually(
      'on the VMSS and Assigned',
      async () =>
        (await assignedOf('switcher'))[0]?.status === 'Assigned' &&
        identitiesOn(env, vmssId(VMSS)).includes(identityId('switch-id').toLowerCase()),
    );
    const [before] = await assignedOf('switcher');
    const seen = new Set<string>();
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const obj = await assignedObject(before?.name ?? '').catch(() => undefined);
        seen.add(obj?.status?.status ?? 'missing');
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await env.custom.patchNamespacedCustomObject({
      group: GROUP,
      version: 'v1',
      namespace: ns.name,
      plural: 'azureidentities',
      name: 'switch-id',
      body: [{ op: 'replace', path: '/spec/backend', value: 'Federated' }],
    });
    await eventually(
      'federated',
      async () =>
        (await assignedObject(before?.name ?? '')).metadata.annotations?.[IDENTITY_BACKEND_ANNOTATION] ===
        'Federated',
    );
    await eventually(
      'identity removed from the VMSS',
      () => !identitiesOn(env, vmssId(VMSS)).includes(identityId('switch-id').toLowerCase()),
    );
    polling = false;
    await poll;
    expect([...seen]).toEqual(['Assigned']);
    expect(subjectsOf('switch-id')).toEqual([subject('switcher')]);
  });

  describe('after a restart with management off', () => {
    beforeAll(async () => {
      // A credential MIC created for a pod that goes away while MIC is down, object and all.
      await createPod(env, 'restart-app', node(), 'fed-a', 'writer');
      await eventually('Assigned', async () => (await assignedOf('restart-app'))[0]?.status === 'Assigned');
      await mic.stop();
      for (const pod of ['web', 'web-2', 'web-3', 'restart-app']) await deletePod(env, pod);
      const custom = env.admin.makeApiClient(CustomObjectsApi);
      for (const a of await listAssigned(env)) {
        if (a.identity !== 'fed-a') continue;
        const target = {
          group: GROUP,
          version: 'v1',
          namespace: ns.name,
          plural: 'azureassignedidentities',
          name: a.name,
        };
        await custom.patchNamespacedCustomObject({
          ...target,
          body: [{ op: 'remove', path: '/metadata/finalizers' }],
        });
        await custom.deleteNamespacedCustomObject(target);
      }
      await startMic([]);
    });

    it('still deletes what its ledger says it created (nothing else remembers it)', async () => {
      await eventually('credentials of fed-a deleted', () => credentials('fed-a').length === 0);
    });

    it('checks the credential exists and says what is missing, then turns Assigned once someone creates it', async () => {
      await bound('fed-off');
      await createPod(env, 'manual', node(), 'fed-off', 'reader');
      await eventually(
        'missing reported',
        async () => (await assignedOf('manual'))[0]?.reason === 'FederatedCredentialMissing',
      );
      const [waiting] = await assignedOf('manual');
      expect(waiting?.message).toContain(
        `az identity federated-credential create --subscription ${SUB} --resource-group identities --identity-name fed-off`,
      );
      expect(waiting?.message).toContain(`--issuer ${ISSUER} --subject ${subject('reader')}`);
      expect(credentials('fed-off')).toEqual([]);
      await env.emulator.control.seed({
        userAssignedIdentities: [
          {
            ...seedIdentity('fed-off'),
            federatedCredentials: [{ name: 'by-operator', issuer: ISSUER, subject: subject('reader') }],
          },
        ],
      });
      await eventually(
        'Assigned',
        async () => (await assignedOf('manual'))[0]?.status === 'Assigned',
        30_000,
      );
    });
  });
});
