import {
  normalizeAzureIdentityBinding,
  type AzureIdentity,
  type AzureIdentityBinding,
} from '@pod-identity/crd-types';
import { matchPodBindings, podSelector } from './binding-matching';

const identity = (ns: string, name: string, namespaced = false): AzureIdentity => ({
  metadata: {
    namespace: ns,
    name,
    ...(namespaced ? { annotations: { 'aadpodidentity.k8s.io/Behavior': 'namespaced' } } : {}),
  },
  spec: {
    type: 0,
    resourceID: `/subscriptions/s/resourcegroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
    clientID: 'c',
  },
});
const binding = (
  ns: string,
  name: string,
  azureIdentity: string,
  selector: string,
): AzureIdentityBinding => ({
  metadata: { namespace: ns, name },
  spec: { azureIdentity, selector },
});

function run(
  pod: { namespace: string; label?: string },
  bindings: AzureIdentityBinding[],
  identities: AzureIdentity[],
  forceNamespaced = false,
) {
  return matchPodBindings({
    pod: {
      name: 'p',
      namespace: pod.namespace,
      labels: pod.label === undefined ? {} : { aadpodidbinding: pod.label },
    },
    bindings,
    identity: (ns, name) => identities.find((i) => i.metadata?.namespace === ns && i.metadata?.name === name),
    forceNamespaced,
  });
}

describe('matchPodBindings', () => {
  const ids = [identity('a', 'id1'), identity('b', 'id2'), identity('a', 'scoped', true)];

  it('matches bindings of every namespace by exact selector, sorted by namespace and name', () => {
    const r = run(
      { namespace: 'app', label: 'sel' },
      [binding('b', 'z', 'id2', 'sel'), binding('a', 'y', 'id1', 'sel'), binding('a', 'x', 'id1', 'Sel')],
      ids,
    );
    expect(r.matches.map((m) => m.binding.metadata?.name)).toEqual(['y', 'z']);
  });

  it('gives nothing to pods without the label or with an empty one', () => {
    expect(run({ namespace: 'a' }, [binding('a', 'b', 'id1', '')], ids).matches).toEqual([]);
    expect(run({ namespace: 'a', label: '' }, [binding('a', 'b', 'id1', '')], ids).matches).toEqual([]);
    expect(podSelector({ name: 'p', namespace: 'n', labels: { aadpodidbinding: 'x' } })).toBe('x');
  });

  it('looks the identity up in the binding namespace only', () => {
    const r = run({ namespace: 'app', label: 's' }, [binding('b', 'x', 'id1', 's')], ids);
    expect(r.matches).toEqual([]);
    expect(r.skipped.map((s) => s.reason)).toEqual(['identity-not-found']);
  });

  it('applies the namespaced annotation per identity', () => {
    expect(
      run({ namespace: 'app', label: 's' }, [binding('a', 'x', 'scoped', 's')], ids).skipped[0]?.reason,
    ).toBe('namespaced-rule');
    expect(run({ namespace: 'a', label: 's' }, [binding('a', 'x', 'scoped', 's')], ids).matches).toHaveLength(
      1,
    );
  });

  it('applies forced namespaced mode to every identity', () => {
    expect(run({ namespace: 'app', label: 's' }, [binding('a', 'x', 'id1', 's')], ids, true).matches).toEqual(
      [],
    );
    expect(
      run({ namespace: 'a', label: 's' }, [binding('a', 'x', 'id1', 's')], ids, true).matches,
    ).toHaveLength(1);
  });

  it('honours legacy PascalCase binding fields once normalised', () => {
    const legacy = normalizeAzureIdentityBinding({
      metadata: { namespace: 'a', name: 'old' },
      spec: { AzureIdentity: 'id1', Selector: 's' },
    });
    expect(run({ namespace: 'x', label: 's' }, [legacy], ids).matches[0]?.identity.metadata?.name).toBe(
      'id1',
    );
  });

  it('keeps one match per identity when two bindings lead to it', () => {
    const r = run(
      { namespace: 'x', label: 's' },
      [binding('a', 'b2', 'id1', 's'), binding('a', 'b1', 'id1', 's')],
      ids,
    );
    expect(r.matches.map((m) => m.binding.metadata?.name)).toEqual(['b1']);
    expect(r.skipped[0]?.reason).toBe('duplicate-identity');
  });
});
