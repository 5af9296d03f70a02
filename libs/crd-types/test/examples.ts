// Manifests in the forms the original project's documentation shows, camelCase and legacy PascalCase,
// plus broken ones with the field their error must name. Used by validate.spec.ts (with go-client-examples.ts).
import type { Kind } from '../src/generated/constants';

const API_VERSION = 'aadpodidentity.k8s.io/v1';
export const RESOURCE_ID =
  '/subscriptions/11111111-2222-3333-4444-555555555555/resourcegroups/my-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/demo-id';
export const CLIENT_ID = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
export const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';

export interface Example {
  name: string;
  kind: Kind;
  object: Record<string, unknown>;
}

export interface BrokenExample extends Example {
  /** The field path the error must name, and a fragment of its message. */
  path: string;
  message: string;
}

export const obj = (kind: Kind, name: string, spec: Record<string, unknown>): Record<string, unknown> => ({
  apiVersion: API_VERSION,
  kind,
  metadata: { name },
  spec,
});

export const VALID_EXAMPLES: Example[] = [
  {
    name: 'user-assigned identity (docs getting started)',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'demo-id', { type: 0, resourceID: RESOURCE_ID, clientID: CLIENT_ID }),
  },
  {
    name: 'user-assigned identity, ARM id in another casing',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'demo-id-upper', {
      type: 0,
      resourceID: RESOURCE_ID.replace('resourcegroups', 'resourceGroups').toUpperCase(),
      clientID: CLIENT_ID.toUpperCase(),
    }),
  },
  {
    name: 'service principal with secret (type 1)',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'sp-secret', {
      type: 1,
      tenantID: TENANT_ID,
      clientID: CLIENT_ID,
      clientPassword: { name: 'sp-secret', namespace: 'default' },
    }),
  },
  {
    name: 'service principal with auxiliary tenants (type 1)',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'sp-multi', {
      type: 1,
      tenantID: TENANT_ID,
      auxiliaryTenantIDs: ['aux-tenant-1', 'aux-tenant-2'],
      clientID: CLIENT_ID,
      clientPassword: { name: 'sp-secret', namespace: 'default' },
    }),
  },
  {
    name: 'service principal with certificate, legacy secret reference (docs type 2)',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'sp-cert', {
      type: 2,
      tenantID: TENANT_ID,
      clientID: CLIENT_ID,
      clientPassword: { Name: 'sp-cert', Namespace: 'default' },
    }),
  },
  {
    name: 'user-assigned identity with the federated backend (docs/adr/0010)',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'fed-id', {
      type: 0,
      resourceID: RESOURCE_ID,
      clientID: CLIENT_ID,
      tenantID: TENANT_ID,
      backend: 'Federated',
    }),
  },
  {
    name: 'service principal naming the VM backend explicitly',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'sp-vm-backend', {
      type: 1,
      tenantID: TENANT_ID,
      clientID: CLIENT_ID,
      clientPassword: { name: 'sp-secret' },
      backend: 'VM',
    }),
  },
  {
    name: 'legacy PascalCase user-assigned identity',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'legacy-id', { type: 0, ResourceID: RESOURCE_ID, ClientID: CLIENT_ID }),
  },
  {
    name: 'legacy PascalCase service principal',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'legacy-sp', {
      type: 1,
      TenantID: TENANT_ID,
      ClientID: CLIENT_ID,
      ClientPassword: { Name: 'sp-secret', Namespace: 'default' },
    }),
  },
  {
    name: 'binding',
    kind: 'AzureIdentityBinding',
    object: obj('AzureIdentityBinding', 'demo-binding', { azureIdentity: 'demo-id', selector: 'demo' }),
  },
  {
    name: 'legacy PascalCase binding',
    kind: 'AzureIdentityBinding',
    object: obj('AzureIdentityBinding', 'legacy-binding', { AzureIdentity: 'legacy-id', Selector: 'legacy' }),
  },
  {
    name: 'exception (docs mic-exception)',
    kind: 'AzurePodIdentityException',
    object: obj('AzurePodIdentityException', 'mic-exception', {
      podLabels: { app: 'mic', component: 'mic' },
    }),
  },
  {
    name: 'legacy PascalCase exception',
    kind: 'AzurePodIdentityException',
    object: obj('AzurePodIdentityException', 'legacy-exception', { PodLabels: { app: 'custom' } }),
  },
  {
    name: 'assigned identity as MIC writes it',
    kind: 'AzureAssignedIdentity',
    object: {
      ...obj('AzureAssignedIdentity', 'demo-pod-default-demo-id', {
        pod: 'demo-pod',
        podNamespace: 'default',
        nodename: 'node-0',
        azureIdentityRef: {
          apiVersion: API_VERSION,
          kind: 'AzureIdentity',
          metadata: { name: 'demo-id', namespace: 'default' },
          spec: { type: 0, resourceID: RESOURCE_ID, clientID: CLIENT_ID },
        },
        azureBindingRef: {
          apiVersion: API_VERSION,
          kind: 'AzureIdentityBinding',
          metadata: { name: 'demo-binding', namespace: 'default' },
          spec: { azureIdentity: 'demo-id', selector: 'demo' },
        },
      }),
      status: { status: 'Assigned', availableReplicas: 1 },
    },
  },
];

