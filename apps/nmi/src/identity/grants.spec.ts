import { normalizeCrdObject } from '@pod-identity/crd-types';
import { IDENTITY_BACKEND_ANNOTATION } from '@pod-identity/domain';
import { assignedToGrant, managedGrants } from './grants';
import type { PodInfo } from './model';

const RID =
  '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id';
const CLIENT = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';

const identity = (backend?: string) =>
  normalizeCrdObject('AzureIdentity', {
    metadata: { namespace: 'a', name: 'id' },
    spec: { type: 0, resourceID: RID, clientID: CLIENT, ...(backend ? { backend } : {}) },
  });
const binding = normalizeCrdObject('AzureIdentityBinding', {
  metadata: { namespace: 'a', name: 'b' },
  spec: { azureIdentity: 'id', selector: 'sel' },
});
const pod: PodInfo = {
  namespace: 'a',
  name: 'p',
  uid: 'u',
  labels: { aadpodidbinding: 'sel' },
  phase: 'Running',
  ips: [],
};

function assigned(annotations: Record<string, string>, identitySpecBackend?: string) {
  return normalizeCrdObject('AzureAssignedIdentity', {
    metadata: { namespace: 'a', name: 'p-a-id', annotations },
    spec: {
      pod: 'p',
      podNamespace: 'a',
      nodename: 'n',
      azureIdentityRef: identity(identitySpecBackend),
      azureBindingRef: binding,
    },
    status: { status: 'Assigned' },
  });
}

describe('the backend of a grant (docs/adr/0010)', () => {
  it("standard mode follows what MIC recorded, not the embedded identity's field", () => {
    expect(assignedToGrant(assigned({ [IDENTITY_BACKEND_ANNOTATION]: 'Federated' }))?.identity.backend).toBe(
      'Federated',
    );
    // An object MIC wrote before the switch reached it: still VM, even though the identity now says Federated.
    expect(assignedToGrant(assigned({}, 'Federated'))?.identity.backend).toBe('VM');
  });

  it('managed mode reads spec.backend, else the cluster default', () => {
    const byName = (backend?: string) => () => identity(backend);
    expect(managedGrants(pod, [binding], byName('Federated'))[0]?.identity.backend).toBe('Federated');
    expect(managedGrants(pod, [binding], byName(), 'Federated')[0]?.identity.backend).toBe('Federated');
    expect(managedGrants(pod, [binding], byName(), 'VM')[0]?.identity.backend).toBe('VM');
    expect(managedGrants(pod, [binding], byName('VM'), 'Federated')[0]?.identity.backend).toBe('VM');
  });
});
