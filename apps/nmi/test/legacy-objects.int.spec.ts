// Objects written before the original's v1.6 (PascalCase fields) and by clients of its Go types
// (clientPassword: {}), end to end through NMI in standard mode: envtest API server, the Azure
// emulator's IMDS of the node, pods calling from their own addresses.
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import {
  API_VERSION,
  GROUP,
  type Kind,
  PLURALS,
  VERSION,
  type AzureIdentity,
  type AzureIdentityBinding,
} from '@pod-identity/crd-types';
import { call, tokenPath } from './support/client';
import { type RunningNmi, startNmi, waitReady } from './support/nmi';
import { eventually, World } from './support/world';

const world = new World();
const ns = `nmi-legacy-${world.id}`;
let nmi: RunningNmi;

/** Creates an object exactly as given (no helper that would write camelCase fields). */
async function createRaw<T>(
  kc: KubeConfig,
  kind: Kind,
  name: string,
  spec: Record<string, unknown>,
): Promise<T> {
  return (await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: ns,
    plural: PLURALS[kind],
    body: { apiVersion: API_VERSION, kind, metadata: { name, namespace: ns }, spec },
  })) as T;
}

beforeAll(async () => {
  await world.open([ns]);
  nmi = await startNmi({
    kubeConfig: world.nmiKc,
    node: world.node,
    imdsPort: world.imdsPort,
    args: ['--pod-lookup-wait=5s', '--assignment-wait=2s'],
  });
  await waitReady(nmi);
});

afterAll(async () => {
  await nmi?.stop();
  await world.close();
});

async function tokenFor(ip: string): Promise<{ status: number; clientId?: string }> {
  const answer = await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip });
  return {
    status: answer.status,
    clientId:
      answer.status === 200 ? (JSON.parse(answer.body) as { client_id?: string }).client_id : undefined,
  };
}

it.each([
  ['without Type (legacy objects omit type 0)', 'legacy-untyped', {}],
  ['with Type: 0', 'legacy-typed', { Type: 0 }],
])('issues a token for a PascalCase identity and binding %s', async (_label, name, typeField) => {
  const uami = await world.createUami(name);
  const identity = await createRaw<AzureIdentity>(world.admin, 'AzureIdentity', name, {
    ...typeField,
    ResourceID: uami.resourceId,
    ClientID: uami.clientId,
  });
  const binding = await createRaw<AzureIdentityBinding>(
    world.admin,
    'AzureIdentityBinding',
    `${name}-binding`,
    { AzureIdentity: name, Selector: name },
  );
  // What the apiserver stored keeps the legacy spelling: nothing on the way normalised it.
  expect(identity.spec).toEqual({ ...typeField, ResourceID: uami.resourceId, ClientID: uami.clientId });
  const ip = await world.pod(ns, `${name}-pod`, { aadpodidbinding: name });
  await world.assign({ namespace: ns, name: `${name}-pod` }, identity, binding);
  await eventually('token served', async () => (await tokenFor(ip)).status === 200);
  expect(await tokenFor(ip)).toEqual({ status: 200, clientId: uami.clientId });
});

it('issues a token for an identity written by the original Go types (clientPassword: {}, spec.metadata)', async () => {
  const uami = await world.createUami('go-client');
  const identity = await createRaw<AzureIdentity>(world.admin, 'AzureIdentity', 'go-client', {
    metadata: { creationTimestamp: null },
    resourceID: uami.resourceId,
    clientID: uami.clientId,
    clientPassword: {},
  });
  const binding = await createRaw<AzureIdentityBinding>(
    world.admin,
    'AzureIdentityBinding',
    'go-client-binding',
    {
      metadata: { creationTimestamp: null },
      azureIdentity: 'go-client',
      selector: 'go-client',
      weight: 0,
    },
  );
  const ip = await world.pod(ns, 'go-client-pod', { aadpodidbinding: 'go-client' });
  await world.assign({ namespace: ns, name: 'go-client-pod' }, identity, binding);
  await eventually('token served', async () => (await tokenFor(ip)).status === 200);
  expect(await tokenFor(ip)).toEqual({ status: 200, clientId: uami.clientId });
});

it('lets a pod matched by a legacy PodLabels exception reach IMDS', async () => {
  // Exactly one user-assigned identity on the node is needed for IMDS to answer a request that names
  // none; the identities of the tests above are on it, so name one with client_id.
  const uami = await world.createUami('exception-target');
  await createRaw(world.admin, 'AzurePodIdentityException', 'legacy-exception', {
    PodLabels: { app: 'legacy-agent' },
  });
  const ip = await world.pod(ns, 'agent', { app: 'legacy-agent' });
  const path = tokenPath('https://vault.azure.net', `&client_id=${uami.clientId}`);
  await eventually(
    'exception applied',
    async () => (await call(nmi.port, path, { from: ip })).status === 200,
  );
  expect(JSON.parse((await call(nmi.port, path, { from: ip })).body).client_id).toBe(uami.clientId);
  // Without the exception the same pod has no identity: NMI answers itself and IMDS is not asked.
  const other = await world.pod(ns, 'not-excepted', { app: 'someone-else' });
  expect((await call(nmi.port, path, { from: other })).status).not.toBe(200);
});
