// Entra ID with the real credentials: secret, certificate, federated assertion; AADSTS errors.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
} from '@azure/identity';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { type AzureEmulator, generateClientCertificate, startAzureEmulator } from '../src';
import { clearAzureEnv, decodeClaims, ids, MIC, TENANT, testWorld } from './world';

const ARM_SCOPE = 'https://management.azure.com/.default';
const ISSUER = 'https://oidc.cluster.test/issuer';
const SUBJECT = 'system:serviceaccount:demo:workload';
const CERT_APP = '70000000-0000-4000-8000-000000000007';
const FED_APP = '80000000-0000-4000-8000-000000000008';

let emulator: AzureEmulator;
let certPath: string;
let issuerKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let options: { authorityHost: string; disableInstanceDiscovery: true; tlsOptions: { ca: string } };

beforeAll(async () => {
  clearAzureEnv();
  const cert = generateClientCertificate('cert-app');
  const keys = await generateKeyPair('RS256', { extractable: true });
  issuerKey = keys.privateKey;
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'issuer-key-1', alg: 'RS256', use: 'sig' };
  const fic = { name: 'workload', issuer: ISSUER, subject: SUBJECT };
  emulator = await startAzureEmulator({
    seed: testWorld({
      servicePrincipals: [
        { clientId: CERT_APP, certificatePem: cert.certPem },
        { clientId: FED_APP, federatedCredentials: [fic] },
      ],
      userAssignedIdentities: [
        {
          subscription: '5e4d3c2b-0000-4000-8000-00000000000b',
          resourceGroup: 'identities',
          name: 'federated-mi',
          clientId: '90000000-0000-4000-8000-000000000009',
          federatedCredentials: [fic],
        },
      ],
      oidcIssuers: [{ issuer: ISSUER, jwks: { keys: [jwk] } }],
    }),
  });
  certPath = join(emulator.stateDir, 'client-cert.pem');
  writeFileSync(certPath, cert.combinedPem);
  // In-process clients trust the emulator CA per client; NODE_EXTRA_CA_CERTS would need a new process.
  options = {
    authorityHost: emulator.urls.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: emulator.ca.pem },
  };
});

afterAll(async () => {
  await emulator?.stop();
});

function federatedToken(subject = SUBJECT, expiresIn = '10m'): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid: 'issuer-key-1' })
    .setIssuer(ISSUER)
    .setSubject(subject)
    .setAudience('api://AzureADTokenExchange')
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(issuerKey);
}

