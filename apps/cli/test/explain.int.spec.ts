// `kubectl pod-identity explain` against the real API server: one healthy pod gives only ✔ and exit 0;
// each broken state gives its own ✘ line (exactly one), the fix in words, and exit 1.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envtestKubeConfig, installCrds } from '@pod-identity/envtest';
import { pollUntil } from '@pod-identity/platform';
import type { Explanation } from '../src/explain/render';
import { cli } from './run';
import { World, type Breakage } from './world';

const worlds: World[] = [];
async function explainIn(
  b: Breakage,
  extra: readonly string[] = [],
): Promise<{ code: number; doc: Explanation; world: World }> {
  const world = new World(`e${worlds.length}`);
  worlds.push(world);
  const pod = await world.build(b);
  const r = await cli([
    'explain',
    `pod/${pod}`,
    '-n',
    world.namespace,
    '--system-namespace',
    world.system,
    '-o',
    'json',
    ...extra,
  ]);
  if (r.err) throw new Error(r.err);
  return { code: r.code, doc: JSON.parse(r.out) as Explanation, world };
}

const failing = (doc: Explanation): string[] =>
  doc.checks.filter((c) => !c.ok).map((c) => c.id.split(':')[0] as string);

beforeAll(async () => {
  await installCrds(envtestKubeConfig());
});

afterAll(async () => {
  for (const w of worlds) await w.cleanup();
});

