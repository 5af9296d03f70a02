// Microsoft.ManagedIdentity with the real arm-msi client: user-assigned identities and their federated
// credentials (the rules ARM enforces on them).
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { ClientSecretCredential } from '@azure/identity';
import { type AzureEmulator, startAzureEmulator } from '../src';
import { clearAzureEnv, errorOf, ID_RG, ids, MIC, SUB, TENANT, testWorld } from './world';

const ARM_SCOPE = 'https://management.azure.com/.default';

let emulator: AzureEmulator;
let msi: ManagedServiceIdentityClient;

beforeAll(async () => {
  clearAzureEnv();
  emulator = await startAzureEmulator({ seed: testWorld() });
  const credential = new ClientSecretCredential(TENANT, MIC.clientId, MIC.secret, {
    authorityHost: emulator.urls.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: { ca: emulator.ca.pem },
  });
  msi = new ManagedServiceIdentityClient(credential, SUB, {
    endpoint: emulator.urls.arm,
    credentialScopes: [ARM_SCOPE],
    tlsOptions: { ca: emulator.ca.pem },
  });
});

afterAll(async () => {
  await emulator?.stop();
});

describe('Microsoft.ManagedIdentity', () => {
  it('reads an identity and lists a resource group', async () => {
    const identity = await msi.userAssignedIdentities.get(ID_RG, 'app-a');
    expect(identity).toMatchObject({
      clientId: ids.appA.clientId,
      principalId: ids.appA.principalId,
      tenantId: TENANT,
    });
    const names: string[] = [];
    for await (const i of msi.userAssignedIdentities.listByResourceGroup(ID_RG)) names.push(i.name ?? '');
    expect(names.sort()).toEqual(['app-a', 'app-b']);
  });

  it('creates an identity and a federated credential', async () => {
    const created = await msi.userAssignedIdentities.createOrUpdate(ID_RG, 'created-id', {
      location: 'eastus',
    });
    expect(created.clientId).toMatch(/^[0-9a-f-]{36}$/);
    const fic = await msi.federatedIdentityCredentials.createOrUpdate(ID_RG, 'created-id', 'fic1', {
      issuer: 'https://oidc.example.test/x',
      subject: 'system:serviceaccount:ns:sa',
      audiences: ['api://AzureADTokenExchange'],
    });
    expect(fic.subject).toBe('system:serviceaccount:ns:sa');
    const err = await errorOf(msi.userAssignedIdentities.get(ID_RG, 'missing'));
    expect(err).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });

  it('federated credentials: issuer+subject unique, name rules, at most 20 per identity (a delete frees a slot)', async () => {
    await msi.userAssignedIdentities.createOrUpdate(ID_RG, 'fic-limit', { location: 'eastus' });
    const fic = (subject: string) => ({
      issuer: 'https://oidc.example.test/x',
      subject,
      audiences: ['api://AzureADTokenExchange'],
    });
    await msi.federatedIdentityCredentials.createOrUpdate(
      ID_RG,
      'fic-limit',
      'first',
      fic('system:serviceaccount:ns:a'),
    );
    // Updating the same credential is fine; another name with the same issuer and subject is not.
    await msi.federatedIdentityCredentials.createOrUpdate(
      ID_RG,
      'fic-limit',
      'first',
      fic('system:serviceaccount:ns:a'),
    );
    expect(
      await errorOf(
        msi.federatedIdentityCredentials.createOrUpdate(
          ID_RG,
          'fic-limit',
          'second',
          fic('system:serviceaccount:ns:a'),
        ),
      ),
    ).toMatchObject({
      statusCode: 400,
      message: 'Issuer and subject combination already exists for this Managed Identity.',
    });
    expect(
      await errorOf(
        msi.federatedIdentityCredentials.createOrUpdate(
          ID_RG,
          'fic-limit',
          'a.b',
          fic('system:serviceaccount:ns:b'),
        ),
      ),
    ).toMatchObject({
      statusCode: 400,
      code: 'InvalidParameter',
    });
    for (let i = 1; i < 20; i++)
      await msi.federatedIdentityCredentials.createOrUpdate(
        ID_RG,
        'fic-limit',
        `n${i}x`,
        fic(`system:serviceaccount:ns:s${i}`),
      );
    const full = await errorOf(
      msi.federatedIdentityCredentials.createOrUpdate(
        ID_RG,
        'fic-limit',
        'the21st',
        fic('system:serviceaccount:ns:z'),
      ),
    );
    expect(full).toMatchObject({
      statusCode: 400,
      message: expect.stringContaining('at most 20 Federated Identity Credentials'),
    });
    const listed: string[] = [];
    for await (const f of msi.federatedIdentityCredentials.list(ID_RG, 'fic-limit'))
      listed.push(f.name ?? '');
    expect(listed).toHaveLength(20);
    await msi.federatedIdentityCredentials.delete(ID_RG, 'fic-limit', 'n1x');
    await msi.federatedIdentityCredentials.createOrUpdate(
      ID_RG,
      'fic-limit',
      'the21st',
      fic('system:serviceaccount:ns:z'),
    );
    await msi.federatedIdentityCredentials.delete(ID_RG, 'fic-limit', 'n1x');
  });
});
