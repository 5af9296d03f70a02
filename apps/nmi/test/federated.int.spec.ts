// The federated backend (docs/adr/0010) end to end: NMI in-process as its own ServiceAccount under
// deploy/base/rbac/nmi-clusterrole.yaml, real TokenRequests against the envtest API server, and the Azure
// emulator's Entra ID checking the ServiceAccount tokens against the identity's federated credentials and
// the API server's own signing keys. The identities are on no VM: IMDS has nothing for them.
import http from 'node:http';
import { createDefaultHttpClient, type HttpClient } from '@azure/core-rest-pipeline';
import { ManagedIdentityCredential } from '@azure/identity';
import { IDENTITY_BACKEND_ANNOTATION, serviceAccountSubject } from '@pod-identity/domain';
import { KubeHttp } from '@pod-identity/kube';
import { trustServiceAccountIssuer } from '@pod-identity/envtest';
import { kubeServiceAccountTokenMinter } from '../src/kube/adapters';
import { createBinding, createIdentity, createPod, createServiceAccount, deletePod } from './support/cluster';
import { call, tokenPath } from './support/client';
import { type RunningNmi, startNmi, waitReady } from './support/nmi';
import { eventually, nextPodIp, World } from './support/world';

const world = new World();
const nsA = `fed-a-${world.id}`;
const nsB = `fed-b-${world.id}`;
const FEDERATED = { [IDENTITY_BACKEND_ANNOTATION]: 'Federated' };
let issuer: string;
let nmi: RunningNmi;

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

async function entraTokens(clientId: string): Promise<number> {
  return (await world.emulator.control.counters()).tokens[`entra:${clientId}`] ?? 0;
}

function federationArgs(): string[] {
  return [
    `--default-ad-endpoint=${world.authorityHost}`,
    `--federated-tenant-id=${world.tenant}`,
    '--pod-lookup-wait=5s',
    '--assignment-wait=1s',
  ];
}

beforeAll(async () => {
  await world.open([nsA, nsB]);
  issuer = await trustServiceAccountIssuer(world.admin, world.emulator.control);
  for (const ns of [nsA, nsB]) await createServiceAccount(world.admin, ns, 'reader');
  nmi = await startNmi({
    kubeConfig: world.nmiKc,
    node: world.node,
    imdsPort: world.imdsPort,
    authorityCaPem: world.emulator.ca.pem,
    args: federationArgs(),
  });
  await waitReady(nmi);
  process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = `http://127.0.0.1:${nmi.port}`;
});

afterAll(async () => {
  await nmi?.stop();
  await world.close();
  delete process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
});

