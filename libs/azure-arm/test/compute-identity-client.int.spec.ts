// The ARM adapter with the real SDK clients (ClientSecretCredential + ComputeManagementClient 24.x)
// against the Azure emulator over https: delta PATCHes, the 150-entry limit, removal to None, errors.
import { startAzureEmulator, type AzureEmulator } from '@pod-identity/azure-emulator';
import {
  ArmError,
  ComputeIdentityClient,
  createArmCredential,
  parseEnvironmentFile,
  type ComputeRef,
} from '../src';

const SUB = '00000000-0000-0000-0000-0000000000bb';
const RG = 'nodes';
const APP = '55555555-5555-5555-5555-555555555555';
const SECRET = 'emulator-only';
const uai = (name: string, rg = 'ids'): string =>
  `/subscriptions/${SUB}/resourcegroups/${rg}/providers/microsoft.managedidentity/userassignedidentities/${name}`;

describe('ComputeIdentityClient against the emulator', () => {
  let emulator: AzureEmulator;
  let client: ComputeIdentityClient;
  const calls: string[] = [];
  const vmss: ComputeRef = { kind: 'vmss', subscriptionId: SUB, resourceGroup: RG, name: 'ss' };
  const vm: ComputeRef = { kind: 'vm', subscriptionId: SUB, resourceGroup: RG, name: 'vm1' };

  beforeAll(async () => {
    const names = Array.from({ length: 160 }, (_, i) => `id-${i}`);
    emulator = await startAzureEmulator({
      runtime: { pollRetryAfterSeconds: 0 },
      seed: {
        subscriptions: [{ id: SUB, resourceGroups: [{ name: RG }, { name: 'ids' }, { name: 'locked' }] }],
        userAssignedIdentities: [
          ...names.map((name) => ({ subscription: SUB, resourceGroup: 'ids', name })),
          { subscription: SUB, resourceGroup: 'locked', name: 'nope' },
        ],
        servicePrincipals: [{ clientId: APP, secret: SECRET }],
        roleAssignments: [
          {
            principal: APP,
            role: 'Managed Identity Operator',
            scope: `/subscriptions/${SUB}/resourceGroups/ids`,
          },
          {
            principal: APP,
            role: 'Virtual Machine Contributor',
            scope: `/subscriptions/${SUB}/resourceGroups/${RG}`,
          },
        ],
        virtualMachineScaleSets: [
          {
            subscription: SUB,
            resourceGroup: RG,
            name: 'ss',
            instances: 1,
            identity: { systemAssigned: true },
          },
        ],
        virtualMachines: [{ subscription: SUB, resourceGroup: RG, name: 'vm1' }],
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
        resourceGroup: RG,
        vmType: 'vmss',
        aadClientId: APP,
        aadClientSecret: SECRET,
        useManagedIdentityExtension: false,
      },
      environment,
      emulator.ca.pem,
    );
    client = new ComputeIdentityClient({
      credential,
      endpoint: environment.resourceManagerEndpoint,
      scope: environment.armScope,
      pollIntervalMs: 20,
      caPem: emulator.ca.pem,
      observer: (op, status) => calls.push(`${op} ${status}`),
    });
  });

  afterAll(async () => {
    await emulator?.stop();
  });

  it('adds 160 identities in two PATCHes, keeping the system-assigned identity', async () => {
    const before = await client.getIdentities(vmss);
    expect(before.type).toBe('SystemAssigned');
    calls.length = 0;
    const after = await client.updateIdentities(vmss, before, {
      add: Array.from({ length: 160 }, (_, i) => uai(`id-${i}`)),
      remove: [],
    });
    expect(calls).toEqual(['vmss_update 200', 'vmss_update 200']);
    expect(after.type).toBe('SystemAssigned, UserAssigned');
    expect((await client.getIdentities(vmss)).userAssigned.size).toBe(160);
  });

  it('removes with null entries and ends at SystemAssigned when none remain', async () => {
    const current = await client.getIdentities(vmss);
    const ids = [...current.userAssigned.keys()];
    const after = await client.updateIdentities(vmss, current, { add: [], remove: ids });
    expect(after.userAssigned.size).toBe(0);
    const fresh = await client.getIdentities(vmss);
    expect(fresh.type).toBe('SystemAssigned');
    expect(fresh.userAssigned.size).toBe(0);
  });

  it('goes back to None on a VM without a system-assigned identity', async () => {
    const s1 = await client.updateIdentities(vm, await client.getIdentities(vm), {
      add: [uai('id-1')],
      remove: [],
    });
    expect(s1.type).toBe('UserAssigned');
    await client.updateIdentities(vm, await client.getIdentities(vm), { add: [], remove: [uai('id-1')] });
    expect((await client.getIdentities(vm)).type).toBe('None');
  });

  it('does not wipe out an identity added since its read when removing the last one', async () => {
    await client.updateIdentities(vm, await client.getIdentities(vm), { add: [uai('id-3')], remove: [] });
    const stale = await client.getIdentities(vm);
    await client.updateIdentities(vm, await client.getIdentities(vm), { add: [uai('id-4')], remove: [] });
    const err = await client
      .updateIdentities(vm, stale, { add: [], remove: [uai('id-3')] })
      .catch((e: unknown) => e);
    expect((err as ArmError).classified).toMatchObject({ kind: 'conflict', statusCode: 412 });
    expect((await client.getIdentities(vm)).userAssigned.has(uai('id-4'))).toBe(true);
    await client.updateIdentities(vm, await client.getIdentities(vm), {
      add: [],
      remove: [uai('id-3'), uai('id-4')],
    });
  });

  it('classifies LinkedAuthorizationFailed with the refused identity named', async () => {
    const err = await client
      .updateIdentities(vm, await client.getIdentities(vm), {
        add: [uai('nope', 'locked'), uai('id-2')],
        remove: [],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArmError);
    expect((err as ArmError).classified).toMatchObject({
      kind: 'linked-authorization',
      statusCode: 403,
      identityIds: [uai('nope', 'locked')],
    });
  });

  it('classifies a missing VM as resource-not-found and a 429 with its Retry-After', async () => {
    const missing = await client.getIdentities({ ...vm, name: 'ghost' }).catch((e: unknown) => e);
    expect((missing as ArmError).classified.kind).toBe('resource-not-found');
    await emulator.control.addFault({
      match: { service: 'arm', resource: 'vm1' },
      action: { type: 'throttle', retryAfterSeconds: 3 },
      times: 1,
    });
    const throttled = await client.getIdentities(vm).catch((e: unknown) => e);
    expect((throttled as ArmError).classified).toMatchObject({
      kind: 'throttled',
      statusCode: 429,
      retryAfterMs: 3000,
    });
  });
});
