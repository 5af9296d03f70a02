// The federated backend (docs/adr/0010) in the whole system: MIC and NMI from their bundles, NMI in a
// node network namespace with its iptables rules, pods behind veth pairs with unchanged clients (curl and
// @azure/identity's ManagedIdentityCredential with its default endpoint), real TokenRequests against the
// envtest API server and the emulator's Entra ID checking them against the API server's own keys.
// MIC and NMI run with their namespace rules off, so that Entra ID's own check is what is tested.
import { IDENTITY_BACKEND_ANNOTATION } from '@pod-identity/domain';
import { API_VERSION, GROUP, IDENTITY_TYPES, PLURALS, VERSION } from '@pod-identity/crd-types';
import type { KubernetesObject } from '@kubernetes/client-node';
import { PodIdentitySystem, type SimPod } from '../src/system';
import { APP_IDENTITY, IDENTITY_RG, identity, SUBSCRIPTION_ID, vmssResourceId } from '../src/world';
import {
  applyIdentity,
  eventually,
  labelled,
  networkOf,
  requireRoot,
  RESOURCE,
  type PodClientPoll,
  type PodClientToken,
} from './support';

const TEAM_A = 'team-a';
const TEAM_B = 'team-b';
const FED = identity(
  'fed-app',
  '22222222-3333-4444-8555-666666666666',
  'bbbbbbbb-cccc-4ddd-8eee-ffffffffffff',
);
const FED_SELECTOR = 'fed-app';