export const BROKEN_EXAMPLES: BrokenExample[] = [
  {
    name: 'type 1 whose clientPassword is {}',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'sp-empty-pw', {
      type: 1,
      tenantID: TENANT_ID,
      clientID: CLIENT_ID,
      clientPassword: {},
    }),
    path: 'spec',
    message: 'spec.clientPassword is required for types 1 and 2',
  },
  {
    name: 'type 0 whose resourceID is ""',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'empty-rid', { resourceID: '', clientID: CLIENT_ID, clientPassword: {} }),
    path: 'spec',
    message: 'spec.resourceID is required for type 0',
  },
  {
    name: 'clientID ""',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'empty-cid', { resourceID: RESOURCE_ID, clientID: '' }),
    path: 'spec',
    message: 'spec.clientID is required',
  },
  {
    name: 'type 2 whose tenantID is ""',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'empty-tenant', {
      type: 2,
      tenantID: '',
      clientID: CLIENT_ID,
      clientPassword: { name: 'c' },
    }),
    path: 'spec',
    message: 'spec.tenantID is required for types 1 and 2',
  },
  {
    name: 'binding whose azureIdentity is ""',
    kind: 'AzureIdentityBinding',
    object: obj('AzureIdentityBinding', 'empty-identity', { azureIdentity: '', selector: 'demo' }),
    path: 'spec',
    message: 'spec.azureIdentity is required',
  },
  {
    name: 'both secret references name a Secret',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'two-refs', {
      type: 1,
      tenantID: TENANT_ID,
      clientID: CLIENT_ID,
      clientPassword: { name: 'a' },
      ClientPassword: { Name: 'b' },
    }),
    path: 'spec',
    message: 'not both',
  },
  {
    name: 'type 3',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'bad-type', { type: 3, resourceID: RESOURCE_ID, clientID: CLIENT_ID }),
    path: 'spec.type',
    message: '0, 1, 2',
  },
  {
    name: 'federated backend for a service principal',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'sp-fed', {
      type: 1,
      tenantID: TENANT_ID,
      clientID: CLIENT_ID,
      clientPassword: { name: 'sp-secret' },
      backend: 'Federated',
    }),
    path: 'spec',
    message: 'spec.backend Federated is only for user-assigned identities',
  },
  {
    name: 'unknown backend',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'bad-backend', {
      type: 0,
      resourceID: RESOURCE_ID,
      clientID: CLIENT_ID,
      backend: 'federated',
    }),
    path: 'spec.backend',
    message: '"VM", "Federated"',
  },
  {
    name: 'type 0 without resourceID',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'no-rid', { type: 0, clientID: CLIENT_ID }),
    path: 'spec',
    message: 'spec.resourceID is required for type 0',
  },
  {
    name: 'resourceID of a VM, not an identity',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'vm-rid', {
      type: 0,
      resourceID: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1',
      clientID: CLIENT_ID,
    }),
    path: 'spec.resourceID',
    message: 'must be the ARM id of a user-assigned identity',
  },
  {
    name: 'clientID not a GUID',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'bad-cid', { type: 0, resourceID: RESOURCE_ID, clientID: '<ClientID>' }),
    path: 'spec.clientID',
    message: 'GUID',
  },
  {
    name: 'type 1 without clientPassword',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'sp-nopw', { type: 1, tenantID: TENANT_ID, clientID: CLIENT_ID }),
    path: 'spec',
    message: 'spec.clientPassword is required for types 1 and 2',
  },
  {
    name: 'type 2 without tenantID',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'sp-notenant', {
      type: 2,
      clientID: CLIENT_ID,
      clientPassword: { name: 'c', namespace: 'default' },
    }),
    path: 'spec',
    message: 'spec.tenantID is required for types 1 and 2',
  },
  {
    name: 'legacy and camelCase resourceID disagree',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'disagree', {
      type: 0,
      resourceID: RESOURCE_ID,
      ResourceID: `${RESOURCE_ID}-other`,
      clientID: CLIENT_ID,
    }),
    path: 'spec',
    message: 'keep only spec.resourceID',
  },
  {
    name: 'misspelt field',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'typo', { type: 0, resourceId: RESOURCE_ID, clientID: CLIENT_ID }),
    path: 'spec.resourceId',
    message: 'unknown field',
  },
  {
    name: 'binding without selector',
    kind: 'AzureIdentityBinding',
    object: obj('AzureIdentityBinding', 'no-selector', { azureIdentity: 'demo-id' }),
    path: 'spec',
    message: 'spec.selector is required',
  },
  {
    name: 'binding without azureIdentity',
    kind: 'AzureIdentityBinding',
    object: obj('AzureIdentityBinding', 'no-identity', { selector: 'demo' }),
    path: 'spec',
    message: 'spec.azureIdentity is required',
  },
  {
    name: 'binding selector that no label can carry',
    kind: 'AzureIdentityBinding',
    object: obj('AzureIdentityBinding', 'bad-selector', {
      azureIdentity: 'demo-id',
      selector: 'not a label!',
    }),
    path: 'spec.selector',
    message: 'must be a non-empty label value',
  },
  {
    name: 'exception without labels',
    kind: 'AzurePodIdentityException',
    object: obj('AzurePodIdentityException', 'empty', { podLabels: {} }),
    path: 'spec',
    message: 'spec.podLabels needs at least one label',
  },
  {
    name: 'assigned identity with unknown status',
    kind: 'AzureAssignedIdentity',
    object: {
      ...obj('AzureAssignedIdentity', 'bad-status', { pod: 'p', podNamespace: 'default', nodename: 'n' }),
      status: { status: 'Done' },
    },
    path: 'status.status',
    message: 'Assigned',
  },
];
