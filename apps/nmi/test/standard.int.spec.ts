// Standard mode end to end: envtest API server, NMI in-process as its own ServiceAccount, the Azure
// emulator's IMDS of the node (a scale set instance), pods with 127.x addresses calling from those addresses.
import http from 'node:http';
import { createDefaultHttpClient, type HttpClient } from '@azure/core-rest-pipeline';
import { ManagedIdentityCredential } from '@azure/identity';
import {
  createBinding,
  createException,
  createIdentity,
  createPod,
  deletePod,
  setAssignedStatus,
  setPodStatus,
} from './support/cluster';
import { call, tokenPath } from './support/client';
import { type RunningNmi, startNmi, waitReady } from './support/nmi';
import { eventually, World } from './support/world';

const world = new World();
const nsA = `nmi-a-${world.id}`;
const nsB = `nmi-b-${world.id}`;
let nmi: RunningNmi;

beforeAll(async () => {
  await world.open([nsA, nsB]);
  nmi = await startNmi({
    kubeConfig: world.nmiKc,
    node: world.node,
    imdsPort: world.imdsPort,
    args: ['--pod-lookup-wait=5s', '--assignment-wait=2s', '--retry-after=3s'],
  });
  await waitReady(nmi);
  process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = `http://127.0.0.1:${nmi.port}`;
});

afterAll(async () => {
  await nmi?.stop();
  await world.close();
  delete process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
});

/** A bound, assigned pod in nsA. */
async function boundPod(
  name: string,
  selector = name,
): Promise<{ ip: string; clientId: string; resourceId: string }> {
  const { identity, binding, uami } = await world.uami(nsA, `${name}-id`, selector);
  const ip = await world.pod(nsA, name, { aadpodidbinding: selector });
  await world.assign({ namespace: nsA, name }, identity, binding);
  await eventually(
    'token served',
    async () => (await call(nmi.port, tokenPath('https://probe.example'), { from: ip })).status === 200,
  );
  return { ip, clientId: uami.clientId, resourceId: uami.resourceId };
}

