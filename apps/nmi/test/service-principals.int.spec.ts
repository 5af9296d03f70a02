// Types 1 and 2 end to end: the service principal's credential comes from a Secret, the token from the
// Azure emulator's Entra ID over https (its own CA, given to NMI as --authority-ca-file would), through
// the real @azure/identity credentials inside NMI.
import { generateClientCertificate } from '@pod-identity/azure-emulator';
import type { AzureIdentity } from '@pod-identity/crd-types';
import { createBinding, createIdentity, createSecret } from './support/cluster';
import { call, tokenPath } from './support/client';
import { type RunningNmi, startNmi, waitReady } from './support/nmi';
import { toPfx } from './support/pfx';
import { eventually, TENANT_ALIAS, World } from './support/world';

const world = new World();
const ns = `nmi-sp-${world.id}`;
let nmi: RunningNmi;

beforeAll(async () => {
  await world.open([ns]);
  nmi = await startNmi({
    kubeConfig: world.nmiKc,
    node: world.node,
    imdsPort: world.imdsPort,
    authorityCaPem: world.emulator.ca.pem,
    args: ['--pod-lookup-wait=5s', `--default-ad-endpoint=${world.authorityHost}`],
  });
  await waitReady(nmi);
});

afterAll(async () => {
  await nmi?.stop();
  await world.close();
});

function claims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

/** An identity of `spec`, bound and assigned to a new running pod; returns the pod's IP. */
async function podWith(name: string, spec: AzureIdentity['spec']): Promise<string> {
  const identity = await createIdentity(world.admin, ns, name, spec);
  const binding = await createBinding(world.admin, ns, `${name}-binding`, name, name);
  const ip = await world.pod(ns, name, { aadpodidbinding: name });
  await world.assign({ namespace: ns, name }, identity, binding);
  return ip;
}

async function entraTokens(clientId: string): Promise<number> {
  return (await world.emulator.control.counters()).tokens[`entra:${clientId.toLowerCase()}`] ?? 0;
}

describe('type 1: client secret', () => {
  let clientId: string;
  let ip: string;
  beforeAll(async () => {
    clientId = await world.servicePrincipal({ secret: 'type-1-secret-value' });
    await createSecret(world.admin, ns, 'sp-one', { clientSecret: Buffer.from('type-1-secret-value') });
    ip = await podWith('sp-one', {
      type: 1,
      tenantID: world.tenant,
      clientID: clientId,
      clientPassword: { name: 'sp-one', namespace: ns },
      adEndpoint: world.authorityHost,
    });
  });

  it('gets an IMDS-shaped token from Entra ID', async () => {
    await eventually(
      'token',
      async () => (await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip })).status === 200,
    );
    const answer = await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip });
    const body = JSON.parse(answer.body) as Record<string, string>;
    expect(body).toMatchObject({
      client_id: clientId,
      resource: 'https://vault.azure.net',
      token_type: 'Bearer',
    });
    for (const key of ['access_token', 'expires_in', 'expires_on', 'not_before'])
      expect(typeof body[key]).toBe('string');
    const tokenClaims = claims(body.access_token);
    expect(tokenClaims).toMatchObject({ appid: clientId, tid: world.tenant });
    expect(tokenClaims.aud).toMatch(/^https:\/\/vault\.azure\.net\/?$/);
  });

  it('serves the second request from the cache (no second Entra call)', async () => {
    expect((await call(nmi.port, tokenPath('https://storage.azure.com'), { from: ip })).status).toBe(200);
    const before = await entraTokens(clientId);
    expect((await call(nmi.port, tokenPath('https://storage.azure.com'), { from: ip })).status).toBe(200);
    expect(await entraTokens(clientId)).toBe(before);
  });

  it('answers a refused secret with 403 and a missing Secret with 503 + Retry-After', async () => {
    await createSecret(world.admin, ns, 'sp-wrong', { clientSecret: Buffer.from('not-the-secret') });
    const wrong = await podWith('sp-wrong', {
      type: 1,
      tenantID: world.tenant,
      clientID: clientId,
      clientPassword: { name: 'sp-wrong', namespace: ns },
    });
    await eventually(
      'refusal',
      async () =>
        (await call(nmi.port, tokenPath('https://vault.azure.net'), { from: wrong })).status === 403,
    );
    const missing = await podWith('sp-missing', {
      type: 1,
      tenantID: world.tenant,
      clientID: clientId,
      clientPassword: { name: 'no-such-secret', namespace: ns },
    });
    await eventually(
      'missing secret',
      async () =>
        (await call(nmi.port, tokenPath('https://vault.azure.net'), { from: missing })).status === 503,
    );
    const answer = await call(nmi.port, tokenPath('https://vault.azure.net'), { from: missing });
    expect(answer.headers['retry-after']).toBe('5');
  });
});

