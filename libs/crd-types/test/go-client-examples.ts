// Manifests as clients built on the original project's Go types write them (see the comment below).
import { CLIENT_ID, type Example, obj, RESOURCE_ID, TENANT_ID } from './examples';

/**
 * What clients built on the original's Go types (v1.8 pkg/apis/aadpodidentity/v1) write: struct fields
 * are never omitted (clientPassword: {}, metadata: {creationTimestamp: null}), nil pointers and maps are
 * null, and unset strings are omitted or "". All must be accepted.
 */
export const GO_CLIENT_EXAMPLES: Example[] = [
  {
    name: 'user-assigned identity with clientPassword: {} (every Go-written identity)',
    kind: 'AzureIdentity',
    object: {
      ...obj('AzureIdentity', 'go-uai', {
        metadata: { creationTimestamp: null },
        resourceID: RESOURCE_ID,
        clientID: CLIENT_ID,
        clientPassword: {},
      }),
      status: { metadata: { creationTimestamp: null } },
    },
  },
  {
    name: 'user-assigned identity with every optional field at its zero value',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'go-uai-zero', {
      type: 0,
      resourceID: RESOURCE_ID,
      clientID: CLIENT_ID,
      clientPassword: { name: '', namespace: '' },
      tenantID: '',
      auxiliaryTenantIDs: null,
      adEndpoint: '',
      adResourceID: '',
      replicas: null,
    }),
  },
  {
    name: 'service principal with an empty legacy twin field',
    kind: 'AzureIdentity',
    object: obj('AzureIdentity', 'go-sp', {
      type: 1,
      tenantID: TENANT_ID,
      TenantID: '',
      clientID: CLIENT_ID,
      ClientID: '',
      clientPassword: { name: 'sp-secret', namespace: 'default' },
      auxiliaryTenantIDs: [],
    }),
  },
  {
    name: 'binding with weight 0 and spec.metadata',
    kind: 'AzureIdentityBinding',
    object: obj('AzureIdentityBinding', 'go-binding', {
      metadata: { creationTimestamp: null },
      azureIdentity: 'go-uai',
      selector: 'demo',
      weight: 0,
    }),
  },
  {
    name: 'exception with podLabels: null beside legacy PodLabels',
    kind: 'AzurePodIdentityException',
    object: obj('AzurePodIdentityException', 'go-exception', { podLabels: null, PodLabels: { app: 'x' } }),
  },
  {
    name: 'assigned identity with nil refs and replicas, empty status',
    kind: 'AzureAssignedIdentity',
    object: {
      ...obj('AzureAssignedIdentity', 'go-assigned', {
        metadata: { creationTimestamp: null },
        azureIdentityRef: null,
        azureBindingRef: null,
        pod: 'p',
        podNamespace: 'default',
        nodename: 'node-0',
        replicas: null,
      }),
      status: { metadata: { creationTimestamp: null }, status: '', availableReplicas: 0 },
    },
  },
];