describe('a bound pod', () => {
  let pod: { ip: string; clientId: string; resourceId: string };
  beforeAll(async () => {
    pod = await boundPod('web');
  });

  it.each([
    ['curl form', '/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net'],
    [
      'trailing slash (msal)',
      '/metadata/identity/oauth2/token/?api-version=2018-02-01&resource=https%3A%2F%2Fvault.azure.net',
    ],
    ['upper-case Metadata', '/Metadata/identity/oauth2/token?resource=https://vault.azure.net'],
    ['double leading slash', '//metadata/identity/oauth2/token/?resource=https://vault.azure.net'],
  ])('gets an IMDS-shaped token (%s)', async (_name, path) => {
    const answer = await call(nmi.port, path, { from: pod.ip });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    expect(body.resource).toBe('https://vault.azure.net');
    for (const key of ['access_token', 'expires_in', 'expires_on', 'not_before', 'resource', 'token_type']) {
      expect(typeof body[key]).toBe('string');
    }
    expect(Number(body.expires_on)).toBeGreaterThan(Date.now() / 1000);
  });

  it('echoes the resource byte for byte (trailing slash kept)', async () => {
    const answer = await call(nmi.port, tokenPath('https://management.azure.com/'), { from: pod.ip });
    expect(JSON.parse(answer.body).resource).toBe('https://management.azure.com/');
  });

  it.each([
    ['client_id', (p: typeof pod) => `&client_id=${p.clientId.toUpperCase()}`],
    ['msi_res_id', (p: typeof pod) => `&msi_res_id=${encodeURIComponent(p.resourceId)}`],
    ['mi_res_id', (p: typeof pod) => `&mi_res_id=${encodeURIComponent(p.resourceId.toUpperCase())}`],
  ])('may name its identity by %s (ignoring case)', async (_name, extra) => {
    const answer = await call(nmi.port, tokenPath('https://storage.azure.com', extra(pod)), { from: pod.ip });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).client_id).toBe(pod.clientId);
  });

  it('may name its identity by object_id', async () => {
    const objectId = world.identities.get(pod.clientId)?.objectId ?? '';
    const ok = await call(nmi.port, tokenPath('https://objid.example', `&object_id=${objectId}`), {
      from: pod.ip,
    });
    expect(ok.status).toBe(200);
    const other = await call(
      nmi.port,
      tokenPath('https://objid.example', '&object_id=00000000-0000-0000-0000-000000000000'),
      { from: pod.ip },
    );
    expect(other.status).toBe(400);
  });

  it('gets 400 Identity not found for an identity it does not hold', async () => {
    const answer = await call(
      nmi.port,
      tokenPath('https://vault.azure.net', '&client_id=11111111-2222-3333-4444-555555555555'),
      { from: pod.ip },
    );
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_request' });
    expect(JSON.parse(answer.body).error_description).toContain('Identity not found');
  });

  it('gets tokens through the unchanged ManagedIdentityCredential', async () => {
    const agent = new http.Agent({ localAddress: pod.ip });
    const base = createDefaultHttpClient();
    // The pod's network: requests leave from the pod's address. The credential itself is unchanged.
    const httpClient: HttpClient = {
      sendRequest: (request) => base.sendRequest(Object.assign(request, { agent, timeout: 10_000 })),
    };
    const byClientId = new ManagedIdentityCredential({ clientId: pod.clientId, httpClient });
    const token = await byClientId.getToken('https://sdk-client.example/.default');
    expect(token?.token.split('.')).toHaveLength(3);
    expect(token?.expiresOnTimestamp).toBeGreaterThan(Date.now());
    const byResourceId = new ManagedIdentityCredential({ resourceId: pod.resourceId, httpClient });
    expect((await byResourceId.getToken('https://sdk-resource.example/.default'))?.token).toBeTruthy();
    const systemStyle = new ManagedIdentityCredential({ httpClient });
    expect((await systemStyle.getToken('https://sdk-default.example/.default'))?.token).toBeTruthy();
    agent.destroy();
  });

  it('is served from the cache: the second request does not reach IMDS', async () => {
    await call(nmi.port, tokenPath('https://cache.example'), { from: pod.ip });
    const before = await world.imdsTokenRequests();
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map(() => call(nmi.port, tokenPath('https://cache.example'), { from: pod.ip })),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(await world.imdsTokenRequests()).toBe(before);
  });

  it('coalesces concurrent misses into one IMDS call', async () => {
    const before = await world.imdsTokenRequests();
    const answers = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(() => call(nmi.port, tokenPath('https://coalesce.example'), { from: pod.ip })),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect((await world.imdsTokenRequests()) - before).toBe(1);
  });

  it('survives an IMDS outage with cached tokens', async () => {
    expect((await call(nmi.port, tokenPath('https://outage.example'), { from: pod.ip })).status).toBe(200);
    await world.imdsOutage(async () => {
      const cached = await call(nmi.port, tokenPath('https://outage.example'), { from: pod.ip });
      expect(cached.status).toBe(200);
      const uncached = await call(nmi.port, tokenPath('https://never-cached.example'), { from: pod.ip });
      expect(uncached.status).toBe(503);
      expect(uncached.headers['retry-after']).toBeDefined();
    });
  });
});

