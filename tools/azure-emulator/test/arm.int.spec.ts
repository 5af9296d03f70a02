// ARM with the real clients: ComputeManagementClient (VM, VMSS, LRO identity updates) and faults; and
// ManagedIdentityCredential on a scale-set node seeing what ARM assigned. Microsoft.ManagedIdentity
// (arm-msi): msi.int.spec.ts.
import { ComputeManagementClient, type UserAssignedIdentitiesValue } from '@azure/arm-compute';
import { ClientSecretCredential, ManagedIdentityCredential } from '@azure/identity';
import { type AzureEmulator, startAzureEmulator } from '../src';
import {
  clearAzureEnv,
  ids,
  LOCKED_RG,
  MIC,
  NODE_RG,
  OUTSIDER,
  SUB,
  TENANT,
  testWorld,
  uamiId,
  VM,
  VMSS,
  vmssId,
  errorOf,
} from './world';

const ARM_SCOPE = 'https://management.azure.com/.default';
const FAST_POLL = { updateIntervalInMs: 50 };

let emulator: AzureEmulator;
let compute: ComputeManagementClient;
let outsiderCompute: ComputeManagementClient;

function computeClient(clientId: string, secret: string): ComputeManagementClient {
  const tls = { ca: emulator.ca.pem };
  const credential = new ClientSecretCredential(TENANT, clientId, secret, {
    authorityHost: emulator.urls.authorityHost,
    disableInstanceDiscovery: true,
    tlsOptions: tls,
  });
  return new ComputeManagementClient(credential, SUB, {
    endpoint: emulator.urls.arm,
    credentials: { scopes: [ARM_SCOPE] },
    tlsOptions: tls,
  });
}

/** `null` entries remove identities on the wire; the SDK types do not admit null, but serialize it. */
function removals(idsToRemove: string[]): Record<string, UserAssignedIdentitiesValue> {
  return Object.fromEntries(idsToRemove.map((k) => [k, null])) as unknown as Record<
    string,
    UserAssignedIdentitiesValue
  >;
}

beforeAll(async () => {
  clearAzureEnv();
  emulator = await startAzureEmulator({ seed: testWorld() });
  process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = emulator.imdsUrl(`${VMSS}_1`);
  compute = computeClient(MIC.clientId, MIC.secret);
  outsiderCompute = computeClient(OUTSIDER.clientId, OUTSIDER.secret);
});

afterEach(async () => {
  await emulator.control.clearFaults();
});

afterAll(async () => {
  delete process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
  await emulator?.stop();
});

describe('Compute reads', () => {
  it('gets a VM with its identities echoed from the identity store', async () => {
    const vm = await compute.virtualMachines.get(NODE_RG, VM);
    expect(vm.identity?.type).toBe('SystemAssigned, UserAssigned');
    expect(vm.identity?.principalId).toBeTruthy();
    expect(vm.identity?.userAssignedIdentities?.[uamiId('app-a')]).toEqual({
      principalId: ids.appA.principalId,
      clientId: ids.appA.clientId,
    });
  });

  it('gets a scale set and lists its instances as <vmss>_<id>', async () => {
    const vmss = await compute.virtualMachineScaleSets.get(NODE_RG, VMSS);
    expect(vmss.id).toBe(vmssId);
    const names: string[] = [];
    for await (const vm of compute.virtualMachineScaleSetVMs.list(NODE_RG, VMSS))
      names.push(`${vm.name}|${vm.instanceId}`);
    expect(names).toEqual([`${VMSS}_0|0`, `${VMSS}_1|1`]);
  });

  it('maps a missing VM to ResourceNotFound', async () => {
    const err = await errorOf(compute.virtualMachines.get(NODE_RG, 'nope'));
    expect(err).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });
});

