import type { ExplainFacts } from '../facts/model';
import { age } from './check';
import { explain } from './checks';

const now = Date.parse('2026-12-05T10:00:00Z');
const base: ExplainFacts = {
  now,
  podRef: { namespace: 'shop', name: 'web' },
  pod: {
    namespace: 'shop',
    name: 'web',
    phase: 'Running',
    nodeName: 'n0',
    labels: { aadpodidbinding: 'web' },
    serviceAccount: 'default',
  },
  bindings: [
    {
      apiVersion: 'aadpodidentity.k8s.io/v1',
      kind: 'AzureIdentityBinding',
      metadata: { namespace: 'shop', name: 'b' },
      spec: { azureIdentity: 'id', selector: 'web' },
    },
  ],
  identities: [
    {
      apiVersion: 'aadpodidentity.k8s.io/v1',
      kind: 'AzureIdentity',
      metadata: { namespace: 'shop', name: 'id' },
      spec: {
        type: 0,
        resourceID:
          '/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id',
        clientID: '12345678-1234-4234-8234-123456789abc',
      },
    },
  ],
  exceptions: [],
  assigned: [],
  mic: {
    namespace: 'sys',
    deploymentFound: true,
    forceNamespaced: false,
    lease: { holder: 'mic-0', acquiredMs: now - 60_000, renewedMs: now - 1_000, durationSeconds: 15 },
    events: [],
  },
  nmi: { name: 'nmi-x', ready: true, version: '1.0.0' },
};

describe('explain (pure)', () => {
  it('stops at the pod when there is none, and leaves NMI out for a pod without a node', () => {
    expect(explain({ ...base, pod: undefined }).map((c) => c.id)).toEqual(['pod']);
    const pending = explain({ ...base, pod: { ...base.pod!, nodeName: undefined, phase: 'Pending' } });
    expect(pending.map((c) => c.id)).not.toContain('nmi');
  });

  it("with --azure, a federated identity is checked for a credential trusting the pod's ServiceAccount; an ARM error says what to give", () => {
    const fedIdentity = {
      ...base.identities[0]!,
      spec: { ...base.identities[0]!.spec, backend: 'Federated' as const },
    };
    const identityId = fedIdentity.spec.resourceID!.toLowerCase();
    const withCredential = (subject: string): ExplainFacts => ({
      ...base,
      identities: [fedIdentity],
      azure: {
        error: 'the VM is not read for a federated identity',
        federated: [{ identityId, credentials: [{ name: 'c', issuer: 'https://i/', subject }] }],
      },
    });
    const line = (f: ExplainFacts) => explain(f).find((c) => c.id.startsWith('azure:'));
    expect(line(withCredential('system:serviceaccount:shop:default'))).toMatchObject({
      ok: true,
      detail: expect.stringContaining('trusts system:serviceaccount:shop:default'),
    });
    expect(line(withCredential('system:serviceaccount:other:default'))).toMatchObject({
      ok: false,
      detail: 'id has no federated credential for system:serviceaccount:shop:default',
    });
    const failed = line({ ...base, azure: { target: 't', error: 'AADSTS7000215: invalid client secret' } });
    expect(failed).toMatchObject({
      ok: false,
      detail: "could not read the node's VM/VMSS: AADSTS7000215: invalid client secret",
    });
  });

  it('prints ages the way kubectl does', () => {
    expect([age(40_000), age(192_000), age(3_600_000 + 5 * 60_000), age(-5)]).toEqual([
      '40s',
      '3m12s',
      '1h5m',
      '0s',
    ]);
  });
});