describe('refusals', () => {
  it('an unbound pod gets Identity not found', async () => {
    const ip = await world.pod(nsA, 'unbound');
    const answer = await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip });
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('Identity not found');
  });

  it('a pod in another namespace does not get an identity of nsA (namespaced by default)', async () => {
    const { identity, binding } = await world.uami(nsA, 'shared-id', 'shared');
    const ip = await world.pod(nsB, 'intruder', { aadpodidbinding: 'shared' });
    // As a non-namespaced MIC would have written it: pod in nsB, identity and binding in nsA.
    await world.assign({ namespace: nsB, name: 'intruder' }, identity, binding, 'Assigned', nsA);
    await eventually('NMI saw the assignment', async () => {
      const a = await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip });
      return a.status === 400 && a.body.includes('is permitted by its bindings and namespace');
    });
  });

  it('a pod whose label names a binding of another namespace gets nothing', async () => {
    const { identity, binding } = await world.uami(nsB, 'b-id', 'b-sel');
    const ip = await world.pod(nsA, 'labelled-elsewhere', { aadpodidbinding: 'b-sel' });
    await world.assign({ namespace: nsA, name: 'labelled-elsewhere' }, identity, binding, 'Assigned', nsB);
    await eventually('NMI saw the assignment', async () => {
      const a = await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip });
      return a.status === 400 && a.body.includes('is permitted by its bindings and namespace');
    });
  });

  it('answers a missing Metadata header with the exact IMDS error', async () => {
    const answer = await call(nmi.port, tokenPath('https://vault.azure.net'), {
      from: '127.0.0.1',
      headers: {},
    });
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.body).toBe(
      '{"error":"invalid_request","error_description":"Required metadata header not specified"}\n',
    );
    const wrongCase = await call(nmi.port, tokenPath('https://vault.azure.net'), {
      from: '127.0.0.1',
      headers: { Metadata: 'True' },
    });
    expect(wrongCase.status).toBe(400);
  });

  it('refuses X-Forwarded-For', async () => {
    const answer = await call(nmi.port, tokenPath('https://vault.azure.net'), {
      from: '127.0.0.1',
      headers: { Metadata: 'true', 'X-Forwarded-For': '10.0.0.1' },
    });
    expect(answer.status).toBe(400);
  });

  it.each([
    '/metadata/identity\\oauth2/token?resource=x',
    '/metadata/Identity/oauth2/token?resource=x',
    '/metadata/identity/oauth2/token/../token?resource=x',
    '/metadata/identity%2Foauth2/token?resource=x',
    '/metadata/identity/oauth2/%74oken?resource=x',
  ])('refuses the path trick %s without forwarding it', async (path) => {
    const before = await world.imdsRequests();
    const answer = await call(nmi.port, path, { from: '127.0.0.1' });
    expect(answer.status).toBe(400);
    expect(await world.imdsRequests()).toBe(before);
  });

  it('refuses oversized requests', async () => {
    const hugeHeader = await call(nmi.port, tokenPath('x'), {
      from: '127.0.0.1',
      headers: { Metadata: 'true', 'X-Big': 'a'.repeat(16 * 1024) },
    });
    expect(hugeHeader.status).toBe(431);
    const longQuery = await call(nmi.port, tokenPath('x', `&pad=${'a'.repeat(5000)}`), { from: '127.0.0.1' });
    expect(longQuery.status).toBe(400);
    const dup = await call(nmi.port, `${tokenPath('a')}&resource=b`, { from: '127.0.0.1' });
    expect(dup.status).toBe(400);
  });

  it('answers an unknown caller with a retryable 503 after the bounded lookup wait', async () => {
    const answer = await call(nmi.port, tokenPath('https://vault.azure.net'), { from: '127.0.9.9' });
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('2');
  });
});

describe('only the identities of this node', () => {
  it('refuses an identity held by another VM, and serves it once it is assigned to our scale set', async () => {
    const uami = await world.createUami('elsewhere-id', 'other-vm');
    const identity = await createIdentity(world.admin, nsA, 'elsewhere-id', {
      type: 0,
      clientID: uami.clientId,
      resourceID: uami.resourceId,
    });
    const binding = await createBinding(
      world.admin,
      nsA,
      'elsewhere-id-binding',
      'elsewhere-id',
      'elsewhere',
    );
    const ip = await world.pod(nsA, 'elsewhere', { aadpodidbinding: 'elsewhere' });
    await world.assign({ namespace: nsA, name: 'elsewhere' }, identity, binding);
    // NMI asks its own node's IMDS, which does not know the identity: the upstream refusal.
    await eventually(
      'IMDS refusal',
      async () => (await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip })).status === 403,
    );
    await world.assignToNode(uami);
    const answer = await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).client_id).toBe(uami.clientId);
  });
});

describe('assignment in progress', () => {
  it('answers 503 + Retry-After while Created, then the token once Assigned', async () => {
    const { identity, binding } = await world.uami(nsA, 'slow-id', 'slow');
    const ip = await world.pod(nsA, 'slow', { aadpodidbinding: 'slow' });
    const aai = await world.assign({ namespace: nsA, name: 'slow' }, identity, binding, 'Created');
    const pending = await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip });
    expect(pending.status).toBe(503);
    expect(pending.headers['retry-after']).toBe('3');
    // A request waiting when the status flips is answered as soon as NMI sees Assigned.
    const waiting = call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip });
    await setAssignedStatus(world.admin, nsA, aai, 'Assigned');
    const answer = await waiting;
    if (answer.status !== 200) {
      // The flip landed after that request's bounded wait; the next one must succeed.
      expect((await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip })).status).toBe(200);
    }
  });
});