describe('a pod bound to a federated identity', () => {
  let ip: string;
  let clientId: string;
  let resourceId: string;

  beforeAll(async () => {
    const { identity, binding, uami } = await world.federatedUami(nsA, 'fed-reader', 'fed-reader', {
      issuer,
      subjects: [serviceAccountSubject(nsA, 'reader')],
    });
    ({ clientId, resourceId } = uami);
    ip = await world.pod(nsA, 'app', { aadpodidbinding: 'fed-reader' }, world.node, 'reader');
    await world.assign({ namespace: nsA, name: 'app' }, identity, binding, 'Assigned', nsA, FEDERATED);
  });

  it('gets an IMDS-shaped token of the identity through federation, and NMI never asks IMDS', async () => {
    const imdsBefore = await world.imdsRequests();
    const entraBefore = await entraTokens(clientId);
    const answer = await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip });
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body) as Record<string, string>;
    expect(body).toMatchObject({
      resource: 'https://vault.azure.net',
      token_type: 'Bearer',
      client_id: clientId,
    });
    for (const key of ['access_token', 'expires_in', 'expires_on', 'ext_expires_in', 'not_before'])
      expect(typeof body[key]).toBe('string');
    expect(claims(body.access_token)).toMatchObject({
      appid: clientId,
      aud: expect.stringMatching(/^https:\/\/vault\.azure\.net\/?$/),
      xms_mirid: expect.stringMatching(/userAssignedIdentities\/fed-reader$/),
    });
    expect(await entraTokens(clientId)).toBe(entraBefore + 1);
    expect(await world.imdsRequests()).toBe(imdsBefore);
  });

  it('serves the unchanged ManagedIdentityCredential, by client id, resource id and with no id', async () => {
    const agent = new http.Agent({ localAddress: ip });
    const base = createDefaultHttpClient();
    const httpClient: HttpClient = {
      sendRequest: (request) => base.sendRequest(Object.assign(request, { agent, timeout: 10_000 })),
    };
    for (const credential of [
      new ManagedIdentityCredential({ clientId, httpClient }),
      new ManagedIdentityCredential({ resourceId, httpClient }),
      new ManagedIdentityCredential({ httpClient }),
    ]) {
      const token = await credential.getToken(
        `https://sdk-${Math.random().toString(36).slice(2)}.example/.default`,
      );
      expect(claims(token.token).appid).toBe(clientId);
    }
    agent.destroy();
  });

  it('caches per ServiceAccount: a second pod of the same ServiceAccount costs no exchange, another ServiceAccount is refused by Entra', async () => {
    const sibling = await world.pod(nsA, 'app-2', { aadpodidbinding: 'fed-reader' }, world.node, 'reader');
    const stranger = await world.pod(nsA, 'app-3', { aadpodidbinding: 'fed-reader' }, world.node);
    const { identity, binding } = await world.federatedUami(nsA, 'fed-cache', 'fed-reader', {
      issuer,
      subjects: [serviceAccountSubject(nsA, 'reader')],
    });
    await world.assign({ namespace: nsA, name: 'app-2' }, identity, binding, 'Assigned', nsA, FEDERATED);
    await world.assign({ namespace: nsA, name: 'app-3' }, identity, binding, 'Assigned', nsA, FEDERATED);
    await world.assign({ namespace: nsA, name: 'app' }, identity, binding, 'Assigned', nsA, FEDERATED);
    const id = identity.spec.clientID as string;
    const path = tokenPath('https://cache.example', `&client_id=${id}`);
    let last = '';
    await eventually('first token', async () => {
      const a = await call(nmi.port, path, { from: ip });
      last = `${a.status} ${a.body}`;
      return a.status === 200;
    }).catch((e: unknown) => {
      throw new Error(`${String(e)}: ${last}`);
    });
    const after = await entraTokens(id);
    const second = await call(nmi.port, path, { from: sibling });
    expect(second.status).toBe(200);
    expect(await entraTokens(id)).toBe(after);
    // Same identity, same binding, but the pod runs as "default": Entra has no credential for that subject.
    const refused = await call(nmi.port, path, { from: stranger });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).error_description).toContain(
      `${serviceAccountSubject(nsA, 'default')} (AADSTS700213)`,
    );
  });

  it("the node's IMDS, asked directly as a host-network process would, has nothing for the identity", async () => {
    const direct = await fetch(
      `${world.imdsUrl}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net&client_id=${clientId}`,
      {
        headers: { Metadata: 'true' },
      },
    );
    expect(direct.status).toBe(400);
    expect(await direct.text()).toContain('Identity not found');
  });
});

describe('tokens are bound to the calling pod', () => {
  it("the API server mints no token for a deleted pod, nor for an old uid of a re-created one (NMI's own credentials)", async () => {
    const mint = kubeServiceAccountTokenMinter(new KubeHttp(world.nmiKc, { timeoutMs: 10_000 }));
    const created = await createPod(world.admin, {
      namespace: nsA,
      name: 'short-lived',
      node: world.node,
      ip: nextPodIp(),
      serviceAccount: 'reader',
    });
    const request = {
      namespace: nsA,
      serviceAccount: 'reader',
      podName: 'short-lived',
      podUid: created.metadata?.uid ?? '',
      audience: 'api://AzureADTokenExchange',
      expirationSeconds: 600,
      timeoutMs: 10_000,
    };
    const token = await mint(request);
    expect(claims(token)).toMatchObject({
      iss: issuer,
      sub: serviceAccountSubject(nsA, 'reader'),
      aud: ['api://AzureADTokenExchange'],
    });
    expect((claims(token).exp as number) - (claims(token).iat as number)).toBe(600);
    expect(claims(token)['kubernetes.io']).toMatchObject({
      pod: { name: 'short-lived', uid: request.podUid },
    });
    await deletePod(world.admin, nsA, 'short-lived');
    await eventually(
      'pod gone',
      async () =>
        (await mint(request).then(
          () => 'ok',
          (e: unknown) => e,
        )) !== 'ok',
    );
    await expect(mint(request)).rejects.toMatchObject({ statusCode: 404 });
    await createPod(world.admin, {
      namespace: nsA,
      name: 'short-lived',
      node: world.node,
      ip: nextPodIp(),
      serviceAccount: 'reader',
    });
    await expect(mint(request)).rejects.toMatchObject({
      statusCode: 409,
      message: expect.stringContaining('does not match the UID in record'),
    });
    await deletePod(world.admin, nsA, 'short-lived');
  });

  it("a deleted pod's address gets no token from NMI", async () => {
    const { identity, binding } = await world.federatedUami(nsA, 'fed-gone', 'fed-gone', {
      issuer,
      subjects: [serviceAccountSubject(nsA, 'reader')],
    });
    const ip = await world.pod(nsA, 'gone', { aadpodidbinding: 'fed-gone' }, world.node, 'reader');
    await world.assign({ namespace: nsA, name: 'gone' }, identity, binding, 'Assigned', nsA, FEDERATED);
    await eventually(
      'token served',
      async () => (await call(nmi.port, tokenPath('https://gone.example'), { from: ip })).status === 200,
    );
    await deletePod(world.admin, nsA, 'gone');
    await eventually(
      'refused once the pod is gone',
      async () => (await call(nmi.port, tokenPath('https://gone-2.example'), { from: ip })).status === 503,
    );
  });
});