describe('kubectl pod-identity explain', () => {
  it('a healthy pod: every link ✔, exit 0, in text and in JSON', async () => {
    const { code, doc, world } = await explainIn({});
    expect(code).toBe(0);
    expect(doc.shouldGetToken).toBe(true);
    expect(doc.checks.map((c) => c.id)).toEqual([
      'pod',
      'label',
      'binding',
      `identity:${world.namespace}/web-id`,
      'exception',
      `assignment:${world.namespace}/web-binding`,
      'mic',
      'nmi',
    ]);
    expect(doc.checks.every((c) => c.ok)).toBe(true);
    const text = await cli(['explain', 'pod/web', '-n', world.namespace, '--system-namespace', world.system]);
    expect(text.code).toBe(0);
    expect(text.out).not.toContain('✘');
    expect(text.out).toMatch(/✔ assignment +\S+: Assigned for 3m/);
    expect(text.out).toMatch(
      /✔ MIC +leader pod-identity-mic-7d9f-abcde for 10m\d*s?; last said IdentityAssigned about Pod \S+\/web 1m/,
    );
    expect(text.out).toMatch(/✔ NMI +pod-identity-nmi-\S+ Ready on \S+, version 1\.2\.3/);
    expect(text.out).toContain('the pod should get a token');
  });

  it.each<[string, Breakage, string, RegExp]>([
    ['the pod does not exist', { noPod: true }, 'pod', /not found/],
    ['the pod is not scheduled yet', { podNode: null, podPhase: 'Pending' }, 'pod', /not scheduled/],
    ['the pod has finished', { podPhase: 'Succeeded' }, 'pod', /Succeeded on/],
    ['the pod has no aadpodidbinding label', { noLabel: true }, 'label', /no aadpodidbinding label/],
    [
      "no binding has the pod's selector",
      { bindingSelector: 'someone-else' },
      'binding',
      /no AzureIdentityBinding with selector "web-\w+" in any namespace/,
    ],
    [
      'the binding names an identity that does not exist',
      { bindingIdentity: 'missing-id' },
      'binding',
      /names AzureIdentity missing-id, which does not exist/,
    ],
    [
      'namespaced mode and a binding of another namespace',
      { bindingNamespace: 'other', forceNamespaced: true },
      'binding',
      /selects the pod, but namespaced rules keep identity, binding and pod in one namespace/,
    ],
    [
      'an exception matches the pod',
      { exception: true },
      'exception',
      /AzurePodIdentityException \S+\/skip-web matches/,
    ],
    [
      'MIC wrote no AzureAssignedIdentity',
      { assigned: null },
      'assignment',
      /no AzureAssignedIdentity for this pod/,
    ],
    [
      'the assignment failed at ARM',
      {
        assigned: {
          status: 'Created',
          reason: 'LinkedAuthorizationFailed',
          message: 'MIC may not assign the identity: give it Managed Identity Operator',
        },
      },
      'assignment',
      /Created for 3m\d*s?, reason LinkedAuthorizationFailed/,
    ],
    [
      'a federated identity whose credential is missing',
      {
        federated: true,
        assigned: {
          status: 'Created',
          reason: 'FederatedCredentialMissing',
          message: 'create the federated credential for system:serviceaccount:x:default',
        },
      },
      'assignment',
      /FederatedCredentialMissing/,
    ],
    ['MIC has no leader', { lease: 'missing' }, 'mic', /no leader \(Lease aad-pod-identity-mic not found/],
    ["MIC's leader stopped renewing", { lease: 'stale' }, 'mic', /stopped renewing 2m ago/],
    ["no NMI on the pod's node", { nmi: 'missing' }, 'nmi', /no NMI pod on/],
    ['NMI on the node is not Ready', { nmi: 'not-ready' }, 'nmi', /is not Ready \(version 1\.2\.3\)/],
  ])('%s: its own ✘ line with the fix, exit 1', async (_name, breakage, id, detail) => {
    const { code, doc } = await explainIn(breakage);
    expect(code).toBe(1);
    expect(doc.shouldGetToken).toBe(false);
    expect({ failing: failing(doc), checks: doc.checks.filter((c) => !c.ok) }).toMatchObject({
      failing: [id],
    });
    const bad = doc.checks.find((c) => !c.ok);
    expect(bad?.detail).toMatch(detail);
    expect(bad?.fix).toEqual(expect.any(String));
  });

  it('an identity the CEL rules refuse (written before they existed): ✘ identity naming the field', async () => {
    // The strict CRD refuses the object; a copy without its CEL rules takes it; then the strict one returns.
    const world = new World('cel');
    worlds.push(world);
    const crdPath =
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/azureidentities.aadpodidentity.k8s.io';
    const strict = await world.http.request<Record<string, unknown>>({ method: 'GET', path: crdPath });
    const relaxed = JSON.parse(
      JSON.stringify(strict, (k, v: unknown) => (k === 'x-kubernetes-validations' ? undefined : v)),
    ) as Record<string, unknown>;
    await world.http.request({ method: 'PUT', path: crdPath, body: relaxed });
    try {
      await world.build({});
      await pollUntil(
        'the relaxed CRD to take the invalid identity',
        () =>
          world.http
            .request({
              method: 'PATCH',
              path: `/apis/aadpodidentity.k8s.io/v1/namespaces/${world.namespace}/azureidentities/web-id`,
              contentType: 'application/merge-patch+json',
              body: { spec: { clientID: 'not-a-guid' } },
            })
            .then(() => true),
        { timeoutMs: 20_000, intervalMs: 200 },
      );
    } finally {
      const current = await world.http.request<{ metadata: { resourceVersion: string } }>({
        method: 'GET',
        path: crdPath,
      });
      const metadata = {
        ...(strict.metadata as Record<string, unknown>),
        resourceVersion: current.metadata.resourceVersion,
      };
      await world.http.request({ method: 'PUT', path: crdPath, body: { ...strict, metadata } });
    }
    const r = await cli([
      'explain',
      'pod/web',
      '-n',
      world.namespace,
      '--system-namespace',
      world.system,
      '-o',
      'json',
    ]);
    expect(r.err).toBe('');
    const doc = JSON.parse(r.out) as Explanation;
    expect(r.code).toBe(1);
    expect(failing(doc)).toEqual(['identity']);
    expect(doc.checks.find((c) => !c.ok)?.detail).toMatch(
      /is invalid: spec\.clientID: must be the identity's client id/,
    );
  });

  it('-o json is the documented, stable shape (apps/cli/README.md)', async () => {
    const { doc } = await explainIn({ assigned: null });
    expect(Object.keys(doc).sort()).toEqual(['apiVersion', 'checks', 'kind', 'pod', 'shouldGetToken']);
    expect(doc).toMatchObject({ apiVersion: 'pod-identity.cli/v1', kind: 'PodExplanation' });
    for (const c of doc.checks) {
      expect(Object.keys(c).sort()).toEqual(
        c.ok ? ['detail', 'id', 'ok', 'title'] : ['detail', 'fix', 'id', 'ok', 'title'],
      );
    }
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    for (const field of [
      'apiVersion',
      'kind',
      'pod',
      'shouldGetToken',
      'checks',
      'id',
      'ok',
      'title',
      'detail',
      'fix',
    ])
      expect(readme).toContain(`\`${field}\``);
  });
});
