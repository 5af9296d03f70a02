// MIC's ARM credential in managed-identity mode (azure.json useManagedIdentityExtension), with the real
// @azure/identity ManagedIdentityCredential against the emulator's IMDS of MIC's own VM and the real
// ComputeManagementClient against its ARM. Each identity may assign a different user-assigned
// identity, so which assignment ARM accepts shows which principal the token belonged to.
import { startAzureEmulator, type AzureEmulator } from '@pod-identity/azure-emulator';
import {
  ArmError,
  ComputeIdentityClient,
  createArmCredential,
  parseEnvironmentFile,
  type ComputeRef,
} from '../src';

const SUB = '00000000-0000-0000-0000-0000000000cc';
const RG = 'nodes';
const SYSTEM_PRINCIPAL = '77777777-7777-4777-8777-777777777777';
const MIC_UAI_CLIENT = '88888888-8888-4888-8888-888888888888';
const uai = (name: string): string =>
  `/subscriptions/${SUB}/resourcegroups/ids/providers/microsoft.managedidentity/userassignedidentities/${name}`;
const scope = (name: string): string =>
  `/subscriptions/${SUB}/resourceGroups/ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;

describe('managed-identity ARM credential (system- and user-assigned) against the emulator', () => {
  let emulator: AzureEmulator;
  let savedHost: string | undefined;
  const target: ComputeRef = { kind: 'vmss', subscriptionId: SUB, resourceGroup: RG, name: 'pool' };

  beforeAll(async () => {
    emulator = await startAzureEmulator({
      runtime: { pollRetryAfterSeconds: 0 },
      seed: {
        subscriptions: [{ id: SUB, resourceGroups: [{ name: RG }, { name: 'ids' }] }],
        userAssignedIdentities: [
          { subscription: SUB, resourceGroup: 'ids', name: 'mic-uai', clientId: MIC_UAI_CLIENT },
          { subscription: SUB, resourceGroup: 'ids', name: 'for-system' },
          { subscription: SUB, resourceGroup: 'ids', name: 'for-user' },
          { subscription: SUB, resourceGroup: 'ids', name: 'also-for-system' },
        ],
        roleAssignments: [
          { principal: SYSTEM_PRINCIPAL, role: 'Managed Identity Operator', scope: scope('for-system') },
          { principal: SYSTEM_PRINCIPAL, role: 'Managed Identity Operator', scope: scope('also-for-system') },
          { principal: MIC_UAI_CLIENT, role: 'Managed Identity Operator', scope: scope('for-user') },
        ],
        // MIC's own VM: a system-assigned identity and the user-assigned mic-uai.
        virtualMachines: [
          {
            subscription: SUB,
            resourceGroup: RG,
            name: 'mic-vm',
            identity: { systemAssigned: SYSTEM_PRINCIPAL, userAssigned: ['mic-uai'] },
          },
        ],
        virtualMachineScaleSets: [{ subscription: SUB, resourceGroup: RG, name: 'pool', instances: 1 }],
      },
    });
    savedHost = process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
    // What IMDS at 169.254.169.254 is for MIC in a cluster: its own VM's IMDS.
    process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = emulator.imdsUrl('mic-vm');
  });

  afterAll(async () => {
    if (savedHost === undefined) delete process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
    else process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = savedHost;
    await emulator?.stop();
  });

  function clientFor(userAssignedIdentityID: string | undefined): {
    kind: string;
    client: ComputeIdentityClient;
  } {
    const environment = parseEnvironmentFile(
      JSON.stringify({
        resourceManagerEndpoint: emulator.urls.arm,
        activeDirectoryEndpoint: emulator.urls.authorityHost,
        tokenAudience: 'https://management.azure.com/',
      }),
    );
    const { kind, credential } = createArmCredential(
      {
        cloud: 'AzureStackCloud',
        tenantId: emulator.tenantId,
        subscriptionId: SUB,
        resourceGroup: RG,
        vmType: 'vmss',
        useManagedIdentityExtension: true,
        userAssignedIdentityID,
      },
      environment,
      emulator.ca.pem,
    );
    const client = new ComputeIdentityClient({
      credential,
      endpoint: environment.resourceManagerEndpoint,
      scope: environment.armScope,
      pollIntervalMs: 20,
      caPem: emulator.ca.pem,
    });
    return { kind, client };
  }

  async function assign(client: ComputeIdentityClient, name: string): Promise<unknown> {
    return client.updateIdentities(target, await client.getIdentities(target), {
      add: [uai(name)],
      remove: [],
    });
  }

  it("system-assigned (no userAssignedIdentityID): acts as the VM's system identity", async () => {
    const { kind, client } = clientFor(undefined);
    expect(kind).toBe('managed-identity-system');
    await expect(assign(client, 'for-system')).resolves.toBeTruthy();
    const refused = await assign(client, 'for-user').catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ArmError);
    expect((refused as ArmError).classified).toMatchObject({
      kind: 'linked-authorization',
      identityIds: [uai('for-user')],
    });
    expect((refused as ArmError).message).toContain(SYSTEM_PRINCIPAL);
  });

  it('user-assigned (userAssignedIdentityID = its client id): acts as that identity', async () => {
    const { kind, client } = clientFor(MIC_UAI_CLIENT);
    expect(kind).toBe('managed-identity-user');
    await expect(assign(client, 'for-user')).resolves.toBeTruthy();
    // An identity not yet on the scale set that only the system identity may assign.
    const refused = await assign(client, 'also-for-system').catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ArmError);
    expect((refused as ArmError).classified).toMatchObject({
      kind: 'linked-authorization',
      identityIds: [uai('also-for-system')],
    });
    expect((await client.getIdentities(target)).userAssigned.has(uai('for-user'))).toBe(true);
  });
});