describe('exceptions', () => {
  it("forwards an exception pod's request to IMDS unchanged (msi_res_id kept)", async () => {
    // Two user-assigned identities and no system one on the scale set: IMDS serves this one only when
    // msi_res_id reaches it (without it, IMDS answers "Multiple user assigned identities").
    const uami = (await world.uami(nsA, 'exc-id', 'exc-unused')).uami;
    await world.createUami('exc-other');
    await createException(world.admin, nsA, 'system-pods', { app: 'node-agent' });
    const ip = await world.pod(nsA, 'agent', { app: 'NODE-AGENT' });
    const path = tokenPath('https://vault.azure.net', `&msi_res_id=${encodeURIComponent(uami.resourceId)}`);
    await eventually(
      'exception applied',
      async () => (await call(nmi.port, path, { from: ip })).status === 200,
    );
    const answer = await call(nmi.port, path, { from: ip });
    expect(JSON.parse(answer.body).client_id).toBe(uami.clientId);
    const unnamed = await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip });
    expect(unnamed.status).toBe(400);
    expect(unnamed.body).toContain('Multiple user assigned identities');
  });

  it('does not apply an exception of another namespace', async () => {
    await createException(world.admin, nsB, 'other-ns', { app: 'lookalike' });
    const ip = await world.pod(nsA, 'lookalike', { app: 'lookalike' });
    const answer = await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip });
    expect(answer.status).toBe(400);
  });
});

describe('IP reuse', () => {
  it('refuses to guess between two live pods with one IP, and recovers when one ends', async () => {
    const { ip } = await boundPod('reuse-old');
    const { identity, binding } = await world.uami(nsA, 'reuse-new-id', 'reuse-new');
    await createPod(world.admin, {
      namespace: nsA,
      name: 'reuse-new',
      node: world.node,
      ip,
      labels: { aadpodidbinding: 'reuse-new' },
    });
    await world.assign({ namespace: nsA, name: 'reuse-new' }, identity, binding);
    await eventually(
      'ambiguity seen',
      async () => (await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip })).status === 503,
    );
    await setPodStatus(world.admin, nsA, 'reuse-old', ip, 'Succeeded');
    await eventually('old pod gone', async () => {
      const a = await call(nmi.port, tokenPath('https://reuse.example'), { from: ip });
      return a.status === 200 && JSON.parse(a.body).client_id === identity.spec.clientID;
    });
    await deletePod(world.admin, nsA, 'reuse-old');
  });
});

describe('instance metadata and the proxy', () => {
  it('blocks /metadata/instance by default', async () => {
    const answer = await call(nmi.port, '/metadata/instance?api-version=2021-10-01', { from: '127.0.0.1' });
    expect(answer.status).toBe(403);
  });

  it('forwards other paths to IMDS, with its status', async () => {
    const missing = await call(nmi.port, '/doesnotexist', { from: '127.0.0.1' });
    expect(missing.status).toBe(404);
    const noHeader = await call(nmi.port, '/doesnotexist', { from: '127.0.0.1', headers: {} });
    expect(noHeader.status).toBe(400);
  });
});

describe('operability', () => {
  it('serves metrics and readiness', async () => {
    const metrics = await call(nmi.metricsPort, '/metrics', { from: '127.0.0.1', headers: {} });
    expect(metrics.body).toContain('nmi_requests_total{route="token",status="200"}');
    expect(metrics.body).toContain('nmi_token_cache_requests_total{outcome="hit"}');
    expect(metrics.body).toContain('nmi_upstream_requests_total');
    const ready = await call(nmi.probePort, '/readyz', { from: '127.0.0.1', headers: {} });
    expect(ready.status).toBe(200);
  });

  it('writes an audit line per token and never logs a token or a full client id', async () => {
    const lines = nmi.logs.join('');
    expect(lines).toContain('"audit":"token-issued"');
    expect(lines).not.toMatch(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/);
    expect(lines).not.toMatch(/access_token"\s*:\s*"[^"[]/);
    for (const identity of world.identities.values()) expect(lines).not.toContain(identity.clientId);
    expect(lines).not.toMatch(/Bearer [A-Za-z0-9]/);
  });
});
