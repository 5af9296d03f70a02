import { startControlPlane, type ControlPlane } from '../control-plane';
import { ENVTEST_KUBECONFIG } from './env';

/** Handle kept for global-teardown (same process as global-setup). */
export const globalHandleKey = '__podIdentityEnvtestControlPlane__';

/**
 * Jest globalSetup: starts ONE control plane for the whole run and exposes its kubeconfig to the test
 * files as $ENVTEST_KUBECONFIG (workers inherit the environment). If ENVTEST_KUBECONFIG is already set
 * (e.g. to .local/kubeconfig after `make cluster-up`), that cluster is used and nothing is started.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env[ENVTEST_KUBECONFIG]) return;
  const plane: ControlPlane = await startControlPlane({
    startupTimeoutMs: Number(process.env.ENVTEST_STARTUP_TIMEOUT_MS ?? 90_000),
  });
  process.env[ENVTEST_KUBECONFIG] = plane.kubeconfigPath;
  (globalThis as Record<string, unknown>)[globalHandleKey] = plane;
}
