import { KubeConfig } from '@kubernetes/client-node';

/** Environment variable holding the path of the integration tier's admin kubeconfig. */
export const ENVTEST_KUBECONFIG = 'ENVTEST_KUBECONFIG';

/** The admin KubeConfig of the control plane started by the jest global setup. */
export function envtestKubeConfig(): KubeConfig {
  const path = process.env[ENVTEST_KUBECONFIG];
  if (!path) {
    throw new Error(
      `${ENVTEST_KUBECONFIG} is not set: run integration tests through a jest config whose globalSetup/globalTeardown ` +
        'are tools/envtest/src/jest/global-setup.ts and global-teardown.ts (or point it at .local/kubeconfig after `make cluster-up`)',
    );
  }
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}
