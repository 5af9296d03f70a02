// Helpers for the integration specs: the envtest cluster from the jest global setup, namespaces,
// CRD installation (from deploy/base/crds) and bounded polling.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { isAlreadyExists, KubeHttp, type LoadedKubeConfig, loadKubeConfig } from '../src';
import { pollUntil } from '@pod-identity/platform';

/** The admin kubeconfig written by tools/envtest's jest global setup. */
export function envtestKubeConfig(): LoadedKubeConfig {
  const path = process.env.ENVTEST_KUBECONFIG;
  if (!path) throw new Error('ENVTEST_KUBECONFIG is unset: run through libs/kube/jest.int.config.cjs');
  return loadKubeConfig({ kubeconfigPath: path });
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** Creates a namespace with a "default" ServiceAccount (no controller-manager makes one here). */
export async function createNamespace(http: KubeHttp, prefix: string): Promise<string> {
  const name = uniqueName(prefix);
  await http.request({ method: 'POST', path: '/api/v1/namespaces', body: { metadata: { name } } });
  await http.request({
    method: 'POST',
    path: `/api/v1/namespaces/${name}/serviceaccounts`,
    body: { metadata: { name: 'default' } },
  });
  return name;
}

const CRD_DIR = resolve(__dirname, '..', '..', '..', 'deploy', 'base', 'crds');

/** Installs our CRDs (409 = already there) and waits until each one is served. */
export async function installCrds(http: KubeHttp): Promise<void> {
  const crds = readdirSync(CRD_DIR)
    .filter((f) => f.startsWith('aadpodidentity'))
    .flatMap((f) =>
      parseAllDocuments(readFileSync(join(CRD_DIR, f), 'utf8')).map((d) => d.toJSON() as CrdDoc),
    );
  for (const crd of crds) {
    try {
      await http.request({
        method: 'POST',
        path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
        body: crd,
      });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
  for (const crd of crds) {
    const path = `/apis/${crd.spec.group}/${crd.spec.versions[0].name}/${crd.spec.names.plural}`;
    await eventually(() => http.request({ method: 'GET', path, query: { limit: 1 } }), 30_000);
  }
}

interface CrdDoc {
  spec: { group: string; names: { plural: string }; versions: Array<{ name: string }> };
}

/** Retries `fn` every 100 ms until it resolves without throwing; returns its value (platform's pollUntil). */
export async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 20_000): Promise<T> {
  const box = await pollUntil('the check to pass', async () => ({ value: await fn() }), {
    timeoutMs,
    intervalMs: 100,
  });
  return box.value;
}

export function pod(
  name: string,
  namespace: string,
  nodeName: string,
  labels: Record<string, string> = {},
): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { nodeName, containers: [{ name: 'app', image: 'example.invalid/app:1' }] },
  };
}