describe('a pod of another namespace with the same label (defence in depth)', () => {
  let loose: RunningNmi;
  let ipB: string;

  beforeAll(async () => {
    const { identity, binding } = await world.federatedUami(nsA, 'fed-team', 'team', {
      issuer,
      subjects: [serviceAccountSubject(nsA, 'reader')],
    });
    ipB = await world.pod(nsB, 'intruder', { aadpodidbinding: 'team' }, world.node, 'reader');
    // As a non-namespaced MIC (or a forged object) would record it: the grant exists and says Assigned.
    await world.assign({ namespace: nsB, name: 'intruder' }, identity, binding, 'Assigned', nsB, FEDERATED);
    loose = await startNmi({
      kubeConfig: world.nmiKc,
      node: world.node,
      imdsPort: world.imdsPort,
      authorityCaPem: world.emulator.ca.pem,
      args: [...federationArgs(), '--forceNamespaced=false'],
    });
    await waitReady(loose);
  });

  afterAll(async () => {
    await loose?.stop();
  });

  it("is refused by NMI's namespaced rule (default), before any exchange", async () => {
    const answer = await call(nmi.port, tokenPath('https://intruder.example'), { from: ipB });
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('Identity not found');
  });

  it("with the namespaced rule off, NMI presents the pod's own ServiceAccount and Entra ID itself refuses it", async () => {
    const answer = await call(loose.port, tokenPath('https://intruder.example'), { from: ipB });
    expect(answer.status).toBe(403);
    const description = JSON.parse(answer.body).error_description as string;
    expect(description).toContain(
      `federated token of ${serviceAccountSubject(nsB, 'reader')} (AADSTS700213)`,
    );
  });
});

describe('managed mode with --default-identity-backend=Federated', () => {
  let managed: RunningNmi;

  beforeAll(async () => {
    managed = await startNmi({
      kubeConfig: world.nmiKc,
      node: world.node,
      imdsPort: world.imdsPort,
      authorityCaPem: world.emulator.ca.pem,
      args: [...federationArgs(), '--operation-mode=managed', '--default-identity-backend=Federated'],
    });
    await waitReady(managed);
  });

  afterAll(async () => {
    await managed?.stop();
  });

  it('an identity without spec.backend is federated; one that says VM asks IMDS', async () => {
    const fed = await world.federatedUami(
      nsA,
      'fed-default',
      'fed-default',
      { issuer, subjects: [serviceAccountSubject(nsA, 'reader')] },
      { backend: undefined, tenantID: world.tenant },
    );
    const ip = await world.pod(nsA, 'by-default', { aadpodidbinding: 'fed-default' }, world.node, 'reader');
    await eventually(
      'federated token',
      async () =>
        (await call(managed.port, tokenPath('https://default.example'), { from: ip })).status === 200,
    );
    const imdsBefore = await world.imdsTokenRequests();
    const token = JSON.parse(
      (await call(managed.port, tokenPath('https://default-2.example'), { from: ip })).body,
    ) as { access_token: string };
    expect(claims(token.access_token).appid).toBe(fed.uami.clientId);
    expect(await world.imdsTokenRequests()).toBe(imdsBefore);

    const vm = await world.createUami('vm-explicit', 'node');
    await createIdentity(world.admin, nsA, 'vm-explicit', {
      type: 0,
      clientID: vm.clientId,
      resourceID: vm.resourceId,
      backend: 'VM',
    });
    await createBinding(world.admin, nsA, 'vm-explicit-binding', 'vm-explicit', 'vm-explicit');
    const ipVm = await world.pod(nsA, 'on-vm', { aadpodidbinding: 'vm-explicit' }, world.node, 'reader');
    await eventually(
      'IMDS token',
      async () => (await call(managed.port, tokenPath('https://vm.example'), { from: ipVm })).status === 200,
    );
    expect(await world.imdsTokenRequests()).toBeGreaterThan(imdsBefore);
  });
});