describe('Entra ID token endpoint', () => {
  it('issues an app token for a client secret', async () => {
    const token = await new ClientSecretCredential(TENANT, MIC.clientId, MIC.secret, options).getToken(
      ARM_SCOPE,
    );
    const claims = decodeClaims(token.token);
    expect(claims).toMatchObject({
      aud: 'https://management.azure.com/',
      iss: `https://sts.windows.net/${TENANT}/`,
      tid: TENANT,
      oid: MIC.objectId,
      appid: MIC.clientId,
      idtyp: 'app',
    });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3599);
  });

  it('rejects a wrong secret with AADSTS7000215', async () => {
    const credential = new ClientSecretCredential(TENANT, MIC.clientId, 'wrong', options);
    await expect(credential.getToken(ARM_SCOPE)).rejects.toThrow(/AADSTS7000215/);
  });

  it('rejects an unknown client with AADSTS700016 and an unknown tenant', async () => {
    await expect(
      new ClientSecretCredential(TENANT, '12345678-0000-4000-8000-000000000000', 'x', options).getToken(
        ARM_SCOPE,
      ),
    ).rejects.toThrow(/AADSTS700016/);
    await expect(
      new ClientSecretCredential(
        '00000000-dead-4000-8000-000000000000',
        MIC.clientId,
        MIC.secret,
        options,
      ).getToken(ARM_SCOPE),
    ).rejects.toThrow();
  });

  it('accepts a certificate assertion (ClientCertificateCredential)', async () => {
    const token = await new ClientCertificateCredential(TENANT, CERT_APP, certPath, options).getToken(
      ARM_SCOPE,
    );
    expect(decodeClaims(token.token)).toMatchObject({ appid: CERT_APP, appidacr: '2' });
  });

  it('rejects an assertion signed by an unregistered certificate', async () => {
    const other = generateClientCertificate('someone-else');
    const otherPath = join(emulator.stateDir, 'other-cert.pem');
    writeFileSync(otherPath, other.combinedPem);
    const credential = new ClientCertificateCredential(TENANT, CERT_APP, otherPath, options);
    await expect(credential.getToken(ARM_SCOPE)).rejects.toThrow(/AADSTS700027/);
  });

  it('exchanges a federated token for an app and for a managed identity', async () => {
    const app = await new ClientAssertionCredential(
      TENANT,
      FED_APP,
      () => federatedToken(),
      options,
    ).getToken(ARM_SCOPE);
    expect(decodeClaims(app.token).appid).toBe(FED_APP);
    const mi = await new ClientAssertionCredential(
      TENANT,
      '90000000-0000-4000-8000-000000000009',
      () => federatedToken(),
      options,
    ).getToken(ARM_SCOPE);
    expect(decodeClaims(mi.token).xms_mirid).toMatch(/userAssignedIdentities\/federated-mi$/);
  });

  it('refuses a federated token whose subject has no federated credential (AADSTS700213, naming it)', async () => {
    const credential = new ClientAssertionCredential(
      TENANT,
      FED_APP,
      () => federatedToken('system:serviceaccount:x:y'),
      options,
    );
    await expect(credential.getToken(ARM_SCOPE)).rejects.toThrow(
      /AADSTS700213: No matching federated identity record found for presented assertion subject 'system:serviceaccount:x:y'/,
    );
  });

  it('names an issuer and an audience without a federated credential (AADSTS700211, AADSTS700212)', async () => {
    const signed = (issuer: string, audience: string) => (): Promise<string> =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: 'issuer-key-1' })
        .setIssuer(issuer)
        .setSubject(SUBJECT)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(issuerKey);
    const otherIssuer = new ClientAssertionCredential(
      TENANT,
      FED_APP,
      signed(`${ISSUER}/`, 'api://AzureADTokenExchange'),
      options,
    );
    await expect(otherIssuer.getToken(ARM_SCOPE)).rejects.toThrow(
      /AADSTS700211: .*assertion issuer 'https:\/\/oidc\.cluster\.test\/issuer\/'/,
    );
    const otherAudience = new ClientAssertionCredential(
      TENANT,
      FED_APP,
      signed(ISSUER, 'api://SomethingElse'),
      options,
    );
    await expect(otherAudience.getToken(ARM_SCOPE)).rejects.toThrow(
      /AADSTS700212: .*assertion audience 'api:\/\/SomethingElse'/,
    );
  });

  it('answers AADSTS70021 for a managed identity without any federated credential', async () => {
    const credential = new ClientAssertionCredential(
      TENANT,
      ids.appA.clientId,
      () => federatedToken(),
      options,
    );
    await expect(credential.getToken(ARM_SCOPE)).rejects.toThrow(
      /AADSTS70021: No matching federated identity record found/,
    );
  });

  it('refuses an expired federated token (AADSTS700024)', async () => {
    const expired = (): Promise<string> =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: 'issuer-key-1' })
        .setIssuer(ISSUER)
        .setSubject(SUBJECT)
        .setAudience('api://AzureADTokenExchange')
        .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
        .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
        .sign(issuerKey);
    const credential = new ClientAssertionCredential(TENANT, FED_APP, expired, options);
    await expect(credential.getToken(ARM_SCOPE)).rejects.toThrow(/AADSTS700024/);
  });

  it('counts issued tokens per client', async () => {
    const counters = await emulator.control.counters();
    expect(counters.tokens[`entra:${MIC.clientId}`]).toBeGreaterThanOrEqual(1);
    expect(counters.requests['entra:openid-configuration']).toBeGreaterThanOrEqual(1);
  });

  it('a managed identity cannot use a client secret', async () => {
    const credential = new ClientSecretCredential(TENANT, ids.appA.clientId, 'anything', options);
    await expect(credential.getToken(ARM_SCOPE)).rejects.toThrow(/AADSTS7000215/);
  });
});
