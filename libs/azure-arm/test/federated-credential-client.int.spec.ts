// The federated credential adapter with the real @azure/arm-msi client against the Azure emulator over
// https: list (all pages), create, replace, delete (twice), and ARM's refusals classified.
import { startAzureEmulator, type AzureEmulator } from '@pod-identity/azure-emulator';
import {
  ArmError,
  createArmCredential,
  FederatedCredentialClient,
  parseEnvironmentFile,
  type IdentityRef,
} from '../src';

const SUB = '00000000-0000-0000-0000-0000000000cc';
const APP = '66666666-6666-6666-6666-666666666666';
const SECRET = 'emulator-only';
const ISSUER = 'https://oidc.example.test/cluster';
const fic = (name: string, subject: string) => ({
  name,
  issuer: ISSUER,
  subject,
  audiences: ['api://AzureADTokenExchange'],
});

describe('FederatedCredentialClient against the emulator', () => {
  let emulator: AzureEmulator;
  let client: FederatedCredentialClient;
  const calls: string[] = [];
  const identity: IdentityRef = { subscriptionId: SUB, resourceGroup: 'ids', name: 'workload' };

  beforeAll(async () => {
    emulator = await startAzureEmulator({
      runtime: { pageSize: 3 },
      seed: {
        subscriptions: [{ id: SUB, resourceGroups: [{ name: 'ids' }] }],
        userAssignedIdentities: [
          {
            subscription: SUB,
            resourceGroup: 'ids',
            name: 'workload',
            federatedCredentials: [fic('pre-existing', 'system:serviceaccount:ops:tool')],
          },
        ],
        servicePrincipals: [{ clientId: APP, secret: SECRET }],
      },
    });
    const environment = parseEnvironmentFile(
      JSON.stringify({
        resourceManagerEndpoint: emulator.urls.arm,
        activeDirectoryEndpoint: emulator.urls.authorityHost,
        tokenAudience: 'https://management.azure.com/',
      }),
    );
    const { credential } = createArmCredential(
      {
        cloud: 'AzureStackCloud',
        tenantId: emulator.tenantId,
        subscriptionId: SUB,
        resourceGroup: 'ids',
        vmType: 'vmss',
        aadClientId: APP,
        aadClientSecret: SECRET,
        useManagedIdentityExtension: false,
      },
      environment,
      emulator.ca.pem,
    );
    client = new FederatedCredentialClient({
      credential,
      endpoint: environment.resourceManagerEndpoint,
      scope: environment.armScope,
      caPem: emulator.ca.pem,
      observer: (op, status) => calls.push(`${op} ${status}`),
    });
  });

  afterAll(async () => {
    await emulator?.stop();
  });

  it('creates, lists across pages, replaces and deletes credentials', async () => {
    for (let i = 0; i < 5; i++)
      await client.put(identity, fic(`cred${i}`, `system:serviceaccount:team:sa${i}`));
    const listed = await client.list(identity);
    expect(listed.map((f) => f.name).sort()).toEqual([
      'cred0',
      'cred1',
      'cred2',
      'cred3',
      'cred4',
      'pre-existing',
    ]);
    expect(listed.find((f) => f.name === 'cred2')).toEqual(fic('cred2', 'system:serviceaccount:team:sa2'));
    await client.put(identity, fic('cred2', 'system:serviceaccount:team:other'));
    expect((await client.list(identity)).find((f) => f.name === 'cred2')?.subject).toBe(
      'system:serviceaccount:team:other',
    );
    calls.length = 0;
    await client.remove(identity, 'cred2');
    await client.remove(identity, 'cred2');
    expect(calls).toEqual(['fic_delete 200', 'fic_delete 200']);
    expect((await client.list(identity)).map((f) => f.name)).not.toContain('cred2');
  });

  it('classifies refusals: a taken issuer+subject and the 21st credential are bad requests, a missing identity is not found', async () => {
    const taken = await client
      .put(identity, fic('dupe', 'system:serviceaccount:ops:tool'))
      .catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(ArmError);
    expect((taken as ArmError).classified).toMatchObject({
      kind: 'bad-request',
      statusCode: 400,
      message: expect.stringContaining('Issuer and subject combination already exists'),
    });
    const count = (await client.list(identity)).length;
    for (let i = count; i < 20; i++)
      await client.put(identity, fic(`fill${i}`, `system:serviceaccount:fill:s${i}`));
    const full = await client
      .put(identity, fic('one-too-many', 'system:serviceaccount:fill:last'))
      .catch((e: unknown) => e);
    expect((full as ArmError).classified).toMatchObject({
      statusCode: 400,
      code: 'BadRequest',
      message: expect.stringContaining('at most 20'),
    });
    const missing = await client.list({ ...identity, name: 'nope' }).catch((e: unknown) => e);
    expect((missing as ArmError).classified).toMatchObject({ kind: 'resource-not-found', statusCode: 404 });
  });
});