describe('identity updates through the long-running operation', () => {
  it('assigns an identity to the scale set; the node IMDS then serves it', async () => {
    const mi = new ManagedIdentityCredential({ clientId: ids.appB.clientId });
    await expect(mi.getToken(ARM_SCOPE)).rejects.toThrow(/Identity not found/);
    const updated = await compute.virtualMachineScaleSets.update(
      NODE_RG,
      VMSS,
      { identity: { type: 'UserAssigned', userAssignedIdentities: { [uamiId('app-b').toLowerCase()]: {} } } },
      FAST_POLL,
    );
    expect(Object.keys(updated.identity?.userAssignedIdentities ?? {})).toHaveLength(2);
    const token = await mi.getToken(ARM_SCOPE);
    expect(token.token).toBeTruthy();
    expect((await emulator.control.counters()).writes[vmssId.toLowerCase()]).toBe(1);
  });

  it('serves a new assignment only after the propagation delay (404 meanwhile, which the SDK retries)', async () => {
    await emulator.control.setOptions({ imds: { propagationDelayMs: 1200, propagationStatus: 404 } });
    try {
      await compute.virtualMachineScaleSets.update(
        NODE_RG,
        VMSS,
        { identity: { type: 'UserAssigned', userAssignedIdentities: { [uamiId('app-a')]: {} } } },
        FAST_POLL,
      );
      await emulator.control.resetCounters();
      const token = await new ManagedIdentityCredential({ clientId: ids.appA.clientId }).getToken(ARM_SCOPE);
      expect(token.token).toBeTruthy();
      expect((await emulator.control.counters()).statuses['404']).toBeGreaterThanOrEqual(1);
    } finally {
      await emulator.control.setOptions({ imds: { propagationDelayMs: 0, propagationStatus: 400 } });
    }
  });

  it('removes with null and keeps the other identities (case-insensitive ids)', async () => {
    const updated = await compute.virtualMachineScaleSets.update(
      NODE_RG,
      VMSS,
      {
        identity: { type: 'UserAssigned', userAssignedIdentities: removals([uamiId('APP-B').toUpperCase()]) },
      },
      FAST_POLL,
    );
    const keys = Object.keys(updated.identity?.userAssignedIdentities ?? {}).map((k) => k.toLowerCase());
    expect(keys).toContain(uamiId('kubelet', NODE_RG).toLowerCase());
    expect(keys).not.toContain(uamiId('app-b').toLowerCase());
  });

  it('refuses to leave UserAssigned without identities (MissingIdentityIds)', async () => {
    const current = await compute.virtualMachineScaleSets.get(NODE_RG, VMSS);
    const removeAll = removals(Object.keys(current.identity?.userAssignedIdentities ?? {}));
    const err = await errorOf(
      compute.virtualMachineScaleSets.update(
        NODE_RG,
        VMSS,
        { identity: { type: 'UserAssigned', userAssignedIdentities: removeAll } },
        FAST_POLL,
      ),
    );
    expect(err).toMatchObject({ statusCode: 400, code: 'MissingIdentityIds' });
  });

  it('answers LinkedAuthorizationFailed naming the identity the caller may not assign', async () => {
    const err = await errorOf(
      outsiderCompute.virtualMachines.update(
        NODE_RG,
        VM,
        {
          identity: {
            type: 'SystemAssigned, UserAssigned',
            userAssignedIdentities: { [uamiId('app-b')]: {} },
          },
        },
        FAST_POLL,
      ),
    );
    expect(err).toMatchObject({ statusCode: 403, code: 'LinkedAuthorizationFailed' });
    expect(err.message).toContain(`linked scope(s) '${uamiId('app-b')}'`);
    const locked = await errorOf(
      compute.virtualMachines.update(
        NODE_RG,
        VM,
        {
          identity: {
            type: 'SystemAssigned, UserAssigned',
            userAssignedIdentities: { [uamiId(ids.locked.name, LOCKED_RG)]: {} },
          },
        },
        FAST_POLL,
      ),
    );
    expect(locked).toMatchObject({ statusCode: 403, code: 'LinkedAuthorizationFailed' });
  });

  it('rejects more than 150 identities in one request and unknown identities', async () => {
    const many = Object.fromEntries(Array.from({ length: 151 }, (_, i) => [uamiId(`id-${i}`), {}]));
    const tooMany = await errorOf(
      compute.virtualMachines.update(
        NODE_RG,
        VM,
        { identity: { type: 'UserAssigned', userAssignedIdentities: many } },
        FAST_POLL,
      ),
    );
    expect(tooMany).toMatchObject({ statusCode: 400, code: 'BadRequest' });
    expect(tooMany.message).toContain("'151' Assign exceed limit '150'");
    const unknown = await errorOf(
      compute.virtualMachines.update(
        NODE_RG,
        VM,
        { identity: { type: 'UserAssigned', userAssignedIdentities: { [uamiId('ghost')]: {} } } },
        FAST_POLL,
      ),
    );
    expect(unknown).toMatchObject({ statusCode: 400, code: 'FailedIdentityOperation' });
  });

  it('answers 409 Conflict to a second write while one is in flight', async () => {
    await emulator.control.setOptions({ operationDurationMs: { vmss: 1500 }, pollRetryAfterSeconds: 0 });
    try {
      const body = {
        identity: { type: 'UserAssigned' as const, userAssignedIdentities: { [uamiId('app-a')]: {} } },
      };
      const first = compute.virtualMachineScaleSets.update(NODE_RG, VMSS, body, { updateIntervalInMs: 100 });
      await first.submitted();
      const second = await errorOf(compute.virtualMachineScaleSets.update(NODE_RG, VMSS, body, FAST_POLL));
      expect(second).toMatchObject({ statusCode: 409, code: 'Conflict' });
      const done = await first;
      expect(Object.keys(done.identity?.userAssignedIdentities ?? {})).toContain(uamiId('app-a'));
    } finally {
      await emulator.control.setOptions({ operationDurationMs: { vmss: 0 }, pollRetryAfterSeconds: 1 });
    }
  });

  it('reports a failed operation as the SDK sees an Azure failure', async () => {
    await emulator.control.addFault({
      match: { service: 'arm', operation: 'Microsoft.Compute/virtualMachines/write' },
      action: { type: 'operation-failure', code: 'OperationPreempted' },
      times: 1,
    });
    const err = await errorOf(compute.virtualMachines.update(NODE_RG, VM, { tags: { a: 'b' } }, FAST_POLL));
    expect(err.message).toMatch(/OperationPreempted|preempted/i);
  });
});

