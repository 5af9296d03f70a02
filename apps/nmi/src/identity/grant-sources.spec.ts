import type {
  NormalizedAzureAssignedIdentity as AzureAssignedIdentity,
  NormalizedAzureIdentity as AzureIdentity,
  NormalizedAzureIdentityBinding as AzureIdentityBinding,
} from '@pod-identity/crd-types';
import { MemoryView } from '../testing/memory-view';
import { AssignedGrantSource, ManagedGrantSource } from './grant-sources';
import type { PodInfo } from './model';
import { ASSIGNED_BY_POD_INDEX, assignedByPodIndex, NAMESPACE_INDEX, namespaceIndex } from './views';

const pod: PodInfo = {
  namespace: 'apps',
  name: 'web',
  uid: 'u1',
  labels: { aadpodidbinding: 'web' },
  phase: 'Running',
  ips: ['10.0.0.1'],
};
const identity = (namespace: string, name: string, clientID: string): AzureIdentity =>
  ({
    apiVersion: 'aadpodidentity.k8s.io/v1',
    kind: 'AzureIdentity',
    metadata: { namespace, name },
    spec: {
      type: 0,
      resourceID: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
      clientID,
    },
  }) as AzureIdentity;
const binding = (
  namespace: string,
  name: string,
  azureIdentity: string,
  selector: string,
): AzureIdentityBinding =>
  ({
    apiVersion: 'aadpodidentity.k8s.io/v1',
    kind: 'AzureIdentityBinding',
    metadata: { namespace, name },
    spec: { azureIdentity, selector },
  }) as AzureIdentityBinding;

describe('grant sources over views', () => {
  it('standard mode: the assigned identities of this pod, by the pod index; a change wakes waiters', () => {
    const assigned = new MemoryView<AzureAssignedIdentity>({ [ASSIGNED_BY_POD_INDEX]: assignedByPodIndex });
    const source = new AssignedGrantSource(assigned);
    let woke = 0;
    source.changed.onChange(() => woke++);
    const mine = {
      metadata: { namespace: 'apps', name: 'web-apps-id' },
      spec: {
        pod: 'web',
        podNamespace: 'apps',
        nodeName: 'n',
        azureIdentityRef: identity('apps', 'id', '11111111-1111-1111-1111-111111111111'),
        azureBindingRef: binding('apps', 'b', 'id', 'web'),
      },
      status: { status: 'Assigned' },
    } as unknown as AzureAssignedIdentity;
    const someoneElses = {
      ...mine,
      metadata: { namespace: 'apps', name: 'other' },
      spec: { ...mine.spec, pod: 'other' },
    } as AzureAssignedIdentity;
    assigned.upsert(mine);
    assigned.upsert(someoneElses);
    expect(source.grantsFor(pod).map((g) => g.identity.spec.clientID)).toEqual([
      '11111111-1111-1111-1111-111111111111',
    ]);
    expect(woke).toBe(2);
  });

  it("managed mode: bindings of the pod's own namespace only, with the identity of that namespace", () => {
    const bindings = new MemoryView<AzureIdentityBinding>({ [NAMESPACE_INDEX]: namespaceIndex });
    const identities = new MemoryView<AzureIdentity>();
    const source = new ManagedGrantSource(bindings, identities);
    bindings.upsert(binding('apps', 'b', 'id', 'web'));
    bindings.upsert(binding('other', 'b', 'id', 'web'));
    identities.upsert(identity('apps', 'id', '22222222-2222-2222-2222-222222222222'));
    identities.upsert(identity('other', 'id', '33333333-3333-3333-3333-333333333333'));
    expect(source.grantsFor(pod).map((g) => g.identity.spec.clientID)).toEqual([
      '22222222-2222-2222-2222-222222222222',
    ]);
  });
});
