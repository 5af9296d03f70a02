// Every rendered object of every overlay is accepted by a real kube-apiserver: first a server-side
// dry-run, then a real server-side apply into the envtest control plane, then read back.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  KubernetesObjectApi,
  loadAllYaml,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { envtestKubeConfig, installCrds } from '@pod-identity/envtest';
import { objectKey, type KubeObject } from '../src/kustomize';
import { overlayNames } from '../src/repo';
import { renderOverlay } from './support';

const FIELD_MANAGER = 'pod-identity-deploy-tests';
const FIRST = new Set(['Namespace', 'CustomResourceDefinition']);
const CLUSTER_RBAC = new Set(['ClusterRole', 'ClusterRoleBinding']);

let kc: KubeConfig;
const applied = new Map<string, KubeObject>();

function objectsApi(): KubernetesObjectApi {
  // A new client each time: its discovery cache must see CRDs installed since.
  return KubernetesObjectApi.makeApiClient(kc);
}

async function apply(objects: readonly KubeObject[], dryRun: boolean): Promise<string[]> {
  const api = objectsApi();
  const failures: string[] = [];
  for (const o of objects) {
    try {
      await api.patch(
        o as KubernetesObject,
        undefined,
        dryRun ? 'All' : undefined,
        FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      );
      if (!dryRun) applied.set(objectKey(o), o);
    } catch (err) {
      failures.push(`${objectKey(o)}: ${(err as Error).message.slice(0, 400)}`);
    }
  }
  return failures;
}

beforeAll(async () => {
  kc = envtestKubeConfig();
  const fixtures = loadAllYaml(
    readFileSync(join(__dirname, '..', 'fixtures', 'monitoring-crds.yaml'), 'utf8'),
  ) as V1CustomResourceDefinition[];
  await installCrds(kc, fixtures);
});

afterAll(async () => {
  // Cluster-wide RBAC would outlive the test namespace; the CRDs and the namespace go with the etcd data.
  const api = objectsApi();
  for (const o of applied.values()) {
    if (CLUSTER_RBAC.has(o.kind)) await api.delete(o as KubernetesObject).catch(() => undefined);
  }
});

describe.each(overlayNames())('overlay %s on the apiserver', (overlay) => {
  it('is accepted by a server-side dry-run, then applied for real', async () => {
    const objects = renderOverlay(overlay);
    const first = objects.filter((o) => FIRST.has(o.kind));
    const rest = objects.filter((o) => !FIRST.has(o.kind));
    expect(await apply(first, true)).toEqual([]);
    expect(await apply(first, false)).toEqual([]);
    // The CRDs are Established before custom resources of their kinds are sent.
    const crds = first.filter(
      (o) => o.kind === 'CustomResourceDefinition',
    ) as unknown as V1CustomResourceDefinition[];
    await installCrds(kc, crds);
    expect(await apply(rest, true)).toEqual([]);
    expect(await apply(rest, false)).toEqual([]);
  });

  it('reads every object back from the apiserver', async () => {
    const api = objectsApi();
    const missing: string[] = [];
    for (const o of renderOverlay(overlay)) {
      const got = await api
        .read(o as KubernetesObject & { metadata: { name: string } })
        .catch(() => undefined);
      if (!got) missing.push(objectKey(o));
    }
    expect(missing).toEqual([]);
  });
});