describe('faults as the SDK sees them', () => {
  it('honours 429 Retry-After and succeeds on the retry', async () => {
    await emulator.control.resetCounters();
    await emulator.control.addFault({
      match: { service: 'arm', operation: 'Microsoft.Compute/virtualMachineScaleSets/read' },
      action: { type: 'throttle', retryAfterSeconds: 1 },
      times: 1,
    });
    const vmss = await compute.virtualMachineScaleSets.get(NODE_RG, VMSS);
    expect(vmss.name).toBe(VMSS);
    const counters = await emulator.control.counters();
    expect(counters.requests['arm:Microsoft.Compute/virtualMachineScaleSets/read']).toBe(2);
    expect(counters.throttled).toBe(1);
  });

  it('retries after a hung connection is cut', async () => {
    await emulator.control.addFault({
      match: { service: 'arm', operation: '*virtualMachineScaleSets/read' },
      action: { type: 'hang', ms: 300 },
      times: 1,
    });
    const vmss = await compute.virtualMachineScaleSets.get(NODE_RG, VMSS);
    expect(vmss.name).toBe(VMSS);
  });

  it('retries a 500 and a dropped connection', async () => {
    await emulator.control.addFault({
      match: { service: 'arm', operation: '*virtualMachines/read' },
      action: { type: 'status', status: 500 },
      times: 1,
    });
    await emulator.control.addFault({
      match: { service: 'arm', operation: '*virtualMachines/read' },
      action: { type: 'drop' },
      times: 1,
    });
    const vm = await compute.virtualMachines.get(NODE_RG, VM);
    expect(vm.name).toBe(VM);
  });

  it('throttles from the token buckets with x-ms-ratelimit headers when enforced', async () => {
    await emulator.control.setOptions({
      throttling: { enforce: true, limits: { LowCostGetVM: { resource: { max: 1, refillPerMinute: 60 } } } },
    });
    try {
      await emulator.control.resetCounters();
      let remaining: string | undefined;
      await compute.virtualMachines.get(NODE_RG, VM, {
        onResponse: (raw) => {
          remaining = raw.headers.get('x-ms-ratelimit-remaining-resource');
        },
      });
      expect(remaining).toMatch(/Microsoft\.Compute\/LowCostGetVMResource;0/);
      // The bucket is empty: 429 with Retry-After 1; the SDK waits and its retry gets through.
      const vm = await compute.virtualMachines.get(NODE_RG, VM);
      expect(vm.name).toBe(VM);
      expect((await emulator.control.counters()).statuses['429']).toBeGreaterThanOrEqual(1);
    } finally {
      await emulator.control.setOptions({ throttling: { enforce: false, limits: {} } });
    }
  });
});
