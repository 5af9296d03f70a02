// Managed mode (no MIC, no AzureAssignedIdentity), the /host/token endpoint with TokenReview, and
// instance metadata forwarded when blocking is switched off.
import { CoreV1Api } from '@kubernetes/client-node';
import { requestServiceAccountToken } from '@pod-identity/envtest';
import { createBinding, createIdentity } from './support/cluster';
import { call, tokenPath } from './support/client';
import { type RunningNmi, startNmi, waitReady } from './support/nmi';
import { eventually, uamiFor, World } from './support/world';

const world = new World();
const nsA = `nmi-m-${world.id}`;
const nsB = `nmi-n-${world.id}`;
let nmi: RunningNmi;

beforeAll(async () => {
  await world.open([nsA, nsB]);
  await world.admin
    .makeApiClient(CoreV1Api)
    .createNamespacedServiceAccount({ namespace: world.system, body: { metadata: { name: 'csi-driver' } } });
  nmi = await startNmi({
    kubeConfig: world.nmiKc,
    node: world.node,
    imdsPort: world.imdsPort,
    args: [
      '--operation-mode=managed',
      '--pod-lookup-wait=5s',
      '--block-instance-metadata=false',
      '--host-token-mode=tokenreview',
      `--host-token-allowed-service-accounts=${world.system}/csi-driver`,
    ],
  });
  await waitReady(nmi);
});

afterAll(async () => {
  await nmi?.stop();
  await world.close();
});

describe('managed mode', () => {
  it('serves a pod from the bindings and identities of its namespace', async () => {
    const { uami } = await world.uami(nsA, 'm-id', 'm-sel');
    const ip = await world.pod(nsA, 'm-pod', { aadpodidbinding: 'm-sel' });
    await eventually(
      'token',
      async () => (await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip })).status === 200,
    );
    const answer = await call(nmi.port, tokenPath('https://vault.azure.net', `&client_id=${uami.clientId}`), {
      from: ip,
    });
    expect(JSON.parse(answer.body).client_id).toBe(uami.clientId);
  });

  it('never uses a binding of another namespace', async () => {
    await world.uami(nsB, 'other-id', 'shared-sel');
    const ip = await world.pod(nsA, 'looking-elsewhere', { aadpodidbinding: 'shared-sel' });
    await eventually(
      'pod known',
      async () => (await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip })).status === 400,
    );
  });

  it('answers pending? never: an identity missing from the VM is the IMDS error, not a wait', async () => {
    const uami = uamiFor('not-on-vm');
    await createIdentity(world.admin, nsA, 'not-on-vm', {
      type: 0,
      clientID: uami.clientId,
      resourceID: uami.resourceId,
    });
    await createBinding(world.admin, nsA, 'not-on-vm-binding', 'not-on-vm', 'nov');
    const ip = await world.pod(nsA, 'nov-pod', { aadpodidbinding: 'nov' });
    await eventually(
      'upstream refusal',
      async () => (await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip })).status === 403,
    );
  });
});

describe('/host/token', () => {
  it('requires an allowed ServiceAccount token, then serves the named pod', async () => {
    const { uami } = await world.uami(nsA, 'h-id', 'h-sel');
    await world.pod(nsA, 'h-pod', { aadpodidbinding: 'h-sel' });
    const headers = { podns: nsA, podname: 'h-pod' };
    const anonymous = await call(nmi.port, '/host/token/?resource=https://vault.azure.net', {
      from: '127.0.0.1',
      headers,
    });
    expect(anonymous.status).toBe(401);
    const wrongAudience = await requestServiceAccountToken(world.admin, world.system, 'csi-driver', {
      audiences: ['someone-else'],
    });
    const refused = await call(nmi.port, '/host/token/?resource=https://vault.azure.net', {
      from: '127.0.0.1',
      headers: { ...headers, Authorization: `Bearer ${wrongAudience}` },
    });
    expect(refused.status).toBe(401);
    const notAllowed = await requestServiceAccountToken(world.admin, world.system, 'pod-identity-nmi', {
      audiences: ['pod-identity-nmi'],
    });
    expect(
      (
        await call(nmi.port, '/host/token/?resource=x', {
          from: '127.0.0.1',
          headers: { ...headers, Authorization: `Bearer ${notAllowed}` },
        })
      ).status,
    ).toBe(403);
    const token = await requestServiceAccountToken(world.admin, world.system, 'csi-driver', {
      audiences: ['pod-identity-nmi'],
    });
    const fromPodAddress = await call(nmi.port, '/host/token/?resource=x', {
      from: '127.0.5.5',
      headers: { ...headers, Authorization: `Bearer ${token}` },
    });
    expect(fromPodAddress.status).toBe(403);
    const answer = await call(nmi.port, '/host/token/?resource=https://vault.azure.net', {
      from: '127.0.0.1',
      headers: { ...headers, Authorization: `Bearer ${token}` },
    });
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body) as {
      token: { access_token: string; resource: string };
      clientid: string;
    };
    expect(body.clientid).toBe(uami.clientId);
    expect(body.token.resource).toBe('https://vault.azure.net');
    const missing = await call(nmi.port, '/host/token/?resource=x', {
      from: '127.0.0.1',
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(missing.status).toBe(400);
  });
});

describe('instance metadata when not blocked', () => {
  it('is forwarded to IMDS', async () => {
    const answer = await call(nmi.port, '/metadata/instance?api-version=2021-10-01', { from: '127.0.0.1' });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).compute.name).toBe(`${world.scaleSet}_0`);
  });
});
