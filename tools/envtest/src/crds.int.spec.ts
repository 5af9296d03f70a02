// The generated CRDs install into a real apiserver, which accepts valid objects and rejects invalid
// ones with the messages of our CEL rules (x-kubernetes-validations).
import { CustomObjectsApi } from '@kubernetes/client-node';
import { installCrds, readCrds } from './crds';
import { testNamespace } from './jest/test-namespace';
import { apiFailure } from './testing/api-error';

const GROUP = 'aadpodidentity.k8s.io';
const VERSION = 'v1';
const RESOURCE_ID =
  '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1';
const CLIENT_ID = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';

const ns = testNamespace();

function create(plural: string, kind: string, name: string, spec: Record<string, unknown>) {
  const api = ns.kubeConfig.makeApiClient(CustomObjectsApi);
  return api.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: ns.name,
    plural,
    body: { apiVersion: `${GROUP}/${VERSION}`, kind, metadata: { name }, spec },
  });
}

describe('generated CRDs on a real kube-apiserver', () => {
  beforeAll(async () => {
    await installCrds(ns.kubeConfig);
  });

  it('installs all four CRDs and serves them', async () => {
    const names = readCrds().map((c) => c.spec.names.kind);
    expect(names.sort()).toEqual([
      'AzureAssignedIdentity',
      'AzureIdentity',
      'AzureIdentityBinding',
      'AzurePodIdentityException',
    ]);
    // Installing again (another test file, a rerun) is a no-op, not an error.
    await expect(installCrds(ns.kubeConfig)).resolves.toHaveLength(4);
  });

  it('accepts a valid AzureIdentity and AzureIdentityBinding', async () => {
    const id = (await create('azureidentities', 'AzureIdentity', 'good-id', {
      type: 0,
      resourceID: RESOURCE_ID,
      clientID: CLIENT_ID,
    })) as { metadata: { uid?: string } };
    expect(id.metadata.uid).toBeTruthy();
    await expect(
      create('azureidentitybindings', 'AzureIdentityBinding', 'good-binding', {
        azureIdentity: 'good-id',
        selector: 'my-app',
      }),
    ).resolves.toBeTruthy();
  });

  it('rejects a clientID that is not a GUID with the CEL message', async () => {
    const failure = await apiFailure(
      create('azureidentities', 'AzureIdentity', 'bad-client-id', {
        type: 0,
        resourceID: RESOURCE_ID,
        clientID: 'nope',
      }),
    );
    expect(failure.code).toBe(422);
    expect(failure.message).toContain('spec.clientID');
    expect(failure.message).toContain("must be the identity's client id, a GUID");
  });

  it('rejects the ARM id of a VM with the CEL message', async () => {
    const failure = await apiFailure(
      create('azureidentities', 'AzureIdentity', 'vm-id', {
        type: 0,
        resourceID: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1',
        clientID: CLIENT_ID,
      }),
    );
    expect(failure.code).toBe(422);
    expect(failure.message).toContain('must be the ARM id of a user-assigned identity');
  });

  it('rejects a binding whose selector is not a label value', async () => {
    const failure = await apiFailure(
      create('azureidentitybindings', 'AzureIdentityBinding', 'bad-selector', {
        azureIdentity: 'good-id',
        selector: 'not a label!',
      }),
    );
    expect(failure.code).toBe(422);
    expect(failure.message).toContain('must be a non-empty label value');
  });

  it('rejects a binding without azureIdentity', async () => {
    const failure = await apiFailure(
      create('azureidentitybindings', 'AzureIdentityBinding', 'no-identity', { selector: 'my-app' }),
    );
    expect(failure.code).toBe(422);
    expect(failure.message).toContain('spec.azureIdentity is required');
  });

  it('rejects an exception without pod labels', async () => {
    const failure = await apiFailure(
      create('azurepodidentityexceptions', 'AzurePodIdentityException', 'no-labels', { podLabels: {} }),
    );
    expect(failure.code).toBe(422);
    expect(failure.message).toContain('spec.podLabels needs at least one label');
  });
});
