// The RBAC that is deployed is the RBAC the integration tests run MIC and NMI under: the rendered roles
// are the files of deploy/base/rbac unchanged, the apps' integration harnesses load those very files,
// the bindings name the ServiceAccounts the workloads run as, and the apiserver grants the deployed
// ServiceAccounts what the apps do and nothing more (SubjectAccessReview).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AuthorizationV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { envtestKubeConfig } from '@pod-identity/envtest';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../src/kustomize';
import { overlayNames, ROOT } from '../src/repo';
import { find, NAMESPACE, podTemplate, renderOverlay, workload } from './support';

const RBAC_DIR = join(ROOT, 'deploy', 'base', 'rbac');
const ROLE_KINDS = new Set(['ClusterRole', 'Role']);

function fileObjects(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(join(RBAC_DIR, file), 'utf8')).map((d) => d.toJS() as KubeObject);
}

describe('deployed RBAC equals deploy/base/rbac', () => {
  const files = ['mic-clusterrole.yaml', 'nmi-clusterrole.yaml', 'mic-leader-election-role.yaml'];
  const roles = files.flatMap(fileObjects).filter((o) => ROLE_KINDS.has(o.kind));

  it.each(overlayNames())('overlay %s deploys the roles of the files with unchanged rules', (overlay) => {
    const objects = renderOverlay(overlay);
    for (const role of roles) {
      const rendered = find(objects, role.kind, role.metadata.name);
      if (!rendered) continue; // managed mode drops MIC's roles
      expect(rendered.rules).toEqual(role.rules);
    }
    expect(objects.filter((o) => ROLE_KINDS.has(o.kind)).length).toBeGreaterThan(0);
  });

  it.each(overlayNames())(
    'overlay %s binds the roles to the ServiceAccounts the workloads run as',
    (overlay) => {
      const objects = renderOverlay(overlay);
      for (const app of ['mic', 'nmi'] as const) {
        const w = workload(objects, app);
        if (!w) continue;
        const sa = podTemplate(w).spec.serviceAccountName as string;
        expect(find(objects, 'ServiceAccount', sa)).toBeDefined();
        const bindings = objects.filter(
          (o) => o.kind.endsWith('Binding') && o.metadata.name === `pod-identity-${app}`,
        );
        expect(bindings.length).toBeGreaterThan(0);
        for (const b of bindings)
          expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: sa, namespace: NAMESPACE }]);
      }
    },
  );

  it('the MIC integration harness runs MIC under mic-clusterrole.yaml and mic-leader-election-role.yaml', () => {
    const harness = readFileSync(join(ROOT, 'apps', 'mic', 'test', 'harness.ts'), 'utf8');
    expect(harness).toMatch(/'deploy',\s*'base',\s*'rbac'/);
    expect(harness).toContain("'mic-clusterrole.yaml'");
    expect(harness).toContain("'mic-leader-election-role.yaml'");
  });

  it('the NMI integration harness runs NMI under nmi-clusterrole.yaml', () => {
    const cluster = readFileSync(join(ROOT, 'apps', 'nmi', 'test', 'support', 'cluster.ts'), 'utf8');
    expect(cluster).toMatch(/'deploy',\s*'base',\s*'rbac',\s*'nmi-clusterrole\.yaml'/);
  });
});

describe('what the apiserver grants the deployed ServiceAccounts', () => {
  let kc: KubeConfig;
  const created: KubernetesObject[] = [];

  beforeAll(async () => {
    kc = envtestKubeConfig();
    const api = KubernetesObjectApi.makeApiClient(kc);
    const objects = renderOverlay('prod').filter(
      (o) => o.kind === 'Namespace' || o.kind === 'ServiceAccount' || o.kind.includes('Role'),
    );
    for (const o of objects) {
      await api.patch(
        o as KubernetesObject,
        undefined,
        undefined,
        'pod-identity-deploy-tests',
        true,
        PatchStrategy.ServerSideApply,
      );
      if (o.kind.startsWith('Cluster')) created.push(o as KubernetesObject);
    }
  });

  afterAll(async () => {
    const api = KubernetesObjectApi.makeApiClient(kc);
    for (const o of created) await api.delete(o).catch(() => undefined);
  });

  async function allowed(
    sa: string,
    attrs: { verb: string; resource: string; group?: string; namespace?: string; subresource?: string },
  ): Promise<boolean> {
    const review = await kc.makeApiClient(AuthorizationV1Api).createSubjectAccessReview({
      body: {
        spec: {
          user: `system:serviceaccount:${NAMESPACE}:${sa}`,
          groups: ['system:serviceaccounts', `system:serviceaccounts:${NAMESPACE}`, 'system:authenticated'],
          resourceAttributes: {
            verb: attrs.verb,
            resource: attrs.resource,
            group: attrs.group ?? '',
            namespace: attrs.namespace,
            subresource: attrs.subresource,
          },
        },
      },
    });
    return review.status?.allowed === true;
  }

  const GROUP = 'aadpodidentity.k8s.io';
  it.each([
    ['pod-identity-mic', 'watch', 'pods', '', 'any', true],
    ['pod-identity-mic', 'list', 'nodes', '', '', true],
    ['pod-identity-mic', 'create', 'azureassignedidentities', GROUP, 'team-a', true],
    ['pod-identity-mic', 'update', 'leases', 'coordination.k8s.io', NAMESPACE, true],
    ['pod-identity-mic', 'create', 'configmaps', '', NAMESPACE, true],
    ['pod-identity-mic', 'create', 'leases', 'coordination.k8s.io', 'default', false],
    ['pod-identity-mic', 'update', 'configmaps', '', 'team-a', false],
    ['pod-identity-mic', 'get', 'secrets', '', NAMESPACE, false],
    ['pod-identity-mic', 'update', 'azureidentities', GROUP, 'team-a', false],
    ['pod-identity-nmi', 'watch', 'pods', '', '', true],
    ['pod-identity-nmi', 'list', 'azureassignedidentities', GROUP, '', true],
    ['pod-identity-nmi', 'get', 'secrets', '', 'team-a', true],
    ['pod-identity-nmi', 'create', 'tokenreviews', 'authentication.k8s.io', '', true],
    ['pod-identity-nmi', 'list', 'secrets', '', 'team-a', false],
    ['pod-identity-nmi', 'create', 'azureassignedidentities', GROUP, 'team-a', false],
    ['pod-identity-nmi', 'create', 'events', '', 'team-a', false],
    ['pod-identity-nmi', 'create', 'serviceaccounts/token', '', 'team-a', true],
    ['pod-identity-nmi', 'get', 'serviceaccounts', '', 'team-a', false],
    ['pod-identity-nmi', 'create', 'serviceaccounts', '', 'team-a', false],
    ['pod-identity-mic', 'create', 'serviceaccounts/token', '', 'team-a', false],
  ])(
    '%s may %s %s (group "%s", namespace "%s"): %s',
    async (sa, verb, resourcePath, group, namespace, expected) => {
      const [resource, subresource] = resourcePath.split('/');
      expect(
        await allowed(sa, {
          verb,
          resource,
          subresource,
          group,
          namespace: namespace === 'any' ? '' : namespace || undefined,
        }),
      ).toBe(expected);
    },
  );
});
