import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { envtestKubeConfig } from './env';

export interface TestNamespace {
  /** The namespace name (known immediately; the namespace exists from beforeAll on). */
  readonly name: string;
  /** Admin KubeConfig of the shared control plane (available from beforeAll on). */
  readonly kubeConfig: KubeConfig;
}

/** Lowercase DNS-label slug of the current test file name, e.g. "crds-int". */
function fileSlug(): string {
  const testPath = (expect.getState().testPath as string | undefined) ?? 'test';
  const slug = basename(testPath)
    .replace(/\.spec\.ts$|\.ts$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, 40) || 'test';
}

/**
 * Creates a namespace with the `default` ServiceAccount that Pods need; no controller-manager runs here
 * to create it.
 */
export async function createTestNamespace(kubeConfig: KubeConfig, name: string): Promise<void> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  await core.createNamespace({
    body: { metadata: { name, labels: { 'envtest.pod-identity/test': 'true' } } },
  });
  await core.createNamespacedServiceAccount({ namespace: name, body: { metadata: { name: 'default' } } });
}

/**
 * Registers beforeAll/afterAll hooks that create a unique namespace for this test file (with a
 * `default` ServiceAccount, which no controller-manager creates here, so Pods are admitted) and delete
 * it afterwards. Call it at the top level of a test file or describe block.
 */
export function testNamespace(prefix?: string): TestNamespace {
  const name = `${prefix ?? fileSlug()}-${randomBytes(3).toString('hex')}`;
  let kubeConfig: KubeConfig | undefined;

  beforeAll(async () => {
    kubeConfig = envtestKubeConfig();
    await createTestNamespace(kubeConfig, name);
  });

  afterAll(async () => {
    if (!kubeConfig) return;
    // No controller-manager runs, so the namespace stays Terminating; its objects go with the etcd data.
    await kubeConfig
      .makeApiClient(CoreV1Api)
      .deleteNamespace({ name })
      .catch(() => undefined);
  });

  return {
    name,
    get kubeConfig(): KubeConfig {
      if (!kubeConfig) throw new Error('testNamespace().kubeConfig is available from beforeAll on');
      return kubeConfig;
    },
  };
}
