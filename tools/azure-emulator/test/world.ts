// The world the integration tests share: fixed ids so assertions can name them.
import type { SeedDocument } from '../src';

export const TENANT = '9a7b6c5d-0000-4000-8000-00000000000a';
export const SUB = '5e4d3c2b-0000-4000-8000-00000000000b';
export const NODE_RG = 'MC_rg_cluster_eastus';
export const ID_RG = 'identities';
export const LOCKED_RG = 'locked';
export const VMSS = 'aks-nodepool1-12345678-vmss';
export const VM = 'aks-standalone-0';
export const VM_MULTI = 'vm-multi';

export const ids = {
  appA: {
    name: 'app-a',
    clientId: 'a0000000-0000-4000-8000-00000000000a',
    principalId: 'a0000000-0000-4000-8000-0000000000aa',
  },
  appB: {
    name: 'app-b',
    clientId: 'b0000000-0000-4000-8000-00000000000b',
    principalId: 'b0000000-0000-4000-8000-0000000000bb',
  },
  kubelet: {
    name: 'kubelet',
    clientId: 'c0000000-0000-4000-8000-00000000000c',
    principalId: 'c0000000-0000-4000-8000-0000000000cc',
  },
  locked: {
    name: 'locked-id',
    clientId: 'd0000000-0000-4000-8000-00000000000d',
    principalId: 'd0000000-0000-4000-8000-0000000000dd',
  },
};

export const MIC = {
  clientId: 'e0000000-0000-4000-8000-00000000000e',
  objectId: 'e0000000-0000-4000-8000-0000000000ee',
  secret: 'mic-test-secret',
};
export const OUTSIDER = { clientId: 'f0000000-0000-4000-8000-00000000000f', secret: 'outsider-secret' };

export function uamiId(name: string, rg = ID_RG): string {
  return `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
}

export const vmssId = `/subscriptions/${SUB}/resourceGroups/${NODE_RG}/providers/Microsoft.Compute/virtualMachineScaleSets/${VMSS}`;
export const vmId = `/subscriptions/${SUB}/resourceGroups/${NODE_RG}/providers/Microsoft.Compute/virtualMachines/${VM}`;

export function testWorld(extra: Partial<SeedDocument> = {}): SeedDocument {
  const identity = (i: (typeof ids)[keyof typeof ids], rg = ID_RG) => ({
    subscription: SUB,
    resourceGroup: rg,
    ...i,
  });
  return {
    tenantId: TENANT,
    subscriptions: [
      {
        id: SUB,
        tenantId: TENANT,
        resourceGroups: [
          { name: NODE_RG, location: 'eastus' },
          { name: ID_RG, location: 'eastus' },
          { name: LOCKED_RG, location: 'eastus' },
        ],
      },
    ],
    userAssignedIdentities: [
      identity(ids.appA),
      identity(ids.appB),
      identity(ids.kubelet, NODE_RG),
      identity(ids.locked, LOCKED_RG),
      ...(extra.userAssignedIdentities ?? []),
    ],
    servicePrincipals: [
      { clientId: MIC.clientId, objectId: MIC.objectId, secret: MIC.secret, displayName: 'mic' },
      { clientId: OUTSIDER.clientId, secret: OUTSIDER.secret },
      ...(extra.servicePrincipals ?? []),
    ],
    roleAssignments: [
      {
        principal: MIC.clientId,
        role: 'Managed Identity Operator',
        scope: `/subscriptions/${SUB}/resourceGroups/${ID_RG}`,
      },
      {
        principal: MIC.clientId,
        role: 'Managed Identity Operator',
        scope: `/subscriptions/${SUB}/resourceGroups/${NODE_RG}`,
      },
      ...(extra.roleAssignments ?? []),
    ],
    virtualMachineScaleSets: [
      {
        subscription: SUB,
        resourceGroup: NODE_RG,
        name: VMSS,
        identity: { userAssigned: [uamiId('kubelet', NODE_RG)] },
        instances: 2,
      },
    ],
    virtualMachines: [
      {
        subscription: SUB,
        resourceGroup: NODE_RG,
        name: VM,
        identity: { systemAssigned: true, userAssigned: ['app-a'] },
      },
      {
        subscription: SUB,
        resourceGroup: NODE_RG,
        name: VM_MULTI,
        identity: { userAssigned: ['app-a', 'app-b'] },
      },
    ],
    oidcIssuers: extra.oidcIssuers,
  };
}

/** Environment variables that would divert ManagedIdentityCredential away from IMDS. */
export function clearAzureEnv(): void {
  for (const name of [
    'AZURE_CLIENT_ID',
    'AZURE_TENANT_ID',
    'AZURE_CLIENT_SECRET',
    'AZURE_FEDERATED_TOKEN_FILE',
    'AZURE_AUTHORITY_HOST',
    'IDENTITY_ENDPOINT',
    'IDENTITY_HEADER',
    'IDENTITY_SERVER_THUMBPRINT',
    'MSI_ENDPOINT',
    'MSI_SECRET',
    'IMDS_ENDPOINT',
    'HTTPS_PROXY',
    'HTTP_PROXY',
    'ALL_PROXY',
    'https_proxy',
    'http_proxy',
  ]) {
    delete process.env[name];
  }
}

export function decodeClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

/** The error a call that must fail rejected with (the SDKs' RestError shape); throws if it succeeded. */
export async function errorOf(
  promise: Promise<unknown>,
): Promise<{ statusCode?: number; code?: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { statusCode?: number; code?: string; message: string };
  }
  throw new Error('expected the call to fail');
}
