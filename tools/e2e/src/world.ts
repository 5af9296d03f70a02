// The Azure side of the demo and the e2e tier, as an emulator seed (pure): one subscription, an
// AKS-like node resource group with one VM scale set (one instance per node), one user-assigned
// identity, and MIC's service principal with the roles it needs to assign that identity.
import type { SeedDocument } from '@pod-identity/azure-emulator';

export const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const SUBSCRIPTION_ID = '00000000-0000-0000-0000-00000000d3e0';
export const NODE_RG = 'MC_demo_cluster_eastus';
export const IDENTITY_RG = 'identities';
export const VMSS_NAME = 'aks-nodepool1-12345678-vmss';
export const MIC_CLIENT_ID = '44444444-4444-4444-4444-444444444444';
/** An emulator-only secret; it never leaves this machine. */
const MIC_SECRET = 'emulator-only-demo-secret';

export interface WorldIdentity {
  readonly name: string;
  readonly clientId: string;
  readonly principalId: string;
  readonly resourceId: string;
}

export function identity(name: string, clientId: string, principalId: string): WorldIdentity {
  return {
    name,
    clientId,
    principalId,
    resourceId: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${IDENTITY_RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
  };
}

export const APP_IDENTITY = identity(
  'demo-app',
  '11111111-2222-4333-8444-555555555555',
  'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
);

export const vmssResourceId = (): string =>
  `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${NODE_RG}/providers/Microsoft.Compute/virtualMachineScaleSets/${VMSS_NAME}`;

/** The Kubernetes providerID of instance `i`, as the Azure cloud provider writes it. */
export const providerIdOf = (instance: number): string =>
  `azure://${vmssResourceId()}/virtualMachines/${instance}`;

export function worldSeed(nodeCount: number): SeedDocument {
  return {
    tenantId: TENANT_ID,
    subscriptions: [
      {
        id: SUBSCRIPTION_ID,
        resourceGroups: [
          { name: NODE_RG, location: 'eastus' },
          { name: IDENTITY_RG, location: 'eastus' },
        ],
      },
    ],
    userAssignedIdentities: [
      {
        subscription: SUBSCRIPTION_ID,
        resourceGroup: IDENTITY_RG,
        name: APP_IDENTITY.name,
        clientId: APP_IDENTITY.clientId,
        principalId: APP_IDENTITY.principalId,
      },
    ],
    servicePrincipals: [{ clientId: MIC_CLIENT_ID, displayName: 'pod-identity-mic', secret: MIC_SECRET }],
    roleAssignments: [
      {
        principal: MIC_CLIENT_ID,
        role: 'Managed Identity Operator',
        scope: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${IDENTITY_RG}`,
      },
      {
        principal: MIC_CLIENT_ID,
        role: 'Virtual Machine Contributor',
        scope: `/subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${NODE_RG}`,
      },
    ],
    virtualMachineScaleSets: [
      { subscription: SUBSCRIPTION_ID, resourceGroup: NODE_RG, name: VMSS_NAME, instances: nodeCount },
    ],
  };
}

/** MIC's /etc/kubernetes/azure.json for this world (AzureStackCloud: endpoints from AZURE_ENVIRONMENT_FILEPATH). */
export function azureJson(): Record<string, unknown> {
  return {
    cloud: 'AzureStackCloud',
    tenantId: TENANT_ID,
    subscriptionId: SUBSCRIPTION_ID,
    resourceGroup: NODE_RG,
    vmType: 'vmss',
    aadClientId: MIC_CLIENT_ID,
    aadClientSecret: MIC_SECRET,
    useManagedIdentityExtension: false,
  };
}