describe('whole system in network namespaces: the federated backend', () => {
  let system: PodIdentitySystem | undefined;
  let app: SimPod;

  const sys = (): PodIdentitySystem => {
    if (!system) throw new Error('system not started');
    return system;
  };

  const onVmss = (id: string): boolean => {
    const resource = sys().emulator.state.computeResource(vmssResourceId());
    return [...(resource?.identity.user.values() ?? [])].some((u) => u.id.toLowerCase() === id.toLowerCase());
  };

  /** curl on the node's own network (as a hostNetwork pod would), straight to the node's real IMDS. */
  async function hostNetworkToken(clientId: string): Promise<{ status: number; body: string }> {
    const net = networkOf(sys().nodes[0]);
    const url = `http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${encodeURIComponent(RESOURCE)}&client_id=${clientId}`;
    const { stdout } = await net.exec(
      net.namespace,
      ['curl', '-sS', '--max-time', '10', '-H', 'Metadata:true', '-w', '\\n%{http_code}', url],
      30_000,
    );
    const cut = stdout.lastIndexOf('\n');
    return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
  }

  async function vmssWrites(): Promise<number> {
    return (await sys().emulator.control.counters()).writes[vmssResourceId().toLowerCase()] ?? 0;
  }

  beforeAll(async () => {
    requireRoot();
    system = await PodIdentitySystem.start({
      mode: 'netns',
      nodeCount: 1,
      micReplicas: 1,
      micForceNamespaced: false,
      nmiFlags: ['--forceNamespaced=false'],
      federation: { manageCredentials: true },
    });
    await system.emulator.control.seed({
      userAssignedIdentities: [
        {
          subscription: SUBSCRIPTION_ID,
          resourceGroup: IDENTITY_RG,
          name: FED.name,
          clientId: FED.clientId,
          principalId: FED.principalId,
        },
      ],
    });
    await system.createNamespace(TEAM_A);
    await system.createNamespace(TEAM_B);
    for (const sa of ['app-sa', 'switch-sa', 'short-sa'])
      await system.cluster.createServiceAccount(TEAM_A, sa);
    const manifests: KubernetesObject[] = [
      {
        apiVersion: API_VERSION,
        kind: 'AzureIdentity',
        metadata: { name: FED.name },
        spec: {
          type: IDENTITY_TYPES.UserAssignedMSI,
          resourceID: FED.resourceId,
          clientID: FED.clientId,
          backend: 'Federated',
        },
      } as KubernetesObject,
      {
        apiVersion: API_VERSION,
        kind: 'AzureIdentityBinding',
        metadata: { name: `${FED.name}-binding` },
        spec: { azureIdentity: FED.name, selector: FED_SELECTOR },
      } as KubernetesObject,
    ];
    for (const m of manifests) await system.cluster.createCustom(TEAM_A, m);
    app = await system.createPod(
      TEAM_A,
      'fed-app',
      system.nodes[0],
      { aadpodidbinding: FED_SELECTOR },
      'app-sa',
    );
    await system.waitAssigned(app, 60_000);
  }, 240_000);

  afterAll(async () => {
    await system?.stop();
  }, 60_000);

  it('a pod gets its token with curl through federation, and nothing is written to the VM scale set', async () => {
    const writes = await vmssWrites();
    const entraBefore = (await sys().emulator.control.counters()).tokens[`entra:${FED.clientId}`] ?? 0;
    const res = await sys().requestToken(app, RESOURCE);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({
      client_id: FED.clientId,
      resource: RESOURCE,
      token_type: 'Bearer',
    });
    expect((await sys().emulator.control.counters()).tokens[`entra:${FED.clientId}`]).toBe(entraBefore + 1);
    expect(await vmssWrites()).toBe(writes);
    expect(onVmss(FED.resourceId)).toBe(false);
    const assigned = (await sys().cluster.assignedIdentities(TEAM_A)).find((a) => a.pod === 'fed-app');
    expect(assigned?.status).toBe('Assigned');
  });

  it('a pod gets its token with the unchanged ManagedIdentityCredential', async () => {
    const result = (await sys().runPodClient(
      app,
      ['token', 'https://storage.azure.com'],
      60_000,
    )) as PodClientToken;
    expect(result.ok).toBe(true);
    expect(result.claims).toMatchObject({ appid: FED.clientId, xms_mirid: FED.resourceId });
  });

  it("a process on the node's host network asking the real IMDS gets nothing for the federated identity", async () => {
    const res = await hostNetworkToken(FED.clientId);
    expect(res.status).toBe(400);
    expect(res.body).toContain('Identity not found');
  });

  it('a deleted pod gets no token, although its address still answers', async () => {
    const short = await sys().createPod(
      TEAM_A,
      'short-lived',
      sys().nodes[0],
      { aadpodidbinding: FED_SELECTOR },
      'short-sa',
    );
    await sys().waitAssigned(short, 60_000);
    expect((await sys().requestToken(short, 'https://short.example')).status).toBe(200);
    await sys().cluster.core.deleteNamespacedPod({
      namespace: TEAM_A,
      name: 'short-lived',
      gracePeriodSeconds: 0,
    });
    const after = await sys().requestToken(short, 'https://short-again.example');
    expect(after.status).toBe(503);
  });

  it('a pod of another namespace with the same label is refused by Entra ID itself, even with both namespace rules off', async () => {
    const intruder = await sys().createPod(TEAM_B, 'intruder', sys().nodes[0], {
      aadpodidbinding: FED_SELECTOR,
    });
    let recorded: { name: string } | undefined;
    await eventually(
      'MIC records it, without a credential for it',
      async () => {
        const list = (await sys().cluster.custom.listNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace: TEAM_B,
          plural: PLURALS.AzureAssignedIdentity,
        })) as {
          items: Array<{ metadata: { name: string }; status?: { reason?: string } }>;
        };
        recorded = list.items.find((i) => i.status?.reason === 'FederatedSubjectOutsideNamespace')?.metadata;
        return recorded !== undefined;
      },
      60_000,
    );
    // As if MIC were wrong (or someone forged the object): NMI is told the pod may use the identity.
    await sys().cluster.custom.patchNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: TEAM_B,
      plural: PLURALS.AzureAssignedIdentity,
      name: recorded?.name ?? '',
      body: [{ op: 'replace', path: '/status/status', value: 'Assigned' }],
    });
    await sys().waitAssigned(intruder, 30_000);
    const res = await sys().requestToken(intruder, RESOURCE);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error_description).toContain(
      `federated token of system:serviceaccount:${TEAM_B}:default (AADSTS700213)`,
    );
    const result = (await sys().runPodClient(intruder, ['token', RESOURCE], 20_000)) as PodClientToken;
    expect(result.ok).toBe(false);
    expect(result.error).toContain('AADSTS700213');
  });

  it('switching an identity from the VM backend to federation while a pod polls: no failed request; then MIC removes it from the VMSS', async () => {
    await applyIdentity(sys(), TEAM_A);
    const poller = await sys().createPod(TEAM_A, 'switcher', sys().nodes[0], labelled(), 'switch-sa');
    await sys().waitAssigned(poller, 60_000);
    expect(onVmss(APP_IDENTITY.resourceId)).toBe(true);
    // On the VM, every process of the node can use the identity (docs/security.md R1)...
    expect((await hostNetworkToken(APP_IDENTITY.clientId)).status).toBe(200);
    const polling = sys().runPodClient(poller, ['poll', RESOURCE, '20000'], 60_000) as Promise<PodClientPoll>;
    await new Promise((r) => setTimeout(r, 3000));
    await sys().cluster.custom.patchNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: TEAM_A,
      plural: PLURALS.AzureIdentity,
      name: APP_IDENTITY.name,
      body: [{ op: 'add', path: '/spec/backend', value: 'Federated' }],
    });
    await eventually(
      'the assignment is federated',
      async () => {
        const obj = (await sys().cluster.custom.listNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace: TEAM_A,
          plural: PLURALS.AzureAssignedIdentity,
        })) as {
          items: Array<{ spec: { pod: string }; metadata: { annotations?: Record<string, string> } }>;
        };
        return (
          obj.items.find((i) => i.spec.pod === 'switcher')?.metadata.annotations?.[
            IDENTITY_BACKEND_ANNOTATION
          ] === 'Federated'
        );
      },
      30_000,
    );
    await eventually(
      'MIC removed the identity from the VMSS',
      () => !onVmss(APP_IDENTITY.resourceId),
      30_000,
    );
    const { tally } = await polling;
    expect(Object.keys(tally)).toEqual(['200']);
    expect(tally['200']).toBeGreaterThan(50);
    // ...and once federated, nothing on the node's host network gets it any more (R1 closed).
    expect((await hostNetworkToken(APP_IDENTITY.clientId)).status).toBe(400);
    const after = (await sys().runPodClient(
      poller,
      ['token', 'https://after-switch.example'],
      60_000,
    )) as PodClientToken;
    expect(after.claims).toMatchObject({ appid: APP_IDENTITY.clientId, xms_mirid: APP_IDENTITY.resourceId });
  });
});