describe('type 1 with auxiliary tenants', () => {
  it('answers with the JSON array form, primary tenant first', async () => {
    const clientId = await world.servicePrincipal({ secret: 'aux-secret' });
    await createSecret(world.admin, ns, 'sp-aux', { clientSecret: Buffer.from('aux-secret') });
    const ip = await podWith('sp-aux', {
      type: 1,
      tenantID: world.tenant,
      auxiliaryTenantIDs: [TENANT_ALIAS],
      clientID: clientId,
      clientPassword: { name: 'sp-aux', namespace: ns },
      adEndpoint: world.authorityHost,
    });
    await eventually(
      'tokens',
      async () =>
        (await call(nmi.port, tokenPath('https://management.azure.com/'), { from: ip })).status === 200,
    );
    const answer = await call(nmi.port, tokenPath('https://management.azure.com/'), { from: ip });
    const body = JSON.parse(answer.body) as Record<string, string>[];
    expect(Array.isArray(body)).toBe(true);
    expect(body).toHaveLength(2);
    for (const token of body) {
      expect(token).toMatchObject({
        client_id: clientId,
        resource: 'https://management.azure.com/',
        token_type: 'Bearer',
      });
      expect(claims(token.access_token).appid).toBe(clientId);
    }
    // One token request per tenant, at each tenant's own endpoint.
    const paths = (await world.emulator.control.requests(1000))
      .filter((r) => r.service === 'entra' && r.operation === 'token')
      .map((r) => r.path);
    expect(paths).toContain(`/${world.tenant}/oauth2/v2.0/token`);
    expect(paths).toContain(`/${TENANT_ALIAS}/oauth2/v2.0/token`);
  });
});

describe('type 2: PFX certificate and password', () => {
  it('gets a token with the certificate from the Secret, at the default authority', async () => {
    const cert = generateClientCertificate('nmi-type-2');
    const clientId = await world.servicePrincipal({ certificatePem: cert.certPem });
    await createSecret(world.admin, ns, 'sp-two', {
      certificate: toPfx(cert.keyPem, cert.certPem, 'pfx-pass'),
      password: Buffer.from('pfx-pass'),
    });
    const ip = await podWith('sp-two', {
      type: 2,
      tenantID: world.tenant,
      clientID: clientId,
      clientPassword: { name: 'sp-two', namespace: ns },
    });
    await eventually(
      'token',
      async () => (await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip })).status === 200,
    );
    const answer = await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip });
    const body = JSON.parse(answer.body) as Record<string, string>;
    expect(body.client_id).toBe(clientId);
    expect(claims(body.access_token)).toMatchObject({ appid: clientId, tid: world.tenant });
  });

  it('answers 503 + Retry-After when the password does not open the PFX', async () => {
    const cert = generateClientCertificate('nmi-type-2-bad');
    const clientId = await world.servicePrincipal({ certificatePem: cert.certPem });
    await createSecret(world.admin, ns, 'sp-two-bad', {
      certificate: toPfx(cert.keyPem, cert.certPem, 'right'),
      password: Buffer.from('wrong'),
    });
    const ip = await podWith('sp-two-bad', {
      type: 2,
      tenantID: world.tenant,
      clientID: clientId,
      clientPassword: { name: 'sp-two-bad', namespace: ns },
    });
    await eventually(
      'refusal',
      async () => (await call(nmi.port, tokenPath('https://vault.azure.net'), { from: ip })).status === 503,
    );
  });
});

describe('logs', () => {
  it('never contain a secret, a token or a full client id', () => {
    const lines = nmi.logs.join('');
    expect(lines).toContain('"audit":"token-issued"');
    for (const secret of ['type-1-secret-value', 'aux-secret', 'pfx-pass', 'not-the-secret'])
      expect(lines).not.toContain(secret);
    expect(lines).not.toMatch(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/);
    expect(lines).not.toContain('BEGIN');
  });
});
